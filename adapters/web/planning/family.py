"""« Agenda » : a child's month grid, one cell's page (book, declare an absence), the absence of the
whole child over a range, and a booking pattern for several children.

Works without JavaScript: every cell is a link to its own page, where the family
reads the deadline that applies (and the rule's message) before it acts, and
posts a form. A family acts on its own children; an agent of the child's
organisation acts on the same pages for the family, past the deadline too (the
kernel records it as done by the agent, late if it is); anyone else gets
« Page introuvable ».
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import falcon

from famille.adapters.http.auth import AUTHENTICATED, FAMILY
from famille.adapters.web.families.children import load_child
from famille.adapters.web.forms import Form, posted
from famille.adapters.web.planning.forms import (
    SCHOOL_WEEKDAYS,
    address,
    chosen,
    day_range,
    month_key,
    parse_day,
    parse_month,
    posted_all,
    short_text,
)
from famille.adapters.web.planning.grid_view import LEGEND, build_grid, day_and_month
from famille.adapters.web.rendering import redirect
from famille.adapters.web.site import Page, Site
from famille.kernel.planning.cells import CellStatus
from famille.kernel.planning.grid import ActionKind, Cell, agent_action, relevant_action
from famille.kernel.planning.outcomes import CellRefused, CellResult, ChangeReport, Outcome
from famille.kernel.planning.rules import AbsenceReason, DeadlineRule, absence_reason, absence_reasons
from famille.kernel.planning.service import ChildPlanning, cells_of_pattern
from famille.kernel.shared.errors import FieldError, NotFound, ValidationFailed
from famille.kernel.shared.french_dates import describe_date

#: What the grid says after a change, by the kernel's outcome (never text from the address).
RESULTS = {
    Outcome.BOOKED.value: "Réservation enregistrée : la case est maintenant « Réservé ».",
    Outcome.PENDING.value: "Réservation enregistrée : elle attend la validation d'un agent.",
    Outcome.ALREADY_BOOKED.value: "Cette case était déjà réservée : rien n'a changé.",
    Outcome.CANCELLED.value: "Absence enregistrée dans les délais : la réservation est annulée, la case est "
                             "maintenant « Absent excusé » et rien ne sera facturé.",
    Outcome.ABSENCE_PENDING.value: "Absence enregistrée : elle attend la validation d'un agent (la case est "
                                   "« Absence en cours de traitement »).",
    Outcome.ABSENCE_ACCEPTED.value: "Absence enregistrée.",
    Outcome.ALREADY_ABSENT.value: "Une absence était déjà déclarée sur cette case : rien n'a changé.",
}
OUTCOME_TITLES = {
    Outcome.BOOKED: "Réservé", Outcome.PENDING: "En attente d'un agent", Outcome.ALREADY_BOOKED: "Déjà réservé",
    Outcome.CANCELLED: "Réservation annulée", Outcome.ABSENCE_PENDING: "Absence en attente d'un agent",
    Outcome.ABSENCE_ACCEPTED: "Absence enregistrée", Outcome.ALREADY_ABSENT: "Absence déjà déclarée",
}
NOTE_MAX = 2000


def _child_id(child_id: str) -> str:
    if short_text(child_id, 100) is None:
        raise NotFound("Enfant introuvable.")
    return child_id


def _reasons(site: Site, organisation_code: str) -> list[AbsenceReason]:
    """The reasons the form offers, each with what the rule file says of it."""
    return [absence_reason(site.portal.rules, organisation_code, reason) for reason in absence_reasons(site.portal.rules, organisation_code)]


def _enrolled(planning: ChildPlanning) -> list[str]:
    """The services of the current enrolments, in the order of the grid."""
    codes = {e.service_code for e in planning.enrolments}
    ordered = [s.code for s in planning.services if s.code in codes]
    return list(dict.fromkeys(ordered))


@attrs.frozen
class Explanation:
    """What one cell's page says before the family acts: the action open or why none is."""

    action: ActionKind | None
    rule: DeadlineRule | None
    text: str


def _verb(kind: ActionKind) -> str:
    return "réserver" if kind is ActionKind.RESERVER else "déclarer une absence"


def explain_to_agent(site: Site, req: falcon.Request, child_id: str, service_code: str, cell: Cell
                     ) -> Explanation | None:
    """What an agent may do for the family on `cell`, whatever the deadline (None: as for a family)."""
    action = agent_action(cell.status)
    if action is None:
        return None
    rule = site.portal.planning.cell_rule(req.context.principal, child_id, service_code, cell.day, action)
    if cell.deadline is None or cell.deadline.instant > site.portal.clock.now():
        when = f" (délai de la famille : {cell.deadline.description})" if cell.deadline else ""
        return Explanation(action, rule, f"Vous pouvez {_verb(action)} pour la famille{when} ; "
                                         "la demande est enregistrée à votre nom.")
    return Explanation(action, rule, f"Le délai de la famille est passé ({cell.deadline.description}) : "
                                     f"vous pouvez encore {_verb(action)} pour elle ; la demande est enregistrée "
                                     "à votre nom, hors délai.")


def explain(site: Site, req: falcon.Request, child_id: str, service_code: str, cell: Cell) -> Explanation:
    """The action open on `cell` with its deadline and rule, or why nothing can be asked."""
    now = site.portal.clock.now()
    if req.context.principal.is_agent:
        for_agent = explain_to_agent(site, req, child_id, service_code, cell)
        if for_agent is not None:
            return for_agent
    if cell.actions:
        action = cell.actions[0]
        rule = site.portal.planning.cell_rule(req.context.principal, child_id, service_code, cell.day, action.kind)
        if cell.status in (CellStatus.ABSENT_EXCUSE, CellStatus.ABSENCE_EN_COURS):
            return Explanation(action.kind, rule, f"Absence déclarée. Vous pouvez encore réserver ce jour jusqu'au "
                                                  f"{action.deadline.description} : l'absence sera retirée.")
        return Explanation(action.kind, rule, f"Vous pouvez {_verb(action.kind)} jusqu'au {action.deadline.description}.")
    if cell.status is CellStatus.ABSENCE_A_VERIFIER:  # past its deadline: say why the day waits
        return Explanation(None, None, "Réservé, mais aucun pointage saisi ce jour : le service vérifie la présence "
                                       "de l'enfant avant de facturer. Contactez le service périscolaire de votre "
                                       "commune si votre enfant était absent.")
    if cell.deadline is not None:
        kind = relevant_action(cell.status)
        rule = site.portal.planning.cell_rule(req.context.principal, child_id, service_code, cell.day, kind)
        verb = _verb(kind)
        if cell.deadline.instant > now:
            return Explanation(None, rule, f"Les réservations pour ce jour ne sont pas encore ouvertes "
                                           f"(délai : {cell.deadline.description}).")
        return Explanation(None, rule, f"Délai dépassé : pour {verb} ce jour, il fallait le faire avant le "
                                       f"{cell.deadline.description} (règle « {cell.deadline.rule_id} »). "
                                       "Contactez le service périscolaire de votre commune.")
    reasons = {
        CellStatus.FERMETURE: "Le service est fermé ce jour : aucune réservation possible.",
        CellStatus.JOUR_FERIE: "Jour férié : pas d'accueil, aucune réservation possible.",
        CellStatus.PETITES_VACANCES: "Vacances scolaires : pas d'accueil périscolaire, aucune réservation possible.",
        CellStatus.GRANDES_VACANCES: "Vacances scolaires : pas d'accueil périscolaire, aucune réservation possible.",
        CellStatus.HORS_INSCRIPTION: "L'enfant n'est pas inscrit à ce service ce jour.",
        CellStatus.NON_OUVRE: "Pas d'accueil ce jour.",
        CellStatus.PASSE: "Jour passé sans réservation : il ne peut plus être réservé.",
        CellStatus.ABSENCE_EN_COURS: "Absence déclarée : elle attend la décision d'un agent.",
        CellStatus.ABSENT_EXCUSE: "Absence excusée : ce jour n'est pas facturé.",
        CellStatus.ABSENT_FACTURE: "Absence non excusée (non déclarée, déclarée après le délai ou refusée) : "
                                   "ce jour est facturé.",
    }
    return Explanation(None, None, reasons.get(cell.status, "Aucune demande possible sur cette case depuis le "
                                                            "portail : adressez-vous au service périscolaire."))


class ChildPlanningResource(Page):
    """`/enfants/{child_id}/planning?mois=YYYY-MM&etablissement=&service=`: the month grid."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The grid, its legend, the filters, the enrolments and the form of an absence over a range."""
        view = load_child(self._site, req, _child_id(child_id))
        self.show(req, resp, view, Form(values={"reason": ""}))

    def show(self, req: falcon.Request, resp: falcon.Response, view: Any, form: Form,
             status: str = falcon.HTTP_200) -> None:
        """Draw the grid page (also after a refused absence over a range, with the form's errors)."""
        site = self._site
        today = site.today()
        month = parse_month(req.get_param("mois"), today)
        structure = short_text(req.get_param("etablissement"), 100)
        service = short_text(req.get_param("service"))
        planning = site.portal.planning.month(req.context.principal, view.child.id, month, service=service,
                                              structure=structure)
        last_day, last_service = parse_day(req.get_param("jour")), req.get_param("case")
        last = (last_day, last_service) if last_day and last_service else None
        grid = build_grid(planning, today, structure=structure, service=service, last=last,
                          for_agent=not view.is_family)
        flash = RESULTS.get(req.get_param("resultat") or "")
        if flash and last_day and any(r.service_code == last_service for r in grid.rows):
            flash = f"{describe_date(last_day)}, {last_service} — {flash}"
        requirement = None
        reason = req.get_param("motif")
        if flash and reason in absence_reasons(site.portal.rules, planning.child.organisation_code):
            why = absence_reason(site.portal.rules, planning.child.organisation_code, reason)
            requirement = why.message if why.requires_document else None
        if req.get_param("calendrier") == "nouveau":
            flash = ("Nouvelle adresse de calendrier créée : l'ancienne ne fonctionne plus. Abonnez votre "
                     "téléphone à la nouvelle.")
        service_codes = list(dict.fromkeys(s.code for s in planning.services))
        feed = site.portal.calendars.link(req.context.principal, view.child.id) if view.is_family else None
        site.page(req, resp, "planning_enfant.html", status=status, view=view, child=view.child, planning=planning,
                  grid=grid, legend=LEGEND, structure=structure or "", service=service or "",
                  service_codes=service_codes, enrolled=_enrolled(planning), flash=flash, requirement=requirement,
                  reasons=_reasons(site, planning.child.organisation_code), form=form,
                  can_act=True, is_agent=not view.is_family, family_id=view.family.id, feed=feed)


class DayResource(Page):
    """`/enfants/{child_id}/planning/jour?date=&service=`: one cell, what can be asked on it, and the forms
    (a family's own child, or for an agent a child of its organisation, acting for the family)."""

    auth = AUTHENTICATED

    def _cell(self, req: falcon.Request, child_id: str, day: date | None, service: str | None
              ) -> tuple[ChildPlanning, Cell]:
        if day is None or service is None:
            raise NotFound("Case introuvable.")
        planning = self._site.portal.planning.month(req.context.principal, child_id, day, service=service)
        row = planning.row_of(service, day)
        if row is None:
            raise NotFound("Case introuvable : l'enfant n'est pas inscrit à ce service ce mois-ci.")
        return planning, row.cells[day.day - 1]

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The cell's status, the deadline and the rule that apply, and the form of the action open."""
        view = load_child(self._site, req, _child_id(child_id))
        day, service = parse_day(req.get_param("date")), short_text(req.get_param("service"))
        self._show(req, resp, view, day, service, Form(values={"reason": ""}))

    def _show(self, req: falcon.Request, resp: falcon.Response, view: Any, day: date | None, service: str | None,
              form: Form, *, refusal: CellResult | None = None, status: str = falcon.HTTP_200) -> None:
        planning, cell = self._cell(req, view.child.id, day, service)
        assert day is not None and service is not None
        explanation = explain(self._site, req, view.child.id, service, cell)
        row = planning.row_of(service, day)
        organisation = (row.organisation_code if row else None) or planning.child.organisation_code  # the cell's rules
        back = address(f"/enfants/{view.child.id}/planning", mois=month_key(day))
        self._site.page(
            req, resp, "planning_jour.html", status=status, view=view, child=view.child, day=day, service=service,
            day_title=day_and_month(day), cell=cell, explanation=explanation, refusal=refusal, form=form,
            reasons=_reasons(self._site, organisation), back=back,
            structure=planning.structure_of(service, day), responsable=planning.responsable, can_act=True,
            is_agent=not view.is_family, action_kinds=ActionKind,
        )

    def on_post(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """Book the cell or declare an absence on it; a refusal says which deadline passed and the rule."""
        view = load_child(self._site, req, _child_id(child_id))
        fields = posted(req)
        day, service = parse_day(fields.get("date")), short_text(fields.get("service"))
        action = fields.get("action", "")
        reason = fields.get("reason", "")
        note = (fields.get("note") or "").strip()[:NOTE_MAX] or None
        form = Form.keeping(fields, ["reason", "note"])
        if day is None or service is None or action not in ("reserver", "absence"):
            raise NotFound("Case introuvable.")
        planning = self._site.portal.planning
        principal = req.context.principal
        try:
            if action == "reserver":
                report = planning.book(principal, view.child.id, [(service, day)], as_agent=principal.is_agent)
            elif reason not in absence_reasons(self._site.portal.rules, view.child.organisation_code):
                form.add("reason", "Choisissez le motif de l'absence.")
                self._show(req, resp, view, day, service, form, status=falcon.HTTP_422)
                return
            else:
                report = planning.declare_absence(principal, view.child.id, [(service, day)], reason, note=note,
                                                  as_agent=principal.is_agent)
        except CellRefused as refused:
            self._show(req, resp, view, day, service, form, refusal=refused.result, status=falcon.HTTP_422)
            return
        except ValidationFailed as error:
            form.absorb(error, ["reason", "note"])
            self._show(req, resp, view, day, service, form, status=falcon.HTTP_422)
            return
        (result,) = report.results
        redirect(resp, address(f"/enfants/{view.child.id}/planning", mois=month_key(day),
                               resultat=result.outcome.value, jour=day.isoformat(), case=service,
                               motif=reason if action == "absence" else None) + "#grille")


@attrs.frozen
class ReportView:
    """What a request over many cells did to one child, grouped for the result page."""

    child_name: str
    groups: tuple[tuple[str, tuple[CellResult, ...]], ...]
    refused: tuple[CellResult, ...]
    closed: tuple[CellResult, ...]
    requirement: str | None


def report_view(report: ChangeReport, child_name: str) -> ReportView:
    """The report grouped by outcome; days without any service kept apart from real refusals."""
    groups = []
    for outcome, title in OUTCOME_TITLES.items():
        found = tuple(r for r in report.done if r.outcome is outcome)
        if found:
            groups.append((title, found))
    closed = tuple(r for r in report.skipped if r.skip is not None and r.skip.value == "jour-sans-accueil")
    refused = tuple(r for r in report.skipped if r not in closed)
    return ReportView(child_name, tuple(groups), refused, closed, report.requirement)


class CalendarRevocation(Page):
    """`POST /enfants/{child_id}/planning/calendrier`: a new private calendar address, the old one revoked."""

    auth = FAMILY

    def on_post(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """Revoke the family's address for the child and show the page with the new one."""
        view = load_child(self._site, req, _child_id(child_id))
        self._site.portal.calendars.revoke(req.context.principal, view.child.id)
        redirect(resp, address(f"/enfants/{view.child.id}/planning", calendrier="nouveau") + "#calendrier")


class ChildAbsenceResource:
    """`POST /enfants/{child_id}/planning/absence`: « Déclarer une absence » for the whole child over a range
    (by its family, or by an agent for the family)."""

    auth = AUTHENTICATED

    def __init__(self, site: Site, grid: ChildPlanningResource) -> None:
        self._site = site
        self._grid = grid

    def on_post(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """Declare the absence on every booked day of the range; the result lists each day."""
        view = load_child(self._site, req, _child_id(child_id))
        fields = posted(req)
        form = Form.keeping(fields, ["du", "au", "reason", "note"])
        first, last = parse_day(fields.get("du")), parse_day(fields.get("au"))
        problem = day_range(first, last)
        if problem:
            form.add("du", problem)
        reason = fields.get("reason", "")
        if reason not in absence_reasons(self._site.portal.rules, view.child.organisation_code):
            form.add("reason", "Choisissez le motif de l'absence.")
        planning = self._site.portal.planning
        principal = req.context.principal
        services: list[str] = []
        if first and last and not problem:
            enrolled = planning.enrolled_services(principal, view.child.id, first, last)
            services = chosen(posted_all(req, "services"), enrolled) or enrolled
            if not services:
                form.add("du", "L'enfant n'est inscrit à aucun service sur ces jours.")
        if form.has_errors:
            self._grid.show(req, resp, view, form, status=falcon.HTTP_422)
            return
        assert first and last
        cells = cells_of_pattern(services, range(7), first, last)
        note = (fields.get("note") or "").strip()[:NOTE_MAX] or None
        try:
            report = planning.declare_absence(principal, view.child.id, cells, reason, note=note,
                                              as_agent=principal.is_agent)
        except CellRefused as refused:
            report = ChangeReport(view.child.id, (refused.result,))
        except ValidationFailed as error:
            form.absorb(error, ["du", "au", "reason", "note"])
            self._grid.show(req, resp, view, form, status=falcon.HTTP_422)
            return
        name = f"{view.child.prenom} {view.child.nom}"
        self._site.page(req, resp, "planning_resultat.html", title="Déclaration d'absence",
                        summary=f"Absence de {name} du {describe_date(first)} au {describe_date(last)}, "
                                f"motif : {reason}.",
                        reports=[report_view(report, name)], back=f"/enfants/{view.child.id}/planning",
                        back_label=f"Revenir au planning de {view.child.prenom}")


class BookingPatternResource(Page):
    """`/reservations`: book the same weekdays and services over a period, for one or several children."""

    auth = FAMILY

    def _children(self, req: falcon.Request) -> list[tuple[Any, list[str]]]:
        principal = req.context.principal
        home = self._site.portal.home.page(principal)
        today = self._site.today()
        found = []
        for child in home.children:
            planning = self._site.portal.planning.month(principal, child.id, today)
            found.append((child, _enrolled(planning)))
        return found

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The form: children, weekdays, services, from and to."""
        children = self._children(req)
        today = self._site.today()
        form = Form(values={"du": "", "au": ""})
        wanted = short_text(req.get_param("enfant"), 100)
        self._show(req, resp, children, form, checked_children=[wanted] if wanted else [c.id for c, s in children if s],
                   checked_days=list(SCHOOL_WEEKDAYS), checked_services=[], today=today)

    def _show(self, req: falcon.Request, resp: falcon.Response, children: list[tuple[Any, list[str]]], form: Form,
              *, checked_children: list[str], checked_days: list[str], checked_services: list[str], today: date,
              status: str = falcon.HTTP_200) -> None:
        services = list(dict.fromkeys(code for _, codes in children for code in codes))
        self._site.page(req, resp, "planning_periode.html", status=status, children=children, form=form,
                        child_options=[(c.id, f"{c.prenom} {c.nom}") for c, _ in children],
                        day_options=[(d, d.capitalize()) for d in SCHOOL_WEEKDAYS],
                        service_options=[(s, s) for s in services], checked_children=checked_children,
                        checked_days=checked_days, checked_services=checked_services, today=today)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Book the pattern; the result lists what was booked, what waits, and each refused day with why."""
        children = self._children(req)
        today = self._site.today()
        fields = posted(req)
        form = Form.keeping(fields, ["du", "au"])
        child_ids = chosen(posted_all(req, "enfants"), [c.id for c, _ in children])
        weekdays = chosen(posted_all(req, "jours"), SCHOOL_WEEKDAYS)
        all_services = list(dict.fromkeys(code for _, codes in children for code in codes))
        services = chosen(posted_all(req, "services"), all_services)
        first, last = parse_day(fields.get("du")), parse_day(fields.get("au"))
        for name, values, message in (("enfants", child_ids, "Choisissez au moins un enfant."),
                                      ("jours", weekdays, "Choisissez au moins un jour de la semaine."),
                                      ("services", services, "Choisissez au moins un service.")):
            if not values:
                form.add(name, message)
        problem = day_range(first, last)
        if problem:
            form.add("du", problem)
        cells = []
        if first and last and not problem:
            cells = cells_of_pattern(services, [SCHOOL_WEEKDAYS.index(d) for d in weekdays], first, last)
            if services and weekdays and not cells:
                form.add("du", "Aucun de ces jours de la semaine entre ces deux dates.")
        reports: list[ChangeReport] = []
        if not form.has_errors:
            try:
                reports = self._site.portal.planning.book_children(req.context.principal, child_ids, cells)
            except ValidationFailed as error:
                for field_error in error.errors:
                    form.add_field_error(FieldError("du", field_error.message), {"du"})
        if form.has_errors:
            self._show(req, resp, children, form, checked_children=child_ids, checked_days=weekdays,
                       checked_services=services, today=today, status=falcon.HTTP_422)
            return
        assert first and last
        names = {c.id: f"{c.prenom} {c.nom}" for c, _ in children}
        self._site.page(req, resp, "planning_resultat.html", title="Réservations sur une période",
                        summary=f"Du {describe_date(first)} au {describe_date(last)}, les {', '.join(weekdays)} : "
                                f"{', '.join(services)}.",
                        reports=[report_view(r, names.get(r.child_id, "")) for r in reports],
                        back="/reservations", back_label="Faire d'autres réservations")
