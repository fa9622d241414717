"""Properties of deadlines: in Europe/Paris, across DST, before the day, on working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from famille.kernel.calendar.deadlines import (
    DeadlineKind,
    DeadlineSpec,
    deadline_day,
    deadline_for,
    end_of_day,
    is_before,
    is_within_deadline,
    start_of_day,
)
from famille.kernel.calendar.model import OrganisationCalendar, SchoolYear
from famille.kernel.shared.time import PARIS
from tests.property.calendar_strategies import DAYS, calendars, specs
from tests.property.oracles import paris_to_utc, working_days_back

PLAIN = OrganisationCalendar(SchoolYear.starting(2025), {"RESTAURATION": {0, 1, 3, 4}})
DAY_BEFORE_2359 = DeadlineSpec(DeadlineKind.CALENDAR_DAYS_BEFORE, time(23, 59), days=1)
SAME_DAY_0900 = DeadlineSpec(DeadlineKind.SAME_DAY, time(9, 0))


@given(DAYS)
@example(date(2026, 3, 29))
@example(date(2026, 3, 30))
@example(date(2026, 10, 25))
@example(date(2026, 10, 26))
@example(date(2028, 2, 29))
@example(date(2028, 3, 1))
def test_one_day_before_at_23h59_is_the_right_utc_instant(day: date) -> None:
    deadline = deadline_for(day, DAY_BEFORE_2359, PLAIN)
    before = day - timedelta(1)
    assert deadline.astimezone(UTC) == paris_to_utc(before, time(23, 59))
    assert deadline.tzinfo is PARIS


@given(DAYS)
@example(date(2026, 3, 29))
@example(date(2026, 10, 25))
@example(date(2028, 2, 29))
@example(date(2025, 12, 25))
def test_same_day_at_9h_is_the_right_utc_instant(day: date) -> None:
    deadline = deadline_for(day, SAME_DAY_0900, PLAIN)
    assert deadline.astimezone(UTC) == paris_to_utc(day, time(9, 0))
    assert (deadline.hour, deadline.minute) == (9, 0)


@given(calendars(), DAYS, specs())
@example(PLAIN, date(2026, 3, 30), DeadlineSpec(DeadlineKind.CALENDAR_DAYS_BEFORE, time(2, 30), days=1))
@example(PLAIN, date(2026, 10, 26), DeadlineSpec(DeadlineKind.CALENDAR_DAYS_BEFORE, time(2, 30), days=1))
@example(PLAIN, date(2026, 3, 29), DeadlineSpec(DeadlineKind.SAME_DAY, time(23, 59)))
def test_the_deadline_is_before_the_end_of_the_day_and_before_its_start_for_the_before_kinds(
    calendar: OrganisationCalendar, day: date, spec: DeadlineSpec
) -> None:
    deadline = deadline_for(day, spec, calendar)
    assert is_before(deadline, end_of_day(day))
    if spec.kind is not DeadlineKind.SAME_DAY:
        assert is_before(deadline, start_of_day(day))
    assert deadline.utcoffset() in (timedelta(hours=1), timedelta(hours=2))


@given(calendars(), st.dates(date(2024, 1, 1), date(2028, 12, 31)),
       specs(kinds=(DeadlineKind.WORKING_DAYS_BEFORE,)))
def test_working_days_before_never_lands_on_a_weekend_a_public_holiday_or_a_closure_of_all(
    calendar: OrganisationCalendar, day: date, spec: DeadlineSpec
) -> None:
    landed = deadline_day(day, spec, calendar)
    assert calendar.is_working_day(landed)
    assert landed.weekday() < 5 and landed not in calendar.public_holidays
    assert not any(c.day == landed and c.service_code is None for c in calendar.closures)
    between = [landed + timedelta(n) for n in range(1, (day - landed).days)]
    assert sum(calendar.is_working_day(d) for d in between) == spec.days - 1


@given(DAYS, specs(kinds=(DeadlineKind.PREVIOUS_WEEKDAY,)))
def test_previous_weekday_is_that_weekday_within_the_week_before(day: date, spec: DeadlineSpec) -> None:
    landed = deadline_day(day, spec, PLAIN)
    assert landed.weekday() == spec.weekday and 1 <= (day - landed).days <= 7


SAME_DAY_0245 = DeadlineSpec(DeadlineKind.SAME_DAY, time(2, 45))


@given(calendars(), DAYS, specs(),
       st.datetimes(datetime(2023, 6, 1), datetime(2029, 1, 1), timezones=st.just(PARIS)),
       st.timedeltas(timedelta(0), timedelta(days=30)))
@example(PLAIN, date(2026, 10, 25), SAME_DAY_0245,
         datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=PARIS), timedelta(0))  # the second 02:30 is after 02:45 CEST
@example(PLAIN, date(2026, 3, 30), DAY_BEFORE_2359, datetime(2026, 3, 29, 1, 59, tzinfo=PARIS), timedelta(hours=1))
def test_is_within_deadline_is_monotone_once_refused_always_refused(
    calendar: OrganisationCalendar, day: date, spec: DeadlineSpec, now: datetime, later: timedelta
) -> None:
    if not is_within_deadline(now, day, spec, calendar):
        assert not is_within_deadline((now.astimezone(UTC) + later).astimezone(PARIS), day, spec, calendar)
    deadline = deadline_for(day, spec, calendar)
    assert not is_within_deadline(deadline, day, spec, calendar)
    assert is_within_deadline(deadline.astimezone(UTC) - timedelta(microseconds=1), day, spec, calendar)
    assert is_within_deadline(now, day, spec, calendar) == (now.astimezone(UTC) < _expected(day, spec, calendar))


def _expected(day: date, spec: DeadlineSpec, calendar: OrganisationCalendar) -> datetime:
    """The deadline of `spec` for `day`, worked out by hand (tests/property/oracles.py)."""
    if spec.kind is DeadlineKind.SAME_DAY:
        landed = day
    elif spec.kind is DeadlineKind.CALENDAR_DAYS_BEFORE:
        landed = day - timedelta(spec.days)
    elif spec.kind is DeadlineKind.PREVIOUS_WEEKDAY:
        landed = day - timedelta(1)
        while landed.weekday() != spec.weekday:
            landed -= timedelta(1)
    else:
        landed = working_days_back(day, spec.days, calendar.is_working_day)
    return paris_to_utc(landed, spec.at)


@given(calendars(), DAYS, specs())
@example(PLAIN, date(2026, 3, 30), DeadlineSpec(DeadlineKind.CALENDAR_DAYS_BEFORE, time(2, 30), days=1))
@example(PLAIN, date(2026, 10, 26), DeadlineSpec(DeadlineKind.CALENDAR_DAYS_BEFORE, time(2, 30), days=1))
@example(PLAIN, date(2026, 3, 30), DeadlineSpec(DeadlineKind.PREVIOUS_WEEKDAY, time(2, 30), weekday=6))
@example(PLAIN, date(2028, 3, 1), DeadlineSpec(DeadlineKind.CALENDAR_DAYS_BEFORE, time(23, 59), days=1))
def test_the_deadline_is_the_instant_worked_out_by_hand(
    calendar: OrganisationCalendar, day: date, spec: DeadlineSpec
) -> None:
    assert deadline_for(day, spec, calendar).astimezone(UTC) == _expected(day, spec, calendar)
