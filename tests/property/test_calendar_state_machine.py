"""A month of March 2026 driven at random: the planning grid against a dictionary model."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from famille.kernel.calendar.deadlines import DeadlineKind, DeadlineSpec
from famille.kernel.calendar.model import Closure, OrganisationCalendar, SchoolYear
from famille.kernel.planning.cells import CellStatus
from famille.kernel.planning.excuses import is_excused
from famille.kernel.planning.grid import ActionKind, Cell, PlanningFacts, build_cell
from famille.kernel.planning.inputs import (
    AbsenceState,
    Attendance,
    AttendanceStatus,
    BookingState,
    Enrolment,
    declare_absence,
)
from famille.kernel.shared.time import PARIS

MONTH = tuple(date(2026, 3, n) for n in range(1, 32))
WEEKDAYS = {"RESTAURATION": {0, 1, 3, 4}, "GARDERIE SOIR": {0, 1, 2, 3, 4}}
HOLIDAYS = {date(2026, 3, 19): "Férié d'essai"}
SPEC = DeadlineSpec(DeadlineKind.CALENDAR_DAYS_BEFORE, time(23, 59), days=2, rule_id="deux-jours")
SERVICE = st.sampled_from(sorted(WEEKDAYS))
DAY = st.sampled_from(MONTH)


class PlanningMachine(RuleBasedStateMachine):
    """Books, cancels, closes days and records attendance; the model is a few dictionaries."""

    def __init__(self) -> None:
        super().__init__()
        self.now = datetime(2026, 2, 20, 8, 0, tzinfo=PARIS)
        self.closures: list[Closure] = []
        self.bookings: dict[tuple[str, date], BookingState] = {}
        self.attendance: dict[tuple[str, date], Attendance] = {}
        self.absences: dict[tuple[str, date], AbsenceState] = {}
        # The model: plain words per (service, day), and the closed (service or None, day) pairs.
        self.model_booking: dict[tuple[str, date], str] = {}
        self.model_present: dict[tuple[str, date], bool] = {}
        self.model_closed: set[tuple[str | None, date]] = set()
        self.model_cancelled: set[tuple[str, date]] = set()

    def cell(self, service: str, day: date) -> Cell:
        calendar = OrganisationCalendar(SchoolYear.starting(2025), WEEKDAYS, public_holidays=HOLIDAYS,
                                        closures=self.closures)
        facts = PlanningFacts(enrolments=[Enrolment("lea", s, date(2025, 9, 1)) for s in WEEKDAYS],
                              bookings=self.bookings, absences=self.absences, attendance=self.attendance)
        return build_cell(day, service, calendar=calendar, facts=facts, now=self.now,
                          specs=lambda s, d, a: SPEC)

    def model_deadline(self, day: date) -> datetime:
        return datetime.combine(day - timedelta(2), time(23, 59), tzinfo=PARIS)

    def model_status(self, service: str, day: date) -> CellStatus:
        if day.weekday() not in WEEKDAYS[service]:
            return CellStatus.NON_OUVRE
        if day in HOLIDAYS:
            return CellStatus.JOUR_FERIE
        if (service, day) in self.model_closed or (None, day) in self.model_closed:
            return CellStatus.FERMETURE
        booking = self.model_booking.get((service, day), "none")
        booked = booking in ("pending", "accepted")
        present = self.model_present.get((service, day))
        cancelled = (service, day) in self.model_cancelled
        if present is True:
            if cancelled:
                return CellStatus.ERREUR  # came although the absence was accepted
            return CellStatus.RESERVE if booked else CellStatus.RESERVATION_HORS_CONTRAT
        if cancelled:
            return CellStatus.ABSENT_EXCUSE  # cancelled in time: the absence stays on the cell
        if present is False and booked:
            return CellStatus.ABSENT_FACTURE  # pointed absent, nothing declared: billed
        if booked and present is None and day < self.now.date():
            return CellStatus.ABSENCE_A_VERIFIER  # the day over, nothing pointed: billing asks an agent
        if booking == "none" and day < self.now.date():
            return CellStatus.PASSE
        return {"none": CellStatus.LIBRE, "pending": CellStatus.RESERVATION_EN_COURS,
                "accepted": CellStatus.RESERVE, "refused": CellStatus.RESERVATION_REFUSEE}[booking]

    @rule(hours=st.integers(1, 72))
    def time_passes(self, hours: int) -> None:
        self.now = (self.now + timedelta(hours=hours)).astimezone(PARIS)

    @rule(service=SERVICE, day=DAY)
    def book(self, service: str, day: date) -> None:
        offered = [a for a in self.cell(service, day).actions if a.kind is ActionKind.RESERVER]
        status = self.model_status(service, day)
        expected = status in (CellStatus.LIBRE, CellStatus.ABSENT_EXCUSE) and self.now < self.model_deadline(day)
        assert bool(offered) == expected
        if offered and status is CellStatus.ABSENT_EXCUSE:  # booked again: the absence goes, the booking stays
            del self.absences[(service, day)]
            self.model_cancelled.discard((service, day))
        elif offered:
            self.bookings[(service, day)] = BookingState.requested("famille", self.now,
                                                                   deadline=offered[0].deadline.instant)
            self.model_booking[(service, day)] = "pending"

    @rule(service=SERVICE, day=DAY, accept=st.booleans())
    def agent_decides(self, service: str, day: date, accept: bool) -> None:
        if self.model_booking.get((service, day)) != "pending":
            return
        booking = self.bookings[(service, day)]
        self.bookings[(service, day)] = (booking.accepted("agent", self.now) if accept
                                         else booking.refused("agent", self.now, "Complet"))
        self.model_booking[(service, day)] = "accepted" if accept else "refused"

    @rule(service=SERVICE, day=DAY)
    def cancel(self, service: str, day: date) -> None:
        offered = [a for a in self.cell(service, day).actions if a.kind is ActionKind.DECLARER_ABSENCE]
        if not offered:
            return
        absence = declare_absence(now=self.now, deadline=offered[0].deadline.instant, reason="AUTRES", by="famille")
        assert absence.in_time  # offered only before the deadline: accepted at once, excused
        self.absences[(service, day)] = attrs.evolve(absence.accepted(), excused=is_excused(
            in_time=absence.in_time, reason=None, document=False))
        self.model_cancelled.add((service, day))

    @rule(service=st.none() | SERVICE, day=DAY)
    def close_day(self, service: str | None, day: date) -> None:
        self.closures.append(Closure(day, service, "Fermeture exceptionnelle"))
        self.model_closed.add((service, day))

    @precondition(lambda self: self.now.date() >= MONTH[0])
    @rule(service=SERVICE, day=DAY, present=st.booleans())
    def record_attendance(self, service: str, day: date, present: bool) -> None:
        if day > self.now.date():
            return
        status = AttendanceStatus.PRESENT if present else AttendanceStatus.ABSENT
        self.attendance[(service, day)] = Attendance(status)
        self.model_present[(service, day)] = present

    @invariant()
    def every_cell_matches_the_model(self) -> None:
        for service in WEEKDAYS:
            for day in MONTH:
                assert self.cell(service, day).status is self.model_status(service, day), (service, day)


TestPlanningMachine = PlanningMachine.TestCase
