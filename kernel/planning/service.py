"""The planning of a child: the month grid, bookings and absences, for families and for agents.

A family books or declares an absence before the deadline the rule file sets; an
agent may do both for a family past the deadline (recorded as late, with who did
it). A request for many cells books what can be booked and reports every other
cell with its reason, rule and deadline; a request for one single cell that cannot
be granted is refused (`CellRefused`). Every change is appended to the history.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.calendar.deadlines import BookingHorizon, deadline_for, is_before
from famille.kernel.calendar.model import DayKind, SchoolYear
from famille.kernel.families import access
from famille.kernel.families.model import Child
from famille.kernel.planning.cells import CellStatus
from famille.kernel.planning.context import ChildCells, OrganisationSetup, OrganisationSetups
from famille.kernel.planning.excuses import Excuses
from famille.kernel.planning.grid import (
    ActionKind,
    Deadline,
    PlanningFacts,
    PlanningRow,
    days_of_month,
)
from famille.kernel.planning.inputs import (
    AbsenceState,
    AbsenceStatus,
    Attendance,
    BookingState,
    BookingStatus,
    Enrolment,
    declare_absence,
)
from famille.kernel.planning.month import MonthTemplate, MonthTemplates
from famille.kernel.planning.outcomes import CellRefused, CellResult, ChangeReport, Outcome, SkipReason
from famille.kernel.planning.records import (
    AbsenceRecord,
    BookingRecord,
    EventKind,
    PlanningEvent,
)
from famille.kernel.planning.rules import (
    NO_REASON,
    AbsenceReason,
    DeadlineRule,
    DeadlineRules,
    absence_reason,
)
from famille.kernel.planning.scope import PlanningScope, planning_scope, scope_of
from famille.kernel.shared.errors import FieldError, Forbidden, NotFound, ValidationFailed
from famille.kernel.shared.french_dates import describe_date
from famille.kernel.shared.organisations import Service, Structure
from famille.kernel.shared.time import require_aware
from famille.ports.calendar import HolidayCalendar
from famille.ports.clock import Clock
from famille.ports.persistence import UnitOfWork, UnitOfWorkFactory
from famille.ports.planning_persistence import Cell, GridCells
from famille.ports.rules import Rules

_EVENT_ORDER = {EventKind.BOOKING_REQUESTED: 0, EventKind.BOOKING_ACCEPTED: 1, EventKind.BOOKING_REFUSED: 1,
                EventKind.ABSENCE_DECLARED: 2, EventKind.BOOKING_CANCELLED: 3, EventKind.ABSENCE_ACCEPTED: 3,
                EventKind.ABSENCE_REFUSED: 3, EventKind.ABSENCE_WITHDRAWN: 4}
#: At most this many cells in one request (a school year of 4 services is about 720).
MAX_CELLS = 2000
#: At most this many children in one family-level request.
MAX_CHILDREN = 10


@attrs.frozen
class ChildPlanning:
    """A child's month: a row per service and structure enrolled in (each under its own organisation's
    deadlines and closures), the current enrolments, and the filters offered."""

    child: Child
    month: date
    responsable: str
    rows: tuple[PlanningRow, ...]
    enrolments: tuple[Enrolment, ...]
    structures: tuple[Structure, ...]
    services: tuple[Service, ...]

    def row_of(self, service_code: str, day: date | None = None) -> PlanningRow | None:
        """The row of a service (the one enrolled on `day` when the child changed structure within the month)."""
        rows = [r for r in self.rows if r.service_code == service_code]
        if day is not None and day.month == self.month.month and day.year == self.month.year:
            enrolled = [r for r in rows if r.cells[day.day - 1].status is not CellStatus.HORS_INSCRIPTION]
            rows = enrolled or rows
        return rows[0] if rows else None

    def structure_of(self, service_code: str, day: date | None = None) -> Structure | None:
        """The structure offering a service of the grid (see `row_of`)."""
        row = self.row_of(service_code, day)
        return self.structure_of_row(row) if row is not None else None

    def structure_of_row(self, row: PlanningRow) -> Structure | None:
        """The structure of a row."""
        return self.structure(row.structure_id)

    def structure(self, structure_id: str | None) -> Structure | None:
        """A structure of the grid's organisations by id (an enrolment's, a row's)."""
        return next((s for s in self.structures if s.id == structure_id), None)


def cells_of_pattern(services: Iterable[str], weekdays: Iterable[int], first: date, last: date) -> list[Cell]:
    """Every (service, day) from `first` to `last` whose weekday (0 = Monday) is in `weekdays`."""
    wanted = set(weekdays)
    days = [first.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]
    return [(service, day) for service in dict.fromkeys(services) for day in days if day.weekday() in wanted]


def _late_message(action: ActionKind, service_code: str, day: date, deadline: Deadline) -> str:
    verb = "réserver" if action is ActionKind.RESERVER else "déclarer une absence"
    return (f"Délai dépassé : pour {verb} le {describe_date(day)} ({service_code}), il fallait le faire "
            f"avant le {deadline.description} (règle « {deadline.rule_id} »). Contactez le service "
            "périscolaire de votre commune.")


def _kind_message(kind: DayKind, setup: OrganisationSetup, service_code: str, day: date) -> str:
    if kind is DayKind.FERMETURE:
        closure = setup.calendar(day).closure(day, service_code)
        reason = f" : {closure.reason}" if closure else ""
        return f"{service_code} fermé le {describe_date(day)}{reason}."
    if kind is DayKind.JOUR_FERIE:
        name = setup.calendar(day).public_holidays.get(day, "")
        return f"Le {describe_date(day)} est un jour férié ({name}) : pas d'accueil."
    return f"Pas de {service_code} le {describe_date(day)} ({kind.label.lower()})."


class Planning:
    """The use cases of the planning grid, bookings and absences."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        rules: Rules,
        calendar: HolidayCalendar,
        horizon: BookingHorizon | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._rules = rules
        self._calendar = calendar
        self._horizon = horizon or BookingHorizon()
        self._months = MonthTemplates()  # what a month is for every child, computed once per version
        self._setups = OrganisationSetups(calendar, rules)  # the organisations' setups, read again when they change

    def prepare(self) -> int:
        """Compute now, for every organisation, the months of the school year of today and, once its bookings
        have opened, of the next one: what the first requests would otherwise compute (a few milliseconds a
        month) while families wait, at the start of a rush above all. They are kept as any request's, and
        computed again only when what they come from changes. Returns how many months (at most half of
        what the process keeps)."""
        today = self._clock.now().date()
        years = [SchoolYear.containing(today)]
        following = SchoolYear.starting(years[0].start.year + 1)
        if self._horizon.opens_on(following) <= today:
            years.append(following)
        with self._uow(read_only=True) as uow:
            codes = [organisation.code for organisation in uow.organisations.list()]
            setups = [(year, setup) for year in years
                      for setup in self._setups.load_many(uow, codes, year.start, year.end, {})]
        made = 0
        for year, setup in setups:
            for first in year.month_starts():
                if made >= self._months.size // 2:
                    return made
                self._months.month(setup, first)
                made += 1
        return made

    # --- the grid ---------------------------------------------------------------------------

    def month(
        self, principal: Principal, child_id: str, month: date, *, service: str | None = None,
        structure: str | None = None, read: Child | None = None,
    ) -> ChildPlanning:
        """The child's planning for the month of `month`, optionally one service or one structure.

        One row per service and structure the child is enrolled in, each organisation's rows under its
        own calendar, closures, deadlines and absence rules; an agent sees its organisation's rows only.
        `read`: the child as the request read it already, with the session (`Callers`).
        """
        days = days_of_month(month)
        first, last = days[0], days[-1]
        now = self._clock.now()
        with self._uow(read_only=True) as uow:  # a read: no transaction on PostgreSQL
            (found,) = access.read_children(uow, [child_id], read=(read,) if read is not None else ())
            grid = uow.planning.grid_of(found.id, first, last)
            child = (scope := scope_of(principal, found, grid.enrolments)).child
            setups = self._setups.load_many(uow, scope.organisations(first, last), first, last, grid.setup_versions)
        rows: list[PlanningRow] = []
        for setup in setups:  # each in scope: a row shows only its own organisation's cells
            rows += self._organisation_rows(setup, scope.enrolments, grid, first, now, service, structure)
        today = now.date()
        current = tuple(e for e in scope.enrolments if e.end is None or e.end >= today)
        responsable = " ".join(grid.responsable) if grid.responsable else ""
        return ChildPlanning(child, first, responsable, tuple(rows), current,
                             tuple(s for setup in setups for s in setup.structures.values()),
                             tuple(s for setup in setups for s in setup.services.values()))

    def _organisation_rows(self, setup: OrganisationSetup, scoped: Sequence[Enrolment], grid: GridCells,
                           first: date, now: datetime, service: str | None, structure: str | None
                           ) -> list[PlanningRow]:
        """The rows of the child's enrolments in one organisation, under its calendar, deadlines and rules."""
        code = setup.organisation.code
        last = days_of_month(first)[-1]
        enrolments = tuple(e for e in scoped if e.organisation_code == code)
        enrolled = {e.service_code for e in enrolments if e.overlaps(first, last)}
        services = [s for s in setup.services.values() if s.code in enrolled
                    and (service is None or s.code == service) and (structure is None or s.structure_id == structure)]
        if not services:
            return []
        bookings: dict[Cell, BookingState] = {key: state for organisation, key, state in grid.bookings
                                              if organisation == code}
        excuses = Excuses(self._rules, code)
        absences: dict[Cell, AbsenceState] = {key: excuses.judged_state(state, document=document)
                                              for organisation, key, state, document in grid.absences
                                              if organisation == code}
        ticks: dict[Cell, Attendance] = {key: tick for organisation, key, tick in grid.attendance
                                         if organisation == code}
        facts = PlanningFacts(enrolments=enrolments, bookings=bookings, absences=absences, attendance=ticks)
        template = self._months.month(setup, first)
        rows = template.rows([s.code for s in services], facts, now, self._horizon)
        return [attrs.evolve(row, organisation_code=code, structure_id=s.structure_id)
                for row, s in zip(rows, services, strict=True)]

    def cell_rule(self, principal: Principal, child_id: str, service_code: str, day: date, action: ActionKind,
                  reason: str = NO_REASON) -> DeadlineRule:
        """The deadline rule of a cell of a child the caller may see: what a page shows before the family acts
        (the rule of the organisation the child is enrolled in for that cell)."""
        with self._uow() as uow:
            scope = planning_scope(uow, principal, child_id)
        organisation = scope.organisation_of(service_code, day)
        return DeadlineRules(self._rules, organisation).rule(service_code, day.weekday(), action, reason)

    @staticmethod
    def legend() -> tuple[CellStatus, ...]:
        """Every status a cell may have, in the order of the legend."""
        return tuple(CellStatus)

    # --- bookings ---------------------------------------------------------------------------

    def book(self, principal: Principal, child_id: str, cells: Sequence[Cell], *, as_agent: bool = False,
             read: Child | None = None) -> ChangeReport:
        """Book the cells of one child; a single cell that cannot be booked is refused."""
        (report,) = self.book_children(principal, [child_id], cells, as_agent=as_agent,
                                       read=(read,) if read is not None else ())
        return _single(report, len(set(cells)))

    def book_children(
        self, principal: Principal, child_ids: Sequence[str], cells: Sequence[Cell], *, as_agent: bool = False,
        read: Sequence[Child] = (),
    ) -> list[ChangeReport]:
        """Book the same cells for several children in one transaction; a report per child.

        `read`: children the request read already, with the session (`Callers`).
        """
        _check_agent(principal, as_agent)
        _check_size(child_ids, cells)
        now = self._clock.now()
        wanted = sorted(set(cells), key=lambda cell: (cell[1], cell[0]))
        first, last = wanted[0][1], wanted[-1][1]
        with self._uow() as uow:
            children = access.read_children(uow, child_ids, read=read)
            known = ChildCells.load_many(uow, children, first, last)
            scopes = [scope_of(principal, child, known[child.id].enrolments) for child in children]
            versions = {code: v for cells in known.values() for code, v in cells.setup_versions.items()}
            setups = _Setups(self._setups, uow, first, last, versions)  # loaded once per organisation
            moment = _Moment(now, self._horizon)
            asked = [self._judge_child(principal, scope, setups, known[scope.child.id].within(scope), wanted, moment,
                                       as_agent) for scope in scopes]
            # every child's bookings and their history in one write (the history of the cells added only)
            granted = [item for _, items, _ in asked for item in items]
            history = [event for record, rule, cutoff in granted
                       for event in _booking_events(record, principal, now, rule, cutoff)]
            added = (set(uow.planning.add_bookings([record for record, _, _ in granted], str(uuid.uuid4()), history))
                     if granted else set())
            reports: list[ChangeReport] = []
            withdrawals: list[PlanningEvent] = []
            for child, (results, booked, withdrawn) in zip(children, asked, strict=True):
                for event in withdrawn:
                    uow.planning.delete_absence(known[child.id].absences[(event.service_code, event.day)].id)
                withdrawals += withdrawn
                self._booked(results, booked, added)
                reports.append(ChangeReport(child.id, tuple(results[cell] for cell in wanted)))
            uow.planning.add_events(withdrawals)
            uow.commit()
        return reports

    def _judge_child(self, principal: Principal, scope: PlanningScope, setups: _Setups, known: ChildCells,
                     wanted: Sequence[Cell], moment: _Moment, as_agent: bool
                     ) -> tuple[dict[Cell, CellResult], list[tuple[BookingRecord, DeadlineRule, Deadline]],
                                list[PlanningEvent]]:
        """The cells refused with why, the bookings to insert (each in the organisation of the enrolment
        covering its cell) with their rule and deadline, and the history of the absences withdrawn (booking
        a day declared absent: the absence goes, its booking stands again)."""
        results: dict[Cell, CellResult] = {}
        granted: list[tuple[BookingRecord, DeadlineRule, Deadline]] = []
        withdrawn: list[PlanningEvent] = []
        now = moment.now
        for service_code, day in wanted:
            setup = setups.of(scope.organisation_of(service_code, day))
            judged = self._judge_booking(setup, known, service_code, day, moment, as_agent)
            if isinstance(judged, CellResult):
                results[(service_code, day)] = judged
                continue
            rule, deadline, absence, in_time = judged
            if absence is not None:
                results[(service_code, day)] = CellResult(
                    service_code, day, Outcome.BOOKED, "Absence retirée : la réservation de ce jour est rétablie.",
                    rule_id=rule.rule_id, deadline=deadline, in_time=in_time)
                withdrawn.append(_event(absence, EventKind.ABSENCE_WITHDRAWN, now, principal, in_time,
                                        absence.state.reason, rule.rule_id, deadline))
                continue
            state = BookingState.asked(principal.account_id, now, in_time,
                                       accepted=as_agent or not rule.needs_validation)
            granted.append((BookingRecord(str(uuid.uuid4()), setup.organisation.code, scope.child.id, service_code,
                                          day, state, rule.rule_id), rule, deadline))
        return results, granted, withdrawn

    @staticmethod
    def _booked(results: dict[Cell, CellResult], granted: Sequence[tuple[BookingRecord, DeadlineRule, Deadline]],
                added: set[str]) -> None:
        """Fill `results` for the bookings inserted (or found booked meanwhile)."""
        for record, rule, cutoff in granted:
            cell = (record.service_code, record.day)
            if record.id not in added:  # booked meanwhile by someone else: the same result as asking twice
                results[cell] = CellResult(*cell, Outcome.ALREADY_BOOKED, "Déjà réservé.", rule_id=rule.rule_id,
                                           deadline=cutoff)
                continue
            accepted = record.state.status is BookingStatus.ACCEPTED
            late = "" if record.state.in_time else " hors délai, par un agent"
            message = (f"Réservé{late}." if accepted
                       else "Réservation enregistrée : elle attend la validation d'un agent.")
            results[cell] = CellResult(*cell, Outcome.BOOKED if accepted else Outcome.PENDING, message,
                                       rule_id=rule.rule_id, deadline=cutoff, in_time=record.state.in_time)

    def _deadline(self, setup: OrganisationSetup, service_code: str, day: date, action: ActionKind,
                  reason: str = "AUCUNE", month: MonthTemplate | None = None) -> tuple[DeadlineRule, Deadline | None]:
        """The rule and deadline of an action on a cell; `month`: the cell's month template, when the caller
        has it already."""
        rule = setup.deadlines.rule(service_code, day.weekday(), action, reason)
        if rule.spec is None:
            return rule, None
        if reason == NO_REASON and service_code in setup.services:  # computed once with the month
            template = month if month is not None else self._months.month(setup, day)
            known = template.deadlines_of(service_code, day).get(action)
            if known is not None:
                return rule, known
        return rule, Deadline(deadline_for(day, rule.spec, setup.calendar(day)), rule.rule_id)

    def _open_cell(self, setup: OrganisationSetup, known: ChildCells, service_code: str, day: date
                   ) -> CellResult | MonthTemplate:
        """A skip result when the cell takes no child that day (or not this child), else its month's template."""
        if service_code not in setup.services:
            return CellResult(service_code, day, Outcome.SKIPPED,
                              f"Service inconnu dans votre commune : {service_code}.", SkipReason.UNKNOWN_SERVICE)
        month = self._months.month(setup, day)
        if not month.opens(service_code, day):  # the month computed once knows
            kind = setup.calendar(day).day_kind(day, service_code)
            return CellResult(service_code, day, Outcome.SKIPPED, _kind_message(kind, setup, service_code, day),
                              SkipReason.NOT_OPEN)
        if known.enrolment(service_code, day) is None:
            return CellResult(service_code, day, Outcome.SKIPPED,
                              f"L'enfant n'est pas inscrit à {service_code} le {describe_date(day)}.",
                              SkipReason.NOT_ENROLLED)
        return month

    def _judge_booking(self, setup: OrganisationSetup, known: ChildCells, service_code: str, day: date,
                       moment: _Moment, as_agent: bool
                       ) -> CellResult | tuple[DeadlineRule, Deadline, AbsenceRecord | None, bool]:
        """Why the cell cannot be booked, or its rule, its deadline, the absence the booking withdraws and
        whether the request is in time."""
        month = self._open_cell(setup, known, service_code, day)
        if isinstance(month, CellResult):
            return month
        rule, deadline = self._deadline(setup, service_code, day, ActionKind.RESERVER, month=month)
        existing = known.bookings.get((service_code, day))
        absence = known.absences.get((service_code, day))  # the booking under a declared absence stays
        if existing is not None and existing.state.is_booked and absence is None:
            return CellResult(service_code, day, Outcome.ALREADY_BOOKED, "Déjà réservé.", rule_id=rule.rule_id,
                              deadline=deadline)
        # booking a day declared absent withdraws the absence (a refused one stays: the agent decided)
        withdrawn = (absence if absence is not None and existing is not None and existing.state.is_booked
                     and absence.state.status is not AbsenceStatus.REFUSED else None)
        if withdrawn is None and (existing is not None or absence is not None):
            return CellResult(service_code, day, Outcome.SKIPPED,
                              "Cette case a déjà une réservation refusée ou une absence ; adressez-vous au service.",
                              SkipReason.CELL_TAKEN, rule.rule_id, deadline)
        if deadline is None:
            return CellResult(service_code, day, Outcome.SKIPPED, rule.message, SkipReason.NOT_BOOKABLE, rule.rule_id)
        if not as_agent and not moment.allows(day):
            opens = self._horizon.opens_on(SchoolYear.containing(day))
            return CellResult(service_code, day, Outcome.SKIPPED,
                              f"Les réservations pour le {describe_date(day)} ouvrent le {describe_date(opens)}.",
                              SkipReason.BEYOND_HORIZON, rule.rule_id, deadline)
        in_time = moment.before(deadline)
        if not as_agent and not in_time:
            return CellResult(service_code, day, Outcome.SKIPPED,
                              _late_message(ActionKind.RESERVER, service_code, day, deadline),
                              SkipReason.DEADLINE_PASSED, rule.rule_id, deadline, in_time=False)
        return rule, deadline, withdrawn, in_time

    # --- absences ---------------------------------------------------------------------------

    def declare_absence(
        self, principal: Principal, child_id: str, cells: Sequence[Cell], reason: str, *,
        note: str | None = None, document: str | None = None, as_agent: bool = False,
    ) -> ChangeReport:
        """Declare an absence on booked cells: the booking stays and the cell shows the absence.

        In time and when the rule file asks no validation, it is accepted at once (excused: nothing
        is billed); otherwise it waits for an agent. An agent's absence is accepted at once.

        A single cell that cannot be cancelled is refused; for several, every booked
        cell of the selection is handled and the others reported.
        """
        _check_agent(principal, as_agent)
        _check_size([child_id], cells)
        now = self._clock.now()
        with self._uow() as uow:
            scope = planning_scope(uow, principal, child_id)
            absence_reason(self._rules, scope.organisation or scope.child.organisation_code, reason)  # unknown: 422
            report = self._absent_child(uow, principal, scope, cells, reason, note, document, now, as_agent)
            uow.commit()
        return _single(report, len(set(cells)))

    def _absent_child(self, uow: UnitOfWork, principal: Principal, scope: PlanningScope, cells: Sequence[Cell],
                      reason: str, note: str | None, document: str | None, now: datetime,
                      as_agent: bool) -> ChangeReport:
        wanted = sorted(set(cells), key=lambda cell: (cell[1], cell[0]))
        first, last = wanted[0][1], wanted[-1][1]
        child = scope.child
        known = ChildCells.load(uow, child, first, last, scope)
        setups = _Setups(self._setups, uow, first, last, known.setup_versions)
        results: dict[Cell, CellResult] = {}
        absences: list[AbsenceRecord] = []
        events: list[PlanningEvent] = []
        whys: dict[str, AbsenceReason] = {}
        for service_code, day in wanted:
            cell = (service_code, day)
            setup = setups.of(scope.organisation_of(service_code, day))
            code = setup.organisation.code
            if code not in whys:  # each organisation's own absence rules
                whys[code] = absence_reason(self._rules, code, reason)
            why = whys[code]
            judged = self._judge_absence(setup, known, service_code, day, why, now, as_agent)
            if isinstance(judged, CellResult):
                results[cell] = judged
                continue
            rule, deadline, booking = judged
            absence = declare_absence(now=now, deadline=deadline.instant, reason=why.reason, by=principal.account_id)
            in_time = absence.in_time
            # The booking stays: the cell shows the absence (pending, then excused or billed) and billing
            # reads both. The rule file says whether an absence in time waits for an agent.
            accept = as_agent or (in_time and not rule.needs_validation)
            if accept:
                absence = absence.accepted()
            absences.append(AbsenceRecord(
                str(uuid.uuid4()), code, child.id, service_code, day, absence, note, document,
                rule.rule_id, principal.account_id if accept else None, now if accept else None))
            events.append(_event(booking, EventKind.ABSENCE_DECLARED, now, principal, in_time, why.reason,
                                 rule.rule_id, deadline))
            if accept:
                events.append(_event(booking, EventKind.ABSENCE_ACCEPTED, now, principal, in_time, why.reason,
                                     rule.rule_id, deadline))
            if accept and in_time:
                outcome, message = Outcome.CANCELLED, "Réservation annulée dans les délais : rien ne sera facturé."
            elif accept:
                outcome, message = Outcome.ABSENCE_ACCEPTED, "Absence enregistrée."
            else:
                outcome, message = Outcome.ABSENCE_PENDING, "Absence enregistrée : elle attend la validation d'un agent."
            results[cell] = CellResult(service_code, day, outcome, message, rule_id=rule.rule_id, deadline=deadline,
                                       in_time=in_time)
        added = set(uow.planning.add_absences(absences)) if absences else set()
        for record in absences:
            cell = (record.service_code, record.day)
            if cell not in added:
                results[cell] = attrs.evolve(results[cell], outcome=Outcome.ALREADY_ABSENT,
                                             message="Absence déjà déclarée.")
                events = [e for e in events if (e.service_code, e.day) != cell]
        uow.planning.add_events(events)
        requirement = None
        asked = next(iter(whys.values()), None)
        if asked is not None and asked.requires_document and any(r.outcome is not Outcome.SKIPPED for r in results.values()):
            given = f" (référence reçue : {document})" if document else " : à transmettre au service"
            requirement = f"Justificatif demandé — {asked.document}{given}. {asked.message}"
        return ChangeReport(child.id, tuple(results[cell] for cell in wanted), requirement)

    def _judge_absence(self, setup: OrganisationSetup, known: ChildCells, service_code: str, day: date,
                       why: AbsenceReason, now: datetime, as_agent: bool
                       ) -> CellResult | tuple[DeadlineRule, Deadline, BookingRecord]:
        month = self._open_cell(setup, known, service_code, day)
        if isinstance(month, CellResult):
            return month
        if not why.allowed:
            return CellResult(service_code, day, Outcome.SKIPPED, why.message, SkipReason.REASON_NOT_ALLOWED,
                              why.rule_id)
        booking = known.bookings.get((service_code, day))
        if booking is None or not booking.state.is_booked:
            return CellResult(service_code, day, Outcome.SKIPPED,
                              f"Aucune réservation à annuler le {describe_date(day)} ({service_code}).",
                              SkipReason.NOT_BOOKED)
        rule, deadline = self._deadline(setup, service_code, day, ActionKind.DECLARER_ABSENCE, why.reason, month)
        if (service_code, day) in known.absences:
            return CellResult(service_code, day, Outcome.ALREADY_ABSENT, "Absence déjà déclarée.",
                              rule_id=rule.rule_id, deadline=deadline)
        if deadline is None:
            return CellResult(service_code, day, Outcome.SKIPPED, rule.message, SkipReason.NOT_BOOKABLE, rule.rule_id)
        if not as_agent and not is_before(now, deadline.instant):
            return CellResult(service_code, day, Outcome.SKIPPED,
                              _late_message(ActionKind.DECLARER_ABSENCE, service_code, day, deadline),
                              SkipReason.DEADLINE_PASSED, rule.rule_id, deadline, in_time=False)
        return rule, deadline, booking

    def enrolled_services(self, principal: Principal, child_id: str, first: date, last: date) -> list[str]:
        """The services the child is enrolled in at some day from `first` to `last` (« the whole child »),
        in the organisations the caller may act in."""
        with self._uow() as uow:
            scope = planning_scope(uow, principal, child_id)
        return list(dict.fromkeys(e.service_code for e in scope.enrolments if e.overlaps(first, last)))

    # --- what the family and the agents read --------------------------------------------------

    def history(self, principal: Principal, child_id: str, first: date, last: date) -> list[PlanningEvent]:
        """The child's changes for days from `first` to `last`, oldest first (an agent: its organisation's)."""
        with self._uow() as uow:
            scope = planning_scope(uow, principal, child_id)
            events = [e for e in uow.planning.events_of(scope.child.id, first, last)
                      if scope.includes(e.organisation_code)]
        # Changes of one request share their instant: a request comes before its answer.
        return sorted(events, key=lambda e: (e.at, _EVENT_ORDER[e.kind]))


@attrs.define
class _Moment:
    """The instant of one request, for every cell it asks: in UTC once (deadlines compare in UTC, as
    `is_before` does) and the booking horizon's answer once per day, whatever the service or child."""

    now: datetime
    horizon: BookingHorizon
    utc: datetime = attrs.field(init=False)
    _allowed: dict[date, bool] = attrs.field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        self.utc = require_aware(self.now).astimezone(UTC)

    def before(self, deadline: Deadline) -> bool:
        """Whether the request comes strictly before the deadline (`is_before(now, deadline.instant)`)."""
        return self.utc < require_aware(deadline.instant).astimezone(UTC)

    def allows(self, day: date) -> bool:
        """Whether the horizon lets a family book `day` now (`BookingHorizon.allows`)."""
        allowed = self._allowed.get(day)
        if allowed is None:
            allowed = self._allowed[day] = self.horizon.allows(self.now, day)
        return allowed


class _Setups:
    """The organisations' setups one use case needs, each loaded once, on first use."""

    def __init__(self, kept: OrganisationSetups, uow: UnitOfWork, first: date, last: date,
                 versions: Mapping[str, int]) -> None:
        self._kept, self._uow, self._first, self._last, self._versions = kept, uow, first, last, versions
        self._loaded: dict[str, OrganisationSetup] = {}

    def of(self, organisation_code: str) -> OrganisationSetup:
        """The setup of `organisation_code`: the one kept by the process while its version in `versions`
        (read with the cells, before any setup) has not moved, else read again."""
        found = self._loaded.get(organisation_code)
        if found is None:
            (found,) = self._kept.load_many(self._uow, [organisation_code], self._first, self._last, self._versions)
            self._loaded[organisation_code] = found
        return found


def _single(report: ChangeReport, asked: int) -> ChangeReport:
    if asked == 1 and report.skipped:
        raise CellRefused(report.skipped[0])
    return report


def _check_agent(principal: Principal, as_agent: bool) -> None:
    """Only an agent acts past the families' deadlines."""
    if as_agent and not principal.is_agent:
        raise Forbidden("Cette action est réservée aux agents.")


def _check_size(child_ids: Sequence[str], cells: Sequence[Cell]) -> None:
    if not cells:
        raise ValidationFailed([FieldError("cells", "Aucune case demandée : choisissez au moins un jour.")])
    if not child_ids:
        raise NotFound(access.CHILD_NOT_FOUND)
    if len(set(child_ids)) > MAX_CHILDREN:
        raise ValidationFailed([FieldError("children", f"Au plus {MAX_CHILDREN} enfants par demande.")])
    if len(set(cells)) > MAX_CELLS:
        raise ValidationFailed([FieldError("cells", f"Au plus {MAX_CELLS} cases par demande "
                                                    f"({len(set(cells))} demandées).")])


def _booking_events(record: BookingRecord, principal: Principal, now: datetime, rule: DeadlineRule,
                    deadline: Deadline) -> list[PlanningEvent]:
    """The history of a new booking: asked, and accepted at once unless it waits for an agent."""
    kinds = _ASKED_AND_ACCEPTED if record.state.status is BookingStatus.ACCEPTED else _ASKED
    return [_event(record, kind, now, principal, record.state.in_time, None, rule.rule_id, deadline) for kind in kinds]


_ASKED = (EventKind.BOOKING_REQUESTED,)
_ASKED_AND_ACCEPTED = (EventKind.BOOKING_REQUESTED, EventKind.BOOKING_ACCEPTED)


def _event(record: BookingRecord | AbsenceRecord, kind: EventKind, now: datetime, principal: Principal,
           in_time: bool, reason: str | None, rule_id: str | None, deadline: Deadline | None) -> PlanningEvent:
    # positional: a school year booked at once makes thousands (PlanningEvent's fields, in their order)
    return PlanningEvent(str(uuid.uuid4()), record.organisation_code, record.child_id, record.service_code,
                         record.day, kind, now, principal.account_id, principal.is_agent, in_time, reason, rule_id,
                         deadline.instant if deadline else None)

