"""The month computed once gives every child the grid, and the JSON, of a straightforward computation."""

from __future__ import annotations

import json
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from famille.adapters.http.planning.views import planning_document, planning_view
from famille.kernel.calendar.deadlines import BookingHorizon, DeadlineSpec
from famille.kernel.calendar.model import OrganisationCalendar
from famille.kernel.families.model import Child, Sexe
from famille.kernel.planning.grid import ActionKind, PlanningFacts, PlanningRow, month_grid
from famille.kernel.planning.month import MonthTemplate
from famille.kernel.planning.service import ChildPlanning
from famille.kernel.shared.organisations import Service, Structure, StructureKind
from tests.property.calendar_strategies import SERVICES, specs
from tests.property.test_calendar_planning import NOWS, situations

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
