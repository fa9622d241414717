"""The month computed once gives every child the grid, and the JSON, of a straightforward computation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from famille.adapters.http.planning.views import planning_document, planning_view
from famille.kernel.calendar.deadlines import BookingHorizon, DeadlineSpec
from famille.kernel.calendar.model import OrganisationCalendar, SchoolYear
from famille.kernel.families.model import Child, Sexe
from famille.kernel.planning.grid import ActionKind, PlanningFacts, PlanningRow, days_of_month, month_grid
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.planning.month import MonthTemplate
from famille.kernel.planning.service import ChildPlanning
from famille.kernel.shared.organisations import Service, Structure, StructureKind
from famille.kernel.shared.time import PARIS
from tests.property.calendar_strategies import SERVICES, calendars, specs
from tests.property.test_calendar_planning import ABSENCES, ATTENDANCES, BOOKINGS, MONTHS, NOWS, situations

SPECS = st.dictionaries(st.tuples(st.sampled_from(SERVICES), st.integers(0, 6), st.sampled_from(ActionKind)),
                        specs())
HORIZONS = st.none() | st.builds(BookingHorizon, st.integers(1, 12), st.integers(1, 28),
                                 st.none() | st.integers(0, 90))
NAMES = st.text(min_size=1, max_size=12)
CANTINE = Structure("s-1", "org", "Cantine « Les Tilleuls »", StructureKind.CANTINE)


def _planning(month: date, rows: tuple[PlanningRow, ...], nom: str, responsable: str) -> ChildPlanning:
    child = Child("enfant", "org", nom, "Léa", Sexe.F, date(2018, 3, 1), ("famille",))
    services = tuple(Service(f"svc-{n}", CANTINE.id, code, code.title()) for n, code in enumerate(SERVICES))
    return ChildPlanning(child, month, responsable, rows, (), (CANTINE,), services[:2])


@given(situations(), st.lists(situations(), max_size=2), st.lists(NOWS, min_size=1, max_size=3), SPECS, HORIZONS,
       NAMES, NAMES)
def test_the_month_template_gives_each_child_the_grid_and_the_json_computed_afresh(
    situation: tuple[date, OrganisationCalendar, PlanningFacts],
    others: list[tuple[date, OrganisationCalendar, PlanningFacts]], nows: list[datetime],
    deadline_specs: dict[tuple[str, int, ActionKind], DeadlineSpec], horizon: BookingHorizon | None,
    nom: str, responsable: str,
) -> None:
    month, calendar, facts = situation
    template = MonthTemplate.build(month, SERVICES, calendar, deadline_specs)
    # one template serves several children (other facts) at several instants
    for child_facts in [facts, *(other_facts for _, _, other_facts in others)]:
        for now in nows:
            fresh = month_grid(month, SERVICES, calendar=calendar, facts=child_facts, now=now,
                               specs=deadline_specs, horizon=horizon)
            fast = template.rows(SERVICES, child_facts, now, horizon)
            assert fast == fresh
            expected = json.dumps(planning_view(_planning(month, fresh, nom, responsable)), ensure_ascii=False)
            assert planning_document(_planning(month, fast, nom, responsable)) == expected
            assert planning_document(_planning(month, fast, nom, responsable)) == expected  # rendered once, reused


CONTRACT_DAYS = st.none() | st.lists(st.integers(0, 6), unique=True).map(tuple)
HOURS = st.none() | st.lists(st.times(time(7, 0), time(19, 0)), min_size=2, max_size=2, unique=True).map(
    lambda pair: (min(pair), max(pair)))


@st.composite
def children(draw: st.DrawFn, month: date) -> PlanningFacts:
    """A child's facts on `month`: several enrolments per service, overlapping (each with its own contract days
    and hours: which one covers a day decides a status), and many facts, on some services only."""
    days = days_of_month(month)
    enrolments = []
    for service in SERVICES:
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.dates(month - timedelta(40), days[-1] + timedelta(3)))
            end = draw(st.none() | st.dates(start, start + timedelta(45)))
            enrolments.append(Enrolment("enfant", service, start, end, draw(HOURS), "org", CANTINE.id,
                                        draw(CONTRACT_DAYS)))
    noted = draw(st.lists(st.sampled_from(SERVICES), unique=True))
    if not noted:
        return PlanningFacts(enrolments=draw(st.permutations(enrolments)))
    keys = st.tuples(st.sampled_from(noted), st.sampled_from(days))
    return PlanningFacts(enrolments=draw(st.permutations(enrolments)),
                         bookings=draw(st.dictionaries(keys, BOOKINGS, max_size=40)),
                         absences=draw(st.dictionaries(keys, ABSENCES, max_size=10)),
                         attendance=draw(st.dictionaries(keys, ATTENDANCES, max_size=10)))


@st.composite
def clocks(draw: st.DrawFn, template: MonthTemplate) -> datetime:
    """An instant a microsecond around a deadline of the month's cells, or around a midnight of the month."""
    deadlines = sorted({found.instant for cell in template.deadlines.values() for found in cell.values()})
    midnights = [datetime.combine(day, time(0), PARIS) for day in (*template.days, template.days[-1] + timedelta(1))]
    near = draw(st.sampled_from(deadlines) if deadlines and draw(st.booleans()) else st.sampled_from(midnights))
    moved = near.astimezone(UTC) + timedelta(microseconds=draw(st.sampled_from((-1, 0, 1))))
    return moved.astimezone(PARIS)


def _document(month: date, rows: tuple[PlanningRow, ...], facts: PlanningFacts, nom: str, name: str) -> ChildPlanning:
    child = Child("enfant", "org", nom, "Léa", Sexe.F, date(2018, 3, 1), ("famille",))
    structure = attrs.evolve(CANTINE, name=name)
    services = tuple(Service(f"svc-{n}", structure.id, code, code.title()) for n, code in enumerate(SERVICES))
    placed = tuple(attrs.evolve(row, organisation_code="org", structure_id=structure.id) if n % 2 else row
                   for n, row in enumerate(rows))
    return ChildPlanning(child, month, nom, placed, facts.enrolments, (structure,), services)


@given(st.data(), MONTHS, SPECS, HORIZONS, NAMES)
def test_the_month_template_agrees_around_deadlines_and_midnights_with_several_enrolments(
    data: st.DataObject, month: date, deadline_specs: dict[tuple[str, int, ActionKind], DeadlineSpec],
    horizon: BookingHorizon | None, name: str,
) -> None:
    calendar = data.draw(calendars(year=SchoolYear.containing(month).start.year))
    template = MonthTemplate.build(month, SERVICES, calendar, deadline_specs)
    for child_facts in data.draw(st.lists(children(month), min_size=1, max_size=3)):
        for now in data.draw(st.lists(clocks(template), min_size=1, max_size=4)):
            fresh = month_grid(month, SERVICES, calendar=calendar, facts=child_facts, now=now,
                               specs=deadline_specs, horizon=horizon)
            assert template.rows(SERVICES, child_facts, now, horizon) == fresh
            # rendered afresh, then found rendered; the same cells under other words (a responsable, a structure's name)
            for nom, structure_name in (("Dupont", name), ("Dupont", name), ("Martin", name), ("Dupont", f"{name}2")):
                fast = template.rows(SERVICES, child_facts, now, horizon)
                expected = json.dumps(planning_view(_document(month, fresh, child_facts, nom, structure_name)),
                                      ensure_ascii=False)
                assert planning_document(_document(month, fast, child_facts, nom, structure_name)) == expected
