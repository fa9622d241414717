"""Properties of bookings through the use cases on fakes, for random services, days and rule files.

- a booking asked strictly before its deadline is accepted, at or after it refused;
- booking then cancelling before the deadline leaves the cell as it was.

Each example writes its deadlines as a rule file (an organisation override of the shipped
`booking_deadlines`), and the expected deadline is computed here from the same parameters,
independently of the kernel (tests/property/oracles.py): days counted back by hand, working days
as Monday to Friday without the calendar's public holidays, the Paris offset from the last
Sundays of March and October.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from famille.kernel.calendar.deadlines import start_of_day
from famille.kernel.planning.cells import CellStatus
from famille.kernel.planning.inputs import AbsenceStatus, Enrolment
from famille.kernel.planning.outcomes import CellRefused, Outcome, SkipReason
from famille.kernel.shared.time import PARIS
from tests.property.oracles import paris_to_utc, working_days_back
from tests.unit.planning.conftest import ALL_WEEK, DUPONT, FOUR_DAYS, HOLIDAYS, make_planning_world
from tests.unit.world import World

SERVICES = ("RESTAURATION", "GARDERIE MATIN", "GARDERIE SOIR")
OPENING = {"RESTAURATION": FOUR_DAYS, "GARDERIE MATIN": ALL_WEEK, "GARDERIE SOIR": FOUR_DAYS}
AT = ("23:59", "18:00", "12:00", "09:00", "02:30", "00:00")
DAYS = st.dates(date(2026, 9, 14), date(2028, 6, 30))
CANTEEN_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
#: The shipped rules each parameter replaces (an override may only replace rules that exist).
CANTEEN_RULES = {"lundi": "cantine-lundi-jeudi-23h59", "mardi": "cantine-mardi-vendredi-23h59",
                 "mercredi": "cantine-mercredi-lundi-23h59", "jeudi": "cantine-jeudi-mardi-23h59",
                 "vendredi": "cantine-vendredi-mercredi-23h59"}
PUBLIC_HOLIDAYS = {day for year in (2026, 2027, 2028)
                   for day in HOLIDAYS.public_holidays(year, alsace_moselle=False)}
SCHOOL_HOLIDAYS = [(p.start, p.end) for year in (2026, 2027) for p in HOLIDAYS.school_holidays(year, "A")]


@st.composite
def policies(draw: st.DrawFn) -> dict[str, object]:
    """Deadline parameters a policy editor might choose."""
    canteen = {day: draw(st.integers(1, 6)) for day in CANTEEN_DAYS}
    return {"canteen": canteen, "canteen_at": draw(st.sampled_from(AT)), "garderie_days": draw(st.integers(1, 3)),
            "garderie_at": draw(st.sampled_from(AT))}


def rule_file(policy: dict[str, object]) -> str:
    """The override a policy editor would write for these parameters."""
    canteen = policy["canteen"]
    assert isinstance(canteen, dict)
    lines = ["policy: booking_deadlines", "replace:"]
    for weekday, rule_id in CANTEEN_RULES.items():
        lines += [f"  - id: {rule_id}",
                  f"    when: {{service: RESTAURATION, weekday: {weekday}}}",
                  f"    then: {{bookable: true, kind: calendar_days_before, days: {canteen[weekday]}, "
                  f"at: \"{policy['canteen_at']}\", needs_validation: false}}",
                  f"    message: \"Repas du {weekday} : {canteen[weekday]} jour(s) avant à {policy['canteen_at']}.\""]
    lines += ["  - id: garderie-veille-ouvree-18h",
              "    when: {service: [GARDERIE MATIN, GARDERIE MIDI, GARDERIE SOIR]}",
              f"    then: {{bookable: true, kind: working_days_before, days: {policy['garderie_days']}, "
              f"at: \"{policy['garderie_at']}\", needs_validation: false}}",
              f"    message: \"Garderie : {policy['garderie_days']} jour(s) ouvré(s) avant à {policy['garderie_at']}.\""]
    return "\n".join(lines) + "\n"


def _world(policy: dict[str, object]) -> World:
    """The planning world deciding by these deadlines (the other policies: the shipped ones)."""
    world = make_planning_world()
    world.uow.store.enrolments.extend(Enrolment("child-lea", s, date(2027, 9, 1)) for s in SERVICES)
    world.rules.use({"organisations/org-a/booking_deadlines.yaml": rule_file(policy)})
    return world


def _opens(service: str, day: date) -> bool:
    return (day.weekday() in OPENING[service] and day not in PUBLIC_HOLIDAYS
            and not any(start <= day <= end for start, end in SCHOOL_HOLIDAYS))


def _deadline(policy: dict[str, object], service: str, day: date) -> datetime | None:
    """The deadline the rule file states for `day`, or None when the service does not open that day."""
    if not _opens(service, day):
        return None
    if service == "RESTAURATION":
        canteen = policy["canteen"]
        assert isinstance(canteen, dict)
        return paris_to_utc(day - timedelta(canteen[CANTEEN_DAYS[day.weekday()]]), _time(policy["canteen_at"]))
    count = policy["garderie_days"]
    assert isinstance(count, int)
    landed = working_days_back(day, count, lambda d: d.weekday() < 5 and d not in PUBLIC_HOLIDAYS)
    return paris_to_utc(landed, _time(policy["garderie_at"]))


def _time(text: object) -> time:
    hours, minutes = str(text).split(":")
    return time(int(hours), int(minutes))


SPRING_FORWARD = {"canteen": dict.fromkeys(CANTEEN_DAYS, 1),
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
    deadline = _deadline(policy, service, day)
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
        assert refused.result.deadline is not None
        # In UTC: an aware time in the autumn fold never equals one of another zone (PEP 495).
        assert refused.result.deadline.instant.astimezone(UTC) == deadline
        return
    assert seconds < 0
    assert report.results[0].outcome is Outcome.BOOKED


#: The guide's deadlines: 4 or 2 days before for meals at 23:59, the working day before at 18:00 for the garderie.
GUIDE = {"canteen": {"lundi": 4, "mardi": 4, "mercredi": 2, "jeudi": 2, "vendredi": 2}, "canteen_at": "23:59",
         "garderie_days": 1, "garderie_at": "18:00"}


@settings(max_examples=40, deadline=None)
@given(service=st.sampled_from(SERVICES), day=st.dates(date(2026, 12, 1), date(2027, 6, 30)),
       hours_before=st.integers(1, 24 * 20))
@example(service="RESTAURATION", day=date(2027, 3, 29), hours_before=30)
def test_booking_then_cancelling_before_the_deadline_leaves_only_that_cell_absent_excused(
    service: str, day: date, hours_before: int
) -> None:
    world = _world(GUIDE)
    deadline = _deadline(GUIDE, service, day)
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
    changed = {(r.service_code, c.day): c.status for r, r0 in zip(after.rows, before.rows, strict=True)
               for c, c0 in zip(r.cells, r0.cells, strict=True) if c != c0}
    assert changed == {(service, day): CellStatus.ABSENT_EXCUSE}  # the absence stays on its cell, excused
    assert len(world.uow.store.bookings) == 1  # the day was booked: the booking stays under the absence
    (absence,) = world.uow.store.absences.values()
    assert absence.state.in_time and absence.state.status is AbsenceStatus.ACCEPTED
    assert start_of_day(day) > now
