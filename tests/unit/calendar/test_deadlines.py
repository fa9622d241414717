"""Rule outcomes turned into deadlines, and deadlines told in French."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from famille.kernel.calendar.deadlines import (
    BookingHorizon,
    DeadlineKind,
    DeadlineSpec,
    deadline_for,
    describe_deadline,
    is_within_deadline,
    spec_or_none,
)
from famille.kernel.calendar.model import Closure, OrganisationCalendar, SchoolYear
from famille.kernel.shared.time import PARIS

CALENDAR = OrganisationCalendar(
    SchoolYear.starting(2025),
    {"RESTAURATION": {0, 1, 3, 4}},
    public_holidays={date(2025, 12, 25): "Noël", date(2026, 4, 6): "Lundi de Pâques", date(2025, 11, 11): "Armistice"},
)


def _spec(**outcome: object) -> DeadlineSpec:
    return DeadlineSpec.from_outcome(outcome, rule_id="test")


def test_four_calendar_days_before_a_monday_is_the_thursday_before_at_23h59() -> None:
    spec = _spec(kind="calendar_days_before", days=4, weekday="jeudi", at="23:59")
    assert deadline_for(date(2025, 12, 8), spec, CALENDAR) == datetime(2025, 12, 4, 23, 59, tzinfo=PARIS)


def test_previous_weekday_jeudi_is_strictly_before_the_day() -> None:
    spec = _spec(kind="previous_weekday", weekday="Jeudi", at="23:59")
    assert deadline_for(date(2025, 12, 8), spec, CALENDAR).date() == date(2025, 12, 4)
    assert deadline_for(date(2025, 12, 4), spec, CALENDAR).date() == date(2025, 11, 27)


def test_working_days_before_skip_weekends_public_holidays_and_closures_of_every_service() -> None:
    spec = _spec(kind="working_days_before", days=2, at="12:00")
    # Tuesday 7 April 2026: Monday 6 is Easter Monday, then a weekend: Thursday 2 is the second.
    assert deadline_for(date(2026, 4, 7), spec, CALENDAR) == datetime(2026, 4, 2, 12, 0, tzinfo=PARIS)
    closed = CALENDAR.with_closures(Closure(date(2026, 4, 2), None, "Pont"))
    assert deadline_for(date(2026, 4, 7), spec, closed).date() == date(2026, 4, 1)
    canteen_only = CALENDAR.with_closures(Closure(date(2026, 4, 2), "RESTAURATION", "Grève"))
    assert deadline_for(date(2026, 4, 7), spec, canteen_only).date() == date(2026, 4, 2)


def test_same_day_is_the_morning_of_the_day_itself() -> None:
    spec = _spec(kind="same_day", days=0, at="09:00", bookable=True)
    assert deadline_for(date(2025, 12, 5), spec, CALENDAR) == datetime(2025, 12, 5, 9, 0, tzinfo=PARIS)


def test_at_the_deadline_instant_itself_the_request_is_late() -> None:
    spec = _spec(kind="calendar_days_before", days=1, at="23:59")
    deadline = datetime(2025, 12, 4, 23, 59, tzinfo=PARIS)
    assert is_within_deadline(deadline - timedelta(microseconds=1), date(2025, 12, 5), spec, CALENDAR)
    assert not is_within_deadline(deadline, date(2025, 12, 5), spec, CALENDAR)


def test_a_naive_now_is_refused() -> None:
    spec = _spec(kind="same_day", at="09:00")
    with pytest.raises(ValueError, match="naive"):
        is_within_deadline(datetime(2025, 12, 5, 8, 0), date(2025, 12, 5), spec, CALENDAR)


def test_a_rule_that_says_not_bookable_has_no_deadline() -> None:
    assert spec_or_none({"bookable": False}, rule_id="pas-d-accueil-le-week-end") is None
    with pytest.raises(ValueError):
        DeadlineSpec.from_outcome({"bookable": False})


@pytest.mark.parametrize("outcome", [
    {"kind": "calendar_days_before", "days": 0, "at": "23:59"},
    {"kind": "working_days_before", "days": 2, "at": 1439},
    {"kind": "previous_weekday", "weekday": "thursday", "at": "23:59"},
    {"kind": "tomorrow", "at": "23:59"},
    {"kind": "calendar_days_before", "days": "4", "at": "23:59"},
    {"kind": "same_day", "at": "25:00"},
    {"kind": "same_day", "days": 2, "at": "09:00"},
    {"kind": "calendar_days_before", "days": 367, "at": "23:59"},
    {"kind": "working_days_before", "days": 101, "at": "12:00"},
])
def test_malformed_outcomes_are_refused(outcome: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        DeadlineSpec.from_outcome(outcome)


def test_the_rule_id_travels_with_the_spec() -> None:
    spec = spec_or_none({"bookable": True, "kind": "calendar_days_before", "days": 4, "at": "23:59"},
                        rule_id="cantine-lundi-jeudi-23h59")
    assert spec == DeadlineSpec(DeadlineKind.CALENDAR_DAYS_BEFORE, time(23, 59), 4, None, "cantine-lundi-jeudi-23h59")


def test_a_deadline_reads_in_french() -> None:
    assert describe_deadline(datetime(2025, 12, 4, 23, 59, tzinfo=PARIS)) == "jeudi 4 décembre 2025 à 23h59"
    assert describe_deadline(datetime(2025, 9, 1, 7, 5, tzinfo=UTC)) == "lundi 1er septembre 2025 à 09h05"


def test_a_time_in_the_spring_forward_gap_is_read_with_the_winter_offset() -> None:
    spec = _spec(kind="same_day", at="02:30")
    deadline = deadline_for(date(2026, 3, 29), spec, CALENDAR)
    assert deadline.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert (deadline.hour, deadline.minute) == (3, 30)


def test_an_ambiguous_autumn_time_is_its_first_occurrence() -> None:
    spec = _spec(kind="same_day", at="02:30")
    assert deadline_for(date(2026, 10, 25), spec, CALENDAR).astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_bookings_for_a_school_year_open_on_13_august() -> None:
    horizon = BookingHorizon()
    assert horizon.opens_on(SchoolYear.starting(2025)) == date(2025, 8, 13)
    assert not horizon.allows(datetime(2025, 8, 12, 23, 0, tzinfo=PARIS), date(2026, 6, 1))
    assert horizon.allows(datetime(2025, 8, 13, 0, 0, tzinfo=PARIS), date(2026, 6, 1))


def test_a_horizon_may_limit_how_many_days_ahead() -> None:
    horizon = BookingHorizon(max_days_ahead=30)
    now = datetime(2025, 10, 1, 10, 0, tzinfo=PARIS)
    assert horizon.allows(now, date(2025, 10, 31))
    assert not horizon.allows(now, date(2025, 11, 1))
