"""A month computed once: the grid of a month reuses its calendar and deadlines until what they depend on changes."""

from __future__ import annotations

from datetime import date, datetime

from famille.kernel.planning.cells import CellStatus
from famille.kernel.planning.context import OrganisationSetup, OrganisationSetups
from famille.kernel.planning.grid import ActionKind, PlanningFacts, month_grid
from famille.kernel.planning.month import MonthTemplates
from famille.kernel.planning.service import ChildPlanning
from famille.kernel.shared.time import PARIS
from tests.unit.world import World

from .conftest import AGENT_A, DUPONT, DURAND, HOLIDAYS

MONDAY = date(2026, 12, 7)
#: A policy editor's change: the garderie closes three working days before, at noon.
GARDERIE_3_DAYS_NOON = """\
policy: booking_deadlines
replace:
  - id: garderie-veille-ouvree-18h
    when: {service: [GARDERIE MATIN, GARDERIE MIDI, GARDERIE SOIR]}
    then: {bookable: true, kind: working_days_before, days: 3, at: "12:00", needs_validation: false}
    message: "Pour la {service}, réservez ou annulez au plus tard trois jours ouvrés avant à 12h00."
"""


def _grid(world: World, principal: object = DUPONT, child: str = "child-lea") -> ChildPlanning:
    return world.portal.planning.month(principal, child, MONDAY)  # type: ignore[arg-type]


def _cells(grid: ChildPlanning) -> dict[tuple[str, date], object]:
    return {(row.service_code, cell.day): cell for row in grid.rows for cell in row.cells}


def test_a_second_child_of_the_organisation_reuses_the_month_and_sees_the_same_cells_as_computed_afresh(
        world: World) -> None:
    world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", MONDAY)])
    first = _grid(world)
    again = _grid(world)
    months = world.portal.planning._months
    assert months.built == 1
    assert _cells(first) == _cells(again)
    # the same grid, computed without the template
    with world.uow() as uow:
        setup = OrganisationSetup.load(uow, "org-a", date(2026, 12, 1), date(2026, 12, 31), HOLIDAYS, world.rules)
    booked = {key: record.state for key, record in world.uow.store.bookings.items() if key[0] == "child-lea"}
    facts = PlanningFacts(enrolments=world.uow.store.enrolments,
                          bookings={(s, d): state for (_, s, d), state in booked.items()})
    fresh = month_grid(date(2026, 12, 1), [r.service_code for r in first.rows], calendar=setup.calendar(MONDAY),
                       facts=facts, now=world.clock.now(), specs=setup.deadlines.spec)
    assert {(row.service_code, cell.day): cell for row in fresh for cell in row.cells} == _cells(first)
    _grid(world, DURAND, "child-tom")  # another organisation: its own month
    assert months.built == 2


def test_a_closure_declared_after_the_month_was_computed_shows_at_once(world: World) -> None:
    before = _cells(_grid(world))
    assert before[("RESTAURATION", MONDAY)].status is CellStatus.LIBRE  # type: ignore[attr-defined]
    closure = world.portal.planning_agent.declare_closure(AGENT_A, MONDAY, "RESTAURATION", "Formation")

    assert _cells(_grid(world))[("RESTAURATION", MONDAY)].status is CellStatus.FERMETURE  # type: ignore[attr-defined]
    world.portal.planning_agent.remove_closure(AGENT_A, closure.id)
    assert _cells(_grid(world))[("RESTAURATION", MONDAY)].status is CellStatus.LIBRE  # type: ignore[attr-defined]


def test_new_deadline_rules_show_at_once_in_a_month_computed_before(world: World) -> None:
    day = date(2026, 12, 8)
    before = _cells(_grid(world))[("GARDERIE SOIR", day)]
    assert before.actions[0].kind is ActionKind.RESERVER  # type: ignore[attr-defined]
    assert before.actions[0].deadline.description == "lundi 7 décembre 2026 à 18h00"  # type: ignore[attr-defined]
    world.rules.use({"organisations/org-a/booking_deadlines.yaml": GARDERIE_3_DAYS_NOON})

    after = _cells(_grid(world))[("GARDERIE SOIR", day)]
    assert after.actions[0].deadline.description == "jeudi 3 décembre 2026 à 12h00"  # type: ignore[attr-defined]


def test_the_organisations_setup_is_read_again_only_when_its_version_or_the_rules_move(world: World) -> None:
    setups = world.portal.planning._setups
    _grid(world)
    _grid(world, child="child-lea")
    assert setups.loaded == 1  # the second grid read the version only
    world.portal.planning_agent.declare_closure(AGENT_A, MONDAY, "RESTAURATION", "Formation")
    _grid(world)
    assert setups.loaded == 2
    _grid(world, DURAND, "child-tom")  # another organisation, read once
    world.rules.use({"organisations/org-a/booking_deadlines.yaml": GARDERIE_3_DAYS_NOON})
    _grid(world)
    assert setups.loaded == 4


def test_a_full_memory_of_setups_forgets_the_least_recently_used_one_only(world: World) -> None:
    setups = OrganisationSetups(HOLIDAYS, world.rules, size=2)
    versions = {"org-a": 1, "org-b": 1}
    this_year, next_year = date(2026, 12, 1), date(2027, 12, 1)

    def load(code: str, day: date) -> None:
        with world.uow() as uow:
            setups.load_many(uow, [code], day, day, versions)

    load("org-a", this_year)
    load("org-b", this_year)
    load("org-a", this_year)  # kept: org-a is now the most recently used
    assert setups.loaded == 2
    load("org-a", next_year)  # a third setup: org-b's goes, org-a's stays
    load("org-a", this_year)
    assert setups.loaded == 3
    load("org-b", this_year)
    assert setups.loaded == 4


def test_the_months_prepared_at_start_serve_the_first_grids_and_bookings_of_every_organisation(world: World) -> None:
    months = world.portal.planning._months
    assert world.portal.planning.prepare() == 2 * 12  # two organisations, the school year of 7 December
    assert months.built == 24
    _grid(world)
    _grid(world, DURAND, "child-tom")
    world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", date(2027, 3, 1))])
    assert months.built == 24  # nothing computed again


def test_from_the_opening_of_next_years_bookings_its_months_are_prepared_too(world: World) -> None:
    world.clock.set(datetime(2027, 8, 12, 9, tzinfo=PARIS))
    assert world.portal.planning.prepare() == 2 * 12
    world.clock.set(datetime(2027, 8, 13, 9, tzinfo=PARIS))  # bookings for 2027-2028 open on 13 August
    world.portal.planning.prepare()
    assert world.portal.planning._months.built == 2 * 24


def test_no_more_months_are_prepared_than_half_of_what_the_process_keeps(world: World) -> None:
    world.portal.planning._months = MonthTemplates(size=30)
    assert world.portal.planning.prepare() == 15
