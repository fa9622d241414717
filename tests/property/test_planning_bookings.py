"""Properties of bookings through the use cases on fakes, for random services, days and rule files.

- a booking asked strictly before its deadline is accepted, at or after it refused;
- booking then cancelling before the deadline leaves the cell as it was.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from famille.kernel.calendar.deadlines import DeadlineSpec, deadline_for, start_of_day
from famille.kernel.calendar.model import DayKind
from famille.kernel.planning.cells import CellStatus
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.planning.outcomes import CellRefused, Outcome, SkipReason
from famille.kernel.planning.service import Planning
from famille.kernel.shared.french_dates import WEEKDAYS
from famille.kernel.shared.time import PARIS
from tests.fakes.planning_rules import deadline_policy
from tests.unit.planning.conftest import DUPONT, HOLIDAYS, make_planning_world
from tests.unit.world import World

SERVICES = ("RESTAURATION", "GARDERIE MATIN", "GARDERIE SOIR")
AT = ("23:59", "18:00", "12:00", "09:00", "02:30", "00:00")
DAYS = st.dates(date(2026, 9, 14), date(2028, 6, 30))


@st.composite
def policies(draw: st.DrawFn) -> dict[str, object]:
    """Deadline parameters a policy editor might choose."""
    canteen = {day: (draw(st.integers(1, 6)), WEEKDAYS[draw(st.integers(0, 6))])
               for day in ("lundi", "mardi", "mercredi", "jeudi", "vendredi")}
    return {"canteen": canteen, "canteen_at": draw(st.sampled_from(AT)), "garderie_days": draw(st.integers(1, 3)),
            "garderie_at": draw(st.sampled_from(AT))}


def _world(policy: dict[str, object]) -> World:
    world = make_planning_world()
    world.uow.store.enrolments.extend(Enrolment("child-lea", s, date(2027, 9, 1)) for s in SERVICES)
    world.rules.policies["booking_deadlines"] = deadline_policy(**policy)  # type: ignore[arg-type]
    return world


def _deadline(world: World, service: str, day: date) -> datetime | None:
    """The deadline the kernel should apply, computed beside the use case from the same parameters."""
    planning: Planning = world.portal.planning
    assert planning is not None
    decision = world.rules.decide("booking_deadlines", {"service": service, "weekday": WEEKDAYS[day.weekday()],
                                                        "action": "reservation"})
    if decision.outcome.get("bookable") is False:
        return None
    from famille.kernel.calendar.model import OrganisationCalendar, SchoolYear

    calendar = OrganisationCalendar.from_source(
        HOLIDAYS, school_year=SchoolYear.containing(day), zone="A", alsace_moselle=False,
        opening_weekdays={"RESTAURATION": (0, 1, 3, 4), "GARDERIE MATIN": (0, 1, 2, 3, 4),
                          "GARDERIE SOIR": (0, 1, 3, 4)})
    if calendar.day_kind(day, service) is not DayKind.OPEN:
        return None
    return deadline_for(day, DeadlineSpec.from_outcome(decision.outcome), calendar)


SPRING_FORWARD = {"canteen": {d: (1, "dimanche") for d in ("lundi", "mardi", "mercredi", "jeudi", "vendredi")},
                  "canteen_at": "02:30", "garderie_days": 1, "garderie_at": "02:30"}


@settings(max_examples=60, deadline=None)
@given(service=st.sampled_from(SERVICES), day=DAYS, policy=policies(), seconds=st.integers(-7200, 7200))
@example(service="RESTAURATION", day=date(2027, 3, 29), policy=SPRING_FORWARD, seconds=-1)  # deadline in the DST gap
@example(service="RESTAURATION", day=date(2027, 3, 29), policy=SPRING_FORWARD, seconds=0)
@example(service="RESTAURATION", day=date(2026, 10, 26), policy=SPRING_FORWARD, seconds=-1)  # autumn: 02:30 twice
@example(service="RESTAURATION", day=date(2026, 10, 26), policy=SPRING_FORWARD, seconds=1)
@example(service="GARDERIE MATIN", day=date(2028, 3, 1), policy=SPRING_FORWARD, seconds=-60)  # after 29 February
@example(service="RESTAURATION", day=date(2028, 2, 29), policy=SPRING_FORWARD, seconds=0)  # 29 February itself
def test_a_booking_is_accepted_strictly_before_its_deadline_and_refused_from_it(
    service: str, day: date, policy: dict[str, object], seconds: int
) -> None:
    world = _world(policy)
    deadline = _deadline(world, service, day)
    if deadline is None:
        return
    now = (deadline + timedelta(seconds=seconds)).astimezone(PARIS)
    if now.date() < date(now.year, 8, 13) and day.year == now.year and day.month >= 9:
        return  # before bookings open for that school year: another rule
    world.clock.set(now)
    try:
        report = world.portal.planning.book(DUPONT, "child-lea", [(service, day)])
    except CellRefused as refused:
        assert seconds >= 0, refused.message
        assert refused.result.skip is SkipReason.DEADLINE_PASSED
        assert refused.result.deadline is not None and refused.result.deadline.instant == deadline
        return
    assert seconds < 0
    assert report.results[0].outcome is Outcome.BOOKED


@settings(max_examples=40, deadline=None)
@given(service=st.sampled_from(SERVICES), day=st.dates(date(2026, 12, 1), date(2027, 6, 30)),
       hours_before=st.integers(1, 24 * 20))
@example(service="RESTAURATION", day=date(2027, 3, 29), hours_before=30)
def test_booking_then_cancelling_before_the_deadline_leaves_the_cell_as_it_was(
    service: str, day: date, hours_before: int
) -> None:
    world = _world({})
    deadline = _deadline(world, service, day)
    if deadline is None:
        return
    now = (deadline - timedelta(hours=hours_before)).astimezone(PARIS)
    if now < datetime(2026, 8, 13, tzinfo=PARIS):
        return
    world.clock.set(now)
    before = world.portal.planning.month(DUPONT, "child-lea", day)

    world.portal.planning.book(DUPONT, "child-lea", [(service, day)])
    world.portal.planning.declare_absence(DUPONT, "child-lea", [(service, day)], "AUTRES")

    after = world.portal.planning.month(DUPONT, "child-lea", day)
    assert after.rows == before.rows
    assert world.uow.store.bookings == {} and world.uow.store.absences == {}
    cell = next(c for r in after.rows if r.service_code == service for c in r.cells if c.day == day)
    assert cell.status is CellStatus.LIBRE
    assert start_of_day(day) > now
