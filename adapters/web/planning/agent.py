"""The agents' planning pages: the day's attendance list, closures, headcounts (and their CSV), and the
bookings and absences waiting for a decision.

Agents of the organisation only (`auth = AGENT`); the kernel keeps each agent
inside its own organisation. Every change is a POST form followed by a redirect.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs
import falcon

from famille.adapters.http.auth import AGENT
from famille.adapters.http.planning.views import headcounts_csv
from famille.adapters.web.forms import Form, posted, refused_decision
from famille.adapters.web.planning.forms import address, parse_day, parse_time, query_day, short_text
from famille.adapters.web.rendering import redirect
from famille.adapters.web.site import Page, Site
from famille.kernel.planning.agent import PendingEntry, RollCall
from famille.kernel.planning.inputs import RECORDABLE, AttendanceStatus
from famille.kernel.shared.errors import Conflict, NotFound, ValidationFailed
from famille.kernel.shared.french_dates import describe_date

#: What an agent's page says after a change, by key (never text from the address).
NOTICES = {
    "pointage": "Le pointage est enregistré.",
    "fermeture-ajoutee": "La fermeture est enregistrée : les plannings des familles l'affichent.",
    "fermeture-supprimee": "La fermeture est supprimée.",
    "acceptee": "La demande est acceptée : la famille en est avertie.",
    "refusee": "La demande est refusée : la famille en est avertie, avec le motif.",
}
REASON_MAX = 500
MAX_LINES = 500


def _day(req: falcon.Request, today: date, name: str = "date") -> date:
    return query_day(req, name, today)


def _is_timed(service_code: str) -> bool:
    """Garderies record arrival and departure times; the canteen only present or absent."""
    return service_code.startswith("GARDERIE")


class _AgentPage(Page):
    auth = AGENT

    @property
    def _agents(self) -> Any:
        return self._site.portal.planning_agent

    def _services(self, req: falcon.Request) -> list[str]:
        return list(dict.fromkeys(s.code for s in self._agents.services(req.context.principal)))


@attrs.frozen
class RollLine:
    """One line of the attendance form."""

    index: int
    line: RollCall
    timed: bool
    errors: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """present, absent or blank."""
        status = self.line.attendance.status
        return "" if status is AttendanceStatus.NONE else status.code


class AttendancePage(_AgentPage):
    """`/agent/pointage?date=&service=`: the day's list to tick, recorded with one form."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The children expected that day (and those already recorded)."""
        day = _day(req, self._site.today())
        service = short_text(req.get_param("service"))
        self._show(req, resp, day, service, {}, {})

    def _show(self, req: falcon.Request, resp: falcon.Response, day: date, service: str | None,
              errors: dict[int, list[str]], kept: dict[str, str], status: str = falcon.HTTP_200) -> None:
        lines = self._agents.roll_call(req.context.principal, day, service)
        rows = [RollLine(n, line, _is_timed(line.service_code), tuple(errors.get(n, ())))
                for n, line in enumerate(lines)]
        form = Form(values=kept)
        for n, messages in errors.items():
            for message in messages:
                form.add(f"statut-{n}", message)
        self._site.page(req, resp, "agent_pointage.html", status=status, day=day, service=service or "",
                        services=self._services(req), rows=rows, form=form, kept=kept,
                        flash=NOTICES.get(req.get_param("resultat") or ""),
                        previous=(day - timedelta(1)).isoformat(), following=(day + timedelta(1)).isoformat())

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Record each ticked line; the lines refused are shown again with their error."""
        fields = posted(req)
        day = parse_day(fields.get("date"))
        if day is None:
            raise NotFound("Jour introuvable.")
        service = short_text(fields.get("filtre"))
        count = min(int(fields.get("lignes", "0")) if fields.get("lignes", "").isdigit() else 0, MAX_LINES)
        errors: dict[int, list[str]] = {}
        principal = req.context.principal
        for n in range(count):
            status = RECORDABLE.get(fields.get(f"statut-{n}", ""))
            child, code = short_text(fields.get(f"enfant-{n}"), 100), short_text(fields.get(f"service-{n}"))
            if status is None or child is None or code is None:
                continue
            try:
                arrival = parse_time(fields.get(f"arrivee-{n}"))
                departure = parse_time(fields.get(f"depart-{n}"))
            except ValueError:
                errors[n] = ["Heure invalide : écrivez-la HH:MM, par exemple 07:45."]
                continue
            try:
                self._agents.record_attendance(principal, child, code, day, status, arrival, departure)
            except ValidationFailed as refused:
                errors[n] = [e.message for e in refused.errors]
            except NotFound as missing:
                errors[n] = [missing.message]
        if errors:
            self._show(req, resp, day, service, errors, fields, status=falcon.HTTP_422)
            return
        redirect(resp, address("/agent/pointage", date=day.isoformat(), service=service, resultat="pointage"))


class ClosuresPage(_AgentPage):
    """`/agent/fermetures`: the organisation's closures from today, and the form to add one."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The list and the form."""
        self._show(req, resp, Form(values={"date": "", "service": "", "reason": ""}))

    def _show(self, req: falcon.Request, resp: falcon.Response, form: Form, status: str = falcon.HTTP_200) -> None:
        today = self._site.today()
        closures = self._agents.closures(req.context.principal, today, today + timedelta(400))
        self._site.page(req, resp, "agent_fermetures.html", status=status, closures=closures, form=form,
                        services=self._services(req), flash=NOTICES.get(req.get_param("resultat") or ""))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Declare a closure of one service, or of every service."""
        fields = posted(req)
        form = Form.keeping(fields, ["date", "service", "reason"])
        day = parse_day(fields.get("date"))
        if day is None:
            form.add("date", "Indiquez le jour de la fermeture.")
        service = fields.get("service") or None
        if service is not None and service not in self._services(req):
            form.add("service", "Choisissez un service de la liste.")
        reason = (fields.get("reason") or "").strip()
        if not reason:
            form.add("reason", "Indiquez le motif de la fermeture : les familles le liront.")
        elif len(reason) > REASON_MAX:
            form.add("reason", f"Le motif ne doit pas dépasser {REASON_MAX} caractères.")
        if not form.has_errors:
            assert day is not None
            try:
                self._agents.declare_closure(req.context.principal, day, service, reason)
            except ValidationFailed as refused:
                form.absorb(refused, ["date", "service", "reason"])
        if form.has_errors:
            self._show(req, resp, form, status=falcon.HTTP_422)
            return
        redirect(resp, "/agent/fermetures?resultat=fermeture-ajoutee")


class ClosureDeletion(_AgentPage):
    """`POST /agent/fermetures/{closure_id}/suppression`: withdraw a closure."""

    def on_post(self, req: falcon.Request, resp: falcon.Response, closure_id: str) -> None:
        """Delete it (404 if it is not one of the organisation's)."""
        if short_text(closure_id, 100) is None:
            raise NotFound("Fermeture introuvable.")
        self._agents.remove_closure(req.context.principal, closure_id)
        redirect(resp, "/agent/fermetures?resultat=fermeture-supprimee")


class HeadcountsPage(_AgentPage):
    """`/agent/effectifs?date=`: children expected per structure and service, canteen meals by menu."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The table, and the link to its CSV."""
        day = _day(req, self._site.today())
        counts = self._agents.headcounts(req.context.principal, day)
        self._site.page(req, resp, "agent_effectifs.html", day=day, counts=counts,
                        csv_href=address("/agent/effectifs/csv", date=day.isoformat()),
                        previous=(day - timedelta(1)).isoformat(), following=(day + timedelta(1)).isoformat())


class HeadcountsCsv(_AgentPage):
    """`/agent/effectifs/csv?date=`: the same CSV as the API's (`;`, UTF-8 with BOM, for Excel)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The file, as a download."""
        day = _day(req, self._site.today())
        counts = self._agents.headcounts(req.context.principal, day)
        resp.content_type = "text/csv; charset=utf-8"
        resp.set_header("Content-Disposition", f'attachment; filename="effectifs-{day.isoformat()}.csv"')
        resp.set_header("Cache-Control", "private, no-store")
        resp.data = headcounts_csv(day, counts)


@attrs.frozen
class PendingItem:
    """A request of the queue, with its refusal form (what was typed, and why it was refused)."""

    entry: PendingEntry
    key: str
    kind_label: str
    description: str
    form: Form


class PendingPage(_AgentPage):
    """`/agent/reservations`: bookings and absences waiting for a decision, each with its forms."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The queue, by day."""
        self.show(req, resp)

    def show(self, req: falcon.Request, resp: falcon.Response, *, failed: tuple[str, Form] | None = None,
             conflict: str | None = None, status: str = falcon.HTTP_200) -> None:
        """Draw the queue; `failed` is the key of the request whose decision was refused, and its form."""
        items = []
        for entry in self._agents.pending(req.context.principal):
            record = entry.record
            key = f"{entry.kind}/{record.id}"
            if entry.booking is not None:
                label = "Réservation"
                late = "" if entry.booking.state.in_time else " (demandée hors délai)"
                description = f"{describe_date(record.day)} — {record.service_code}{late}"
            else:
                assert entry.absence is not None
                label = "Absence"
                state = entry.absence.state
                late = "" if state.in_time else " (déclarée hors délai)"
                description = f"{describe_date(record.day)} — {record.service_code} — motif : {state.reason}{late}"
            items.append(PendingItem(entry, key, label, description,
                                     failed[1] if failed and failed[0] == key else Form()))
        self._site.page(req, resp, "agent_reservations.html", status=status, items=items, conflict=conflict,
                        flash=NOTICES.get(req.get_param("resultat") or ""))


class PendingDecision(_AgentPage):
    """`POST /agent/reservations/{kind}/{record_id}`: accept, or refuse with a reason."""

    def __init__(self, site: Site, queue: PendingPage) -> None:
        super().__init__(site)
        self._queue = queue

    def on_post(self, req: falcon.Request, resp: falcon.Response, kind: str, record_id: str) -> None:
        """Decide; the family is told in its inbox."""
        if kind not in ("reservation", "absence") or short_text(record_id, 100) is None:
            raise NotFound("Demande introuvable.")
        fields = posted(req)
        accept = fields.get("decision") == "accepter"
        reason = fields.get("motif", "")
        decide = self._agents.decide_booking if kind == "reservation" else self._agents.decide_absence
        try:
            decide(req.context.principal, record_id, accept=accept, reason=reason or None)
        except ValidationFailed as refused:
            self._queue.show(req, resp, failed=(f"{kind}/{record_id}", refused_decision(reason, refused)),
                             status=falcon.HTTP_422)
            return
        except Conflict as done:
            self._queue.show(req, resp, conflict=done.message, status=falcon.HTTP_409)
            return
        redirect(resp, f"/agent/reservations?resultat={'acceptee' if accept else 'refusee'}")
