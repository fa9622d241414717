"""Properties of the monthly planning grid on random months, calendars and requests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

from famille.kernel.calendar.deadlines import DeadlineKind, DeadlineSpec, deadline_for
from famille.kernel.calendar.model import DayKind, OrganisationCalendar, SchoolYear
from famille.kernel.planning.cells import CellFacts, CellStatus, cell_status
from famille.kernel.planning.excuses import is_excused
from famille.kernel.planning.grid import ActionKind, PlanningFacts, days_of_month, month_grid
from famille.kernel.planning.inputs import (
    AbsenceState,
    AbsenceStatus,
    Attendance,
    AttendanceStatus,
    BookingState,
    BookingStatus,
    Enrolment,
    declare_absence,
)
from famille.kernel.shared.time import PARIS
from tests.property.calendar_strategies import SERVICES, calendars, specs

MONTHS = st.builds(date, st.integers(2024, 2028), st.integers(1, 12), st.just(1))
CALENDAR_STATUSES = {CellStatus.NON_OUVRE, CellStatus.JOUR_FERIE, CellStatus.PETITES_VACANCES,
                     CellStatus.GRANDES_VACANCES, CellStatus.FERMETURE}
BOOKINGS = st.builds(BookingState, st.sampled_from(BookingStatus), in_time=st.booleans())
ABSENCES = st.builds(AbsenceState, st.sampled_from(AbsenceStatus), st.sampled_from(["AUTRES", "RAISON MEDICALE"]),
                     in_time=st.booleans(), excused=st.booleans(), parental_leave=st.booleans())
OPTIONAL_TIMES = st.none() | st.times(time(7, 0), time(19, 0))
ATTENDANCES = st.builds(Attendance, st.sampled_from(AttendanceStatus), OPTIONAL_TIMES, OPTIONAL_TIMES)


@st.composite
def situations(draw: st.DrawFn) -> tuple[date, OrganisationCalendar, PlanningFacts]:
    """A month, the calendar of its school year, and random facts of a child for it."""
    month = draw(MONTHS)
    calendar = draw(calendars(year=SchoolYear.containing(month).start.year))
    days = st.sampled_from(days_of_month(month))
    keys = st.tuples(st.sampled_from(SERVICES), days)
    enrolments = [Enrolment("enfant", service, start, start + timedelta(draw(st.integers(0, 400))))
                  for service, start in draw(st.lists(st.tuples(st.sampled_from(SERVICES),
                                                                st.dates(month - timedelta(60), month + timedelta(40))),
                                                      max_size=4))]
    facts = PlanningFacts(
        enrolments=enrolments,
        bookings=draw(st.dictionaries(keys, BOOKINGS, max_size=20)),
        absences=draw(st.dictionaries(keys, ABSENCES, max_size=10)),
        attendance=draw(st.dictionaries(keys, ATTENDANCES, max_size=10)),
    )
    return month, calendar, facts


NOWS = st.datetimes(datetime(2023, 6, 1), datetime(2029, 6, 1), timezones=st.just(PARIS))


@given(situations(), NOWS, st.dictionaries(st.tuples(st.sampled_from(SERVICES), st.integers(0, 6),
                                                       st.sampled_from(ActionKind)), specs()))
def test_every_cell_of_every_month_has_exactly_one_status_and_consistent_actions(
    situation: tuple[date, OrganisationCalendar, PlanningFacts], now: datetime,
    deadline_specs: dict[tuple[str, int, ActionKind], DeadlineSpec],
) -> None:
    month, calendar, facts = situation
    rows = month_grid(month, SERVICES, calendar=calendar, facts=facts, now=now, specs=deadline_specs)
    assert [row.service_code for row in rows] == list(SERVICES)
    for row in rows:
        assert [cell.day for cell in row.cells] == list(days_of_month(month))
        for cell in row.cells:
            assert isinstance(cell.status, CellStatus)
            assert (cell.status in CALENDAR_STATUSES) == (calendar.day_kind(cell.day, row.service_code)
                                                          is not DayKind.OPEN)
            assert len(cell.actions) <= 1
            for action in cell.actions:
                assert now.astimezone(UTC) < action.deadline.instant.astimezone(UTC)
                # a free day, or one declared absent (booking it again withdraws the absence)
                assert (action.kind is ActionKind.RESERVER) == (cell.status in {
                    CellStatus.LIBRE, CellStatus.ABSENT_EXCUSE, CellStatus.ABSENCE_EN_COURS})


@given(situations(), NOWS, specs())
def test_a_public_holiday_a_closure_or_school_holidays_are_never_bookable(
    situation: tuple[date, OrganisationCalendar, PlanningFacts], now: datetime, spec: DeadlineSpec
) -> None:
    month, calendar, facts = situation
    rows = month_grid(month, SERVICES, calendar=calendar, facts=facts, now=now,
                      specs=lambda service, day, action: spec)
    for row in rows:
        for cell in row.cells:
            shut = (cell.day in calendar.public_holidays or calendar.holiday_period(cell.day) is not None
                    or calendar.closure(cell.day, row.service_code) is not None)
            if shut:
                assert cell.actions == ()
                assert cell.status in CALENDAR_STATUSES
                assert not calendar.is_bookable(cell.day, row.service_code)


@st.composite
def bookable_days(draw: st.DrawFn) -> tuple[OrganisationCalendar, date, str]:
    """A calendar, a service and a day it opens."""
    calendar, service = draw(calendars()), draw(st.sampled_from(SERVICES))
    year = calendar.school_year
    open_days = [year.start + timedelta(n) for n in range((year.end - year.start).days + 1)
                 if calendar.is_bookable(year.start + timedelta(n), service)]
    assume(open_days)
    return calendar, draw(st.sampled_from(open_days)), service


@given(bookable_days(),
       specs(kinds=(DeadlineKind.CALENDAR_DAYS_BEFORE, DeadlineKind.WORKING_DAYS_BEFORE,
                    DeadlineKind.PREVIOUS_WEEKDAY)),
       st.timedeltas(timedelta(minutes=1), timedelta(days=60)), st.booleans())
def test_booking_then_cancelling_before_the_deadline_shows_the_absence_on_the_cell(
    bookable: tuple[OrganisationCalendar, date, str], spec: DeadlineSpec, ahead: timedelta, accepted: bool
) -> None:
    calendar, day, service = bookable
    deadline = deadline_for(day, spec, calendar)
    booked_at = (deadline.astimezone(UTC) - ahead).astimezone(PARIS)
    enrolment = Enrolment("enfant", service, calendar.school_year.start)

    def status(booking: BookingState, absence: AbsenceState | None = None) -> CellStatus:
        return cell_status(day, service, calendar=calendar,
                           facts=CellFacts(enrolment, booking=booking, absence=absence or AbsenceState.none()),
                           today=booked_at.date())

    assert status(BookingState.none()) is CellStatus.LIBRE
    booking = BookingState.requested("famille", booked_at, deadline=deadline)
    if accepted:
        booking = booking.accepted("agent", booked_at)
    assert status(booking) is (CellStatus.RESERVE if accepted else CellStatus.RESERVATION_EN_COURS)
    cancel_at = (booked_at.astimezone(UTC) + (ahead / 2)).astimezone(PARIS)
    absence = declare_absence(now=cancel_at, deadline=deadline, reason="AUTRES", by="famille")
    assert absence.in_time and absence.status is AbsenceStatus.PENDING
    assert status(booking, absence) is CellStatus.ABSENCE_EN_COURS
    # accepted (at once, or by an agent): in time, so excused, and the booking stays under it
    accepted = attrs.evolve(absence.accepted(), excused=is_excused(in_time=True, reason=None, document=False))
    assert status(booking, accepted) is CellStatus.ABSENT_EXCUSE
    assert status(booking, absence.refused()) is CellStatus.ABSENT_FACTURE
