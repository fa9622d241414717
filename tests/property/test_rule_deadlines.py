"""Every deadline rule the rules check accepts gives a deadline for every day, whatever the calendar."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from famille.adapters.rules.bundle import load_bundle
from famille.adapters.rules.format import Rule, value_problem
from famille.adapters.rules.outcomes import deadline_problems
from famille.kernel.calendar.deadlines import (
    DeadlineKind,
    DeadlineSpec,
    deadline_for,
    is_before,
    start_of_day,
)
from famille.kernel.calendar.model import OrganisationCalendar, SchoolYear
from famille.kernel.shared.french_dates import WEEKDAYS
from famille.rules import default_rules_dir
from tests.property.calendar_strategies import DAYS, calendars

OUTPUTS = load_bundle(default_rules_dir()).policy("booking_deadlines", None).outputs
PLAIN = OrganisationCalendar(SchoolYear.starting(2025), {"RESTAURATION": {0, 1, 3, 4}})


@st.composite
def outcomes(draw: st.DrawFn) -> dict[str, Any]:
    """A `then` a policy editor could write: any kind (or none), any number of days (or none), any time."""
    outcome: dict[str, Any] = {"bookable": True, "at": draw(st.times()).strftime("%H:%M")}
    kind = draw(st.none() | st.sampled_from([k.value for k in DeadlineKind]))
    if kind is not None:
        outcome["kind"] = kind
    days = draw(st.none() | st.integers(-3, 500))
    if days is not None:
        outcome["days"] = days
    outcome["weekday"] = draw(st.sampled_from(WEEKDAYS))
    return outcome


def _accepted(outcome: dict[str, Any]) -> bool:
    """Whether `famille rules check` accepts this outcome in the shipped booking_deadlines (declared outputs
    aside: `previous_weekday` is a kind the kernel knows that the shipped file does not offer)."""
    declared = {name: value for name, value in outcome.items() if name != "kind"}
    if any(value_problem(OUTPUTS[name], value) for name, value in declared.items()):
        return False
    return not deadline_problems(Rule("regle", (), outcome, "Message."))


@given(outcomes(), calendars(), DAYS)
@example({"bookable": True, "kind": "calendar_days_before", "days": 0, "at": "00:05"}, PLAIN, date(2026, 12, 21))
@example({"bookable": True, "kind": "calendar_days_before", "days": 1, "at": "00:05"}, PLAIN, date(2026, 3, 30))
@example({"bookable": True, "kind": "calendar_days_before", "days": 366, "at": "23:59"}, PLAIN, date(2028, 2, 29))
@example({"bookable": True, "kind": "working_days_before", "days": 100, "at": "12:00"}, PLAIN, date(2026, 1, 5))
@example({"bookable": True, "kind": "same_day", "days": 0, "at": "02:30"}, PLAIN, date(2026, 3, 29))
def test_every_deadline_the_check_accepts_is_computed_for_every_day(
        outcome: dict[str, Any], calendar: OrganisationCalendar, day: date) -> None:
    if not _accepted(outcome):
        return
    spec = DeadlineSpec.from_outcome(outcome, rule_id="regle")
    deadline = deadline_for(day, spec, calendar)
    if spec.kind is not DeadlineKind.SAME_DAY:
        assert is_before(deadline, start_of_day(day))
    assert spec.at == time.fromisoformat(outcome["at"])
