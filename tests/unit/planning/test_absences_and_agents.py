"""Absences, the month grid, closures, attendance and headcounts through the use cases, on fakes."""

from __future__ import annotations

from datetime import date, datetime, time

import attrs
import pytest

from famille.kernel.families.records import ChildSections, PratiqueAlimentaire
from famille.kernel.planning.cells import CellStatus
from famille.kernel.planning.grid import ActionKind
from famille.kernel.planning.inputs import AbsenceStatus, AttendanceStatus
from famille.kernel.planning.outcomes import CellRefused, Outcome, SkipReason
from famille.kernel.planning.records import EventKind
from famille.kernel.shared.errors import Forbidden, NotFound, ValidationFailed
from famille.kernel.shared.time import PARIS
from tests.unit.world import World

from .conftest import AGENT_A, AGENT_B, DUPONT, DURAND

MONDAY = date(2026, 12, 7)


def _book(world: World, *cells: tuple[str, date]) -> None:
    world.portal.planning.book(DUPONT, "child-lea", list(cells))


def _cell(world: World, service: str, day: date) -> CellStatus:
    grid = world.portal.planning.month(DUPONT, "child-lea", day)
    return next(c.status for r in grid.rows if r.service_code == service for c in r.cells if c.day == day)


def test_declaring_an_absence_before_the_deadline_cancels_the_booking_and_the_cell_shows_absent_excused(
    world: World,
) -> None:
    _book(world, ("RESTAURATION", MONDAY))

    report = world.portal.planning.declare_absence(DUPONT, "child-lea", [("RESTAURATION", MONDAY)], "AUTRES")

    assert report.results[0].outcome is Outcome.CANCELLED
    assert len(world.uow.store.bookings) == 1  # the day was booked: the booking stays under the absence
    absence = world.uow.store.absences[("child-lea", "RESTAURATION", MONDAY)]
    assert absence.state.status is AbsenceStatus.ACCEPTED and absence.state.in_time
    assert [e.kind for e in world.uow.store.planning_events[-2:]] == [EventKind.ABSENCE_DECLARED,
                                                                       EventKind.ABSENCE_ACCEPTED]
    assert _cell(world, "RESTAURATION", MONDAY) is CellStatus.ABSENT_EXCUSE
    assert world.portal.planning_agent.headcounts(AGENT_A, MONDAY)[0].expected == 0


def test_a_late_absence_for_another_reason_is_refused_to_families_with_the_deadline(world: World) -> None:
    _book(world, ("RESTAURATION", MONDAY))
    world.clock.set(datetime(2026, 12, 5, 9, 0, tzinfo=PARIS))

    with pytest.raises(CellRefused) as refused:
        world.portal.planning.declare_absence(DUPONT, "child-lea", [("RESTAURATION", MONDAY)], "AUTRES")

    assert refused.value.result.skip is SkipReason.DEADLINE_PASSED
    assert "jeudi 3 décembre 2026 à 23h59" in refused.value.message
    assert len(world.uow.store.bookings) == 1


def test_a_sick_child_may_be_declared_absent_the_same_morning_until_nine_and_a_certificate_is_asked(
    world: World,
) -> None:
    _book(world, ("RESTAURATION", MONDAY), ("GARDERIE SOIR", MONDAY))
    world.clock.set(datetime(2026, 12, 7, 8, 30, tzinfo=PARIS))

    report = world.portal.planning.declare_absence(DUPONT, "child-lea", [("RESTAURATION", MONDAY)],
                                                   "RAISON MEDICALE", note="Fièvre")

    assert report.results[0].outcome is Outcome.ABSENCE_PENDING
    assert report.results[0].rule_id == "absence-medicale-jour-meme-9h"
    assert report.requirement is not None and "certificat médical" in report.requirement
    world.clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=PARIS))
    with pytest.raises(CellRefused):
        world.portal.planning.declare_absence(DUPONT, "child-lea", [("GARDERIE SOIR", MONDAY)], "RAISON MEDICALE")


def test_an_unknown_absence_reason_is_a_field_error(world: World) -> None:
    with pytest.raises(ValidationFailed) as failed:
        world.portal.planning.declare_absence(DUPONT, "child-lea", [("RESTAURATION", MONDAY)], "VACANCES")
    assert failed.value.errors[0].field == "reason"


def test_an_agent_accepts_a_late_medical_absence_as_excused(world: World) -> None:
    _book(world, ("RESTAURATION", MONDAY))
    world.clock.set(datetime(2026, 12, 7, 8, 30, tzinfo=PARIS))
    world.portal.planning.declare_absence(DUPONT, "child-lea", [("RESTAURATION", MONDAY)], "RAISON MEDICALE")
    (entry,) = world.portal.planning_agent.pending(AGENT_A)

    decided = world.portal.planning_agent.decide_absence(AGENT_A, entry.record.id, accept=True, reason=None)

    assert decided is not None and decided.state.status is AbsenceStatus.ACCEPTED and decided.state.excused
    grid = world.portal.planning.month(DUPONT, "child-lea", MONDAY)
    cell = next(c for r in grid.rows if r.service_code == "RESTAURATION" for c in r.cells if c.day == MONDAY)
    assert cell.status is CellStatus.ABSENT_EXCUSE


def test_an_agent_may_cancel_past_the_deadline_and_it_is_recorded_late(world: World) -> None:
    _book(world, ("RESTAURATION", MONDAY))
    world.clock.set(datetime(2026, 12, 6, 12, 0, tzinfo=PARIS))

    report = world.portal.planning.declare_absence(AGENT_A, "child-lea", [("RESTAURATION", MONDAY)], "AUTRES",
                                                   as_agent=True)

    assert report.results[0].outcome is Outcome.ABSENCE_ACCEPTED
    absence = world.uow.store.absences[("child-lea", "RESTAURATION", MONDAY)]
    assert not absence.state.in_time and absence.decided_by == "acc-agent-a"
    assert _cell(world, "RESTAURATION", MONDAY) is CellStatus.ABSENT_FACTURE  # AUTRES does not excuse late


def test_the_whole_child_absent_over_a_range_cancels_every_booked_cell_and_reports_the_others(
    world: World,
) -> None:
    _book(world, ("RESTAURATION", MONDAY), ("GARDERIE MATIN", MONDAY))
    cells = [(s, MONDAY) for s in ("GARDERIE MATIN", "GARDERIE SOIR", "RESTAURATION")]

    report = world.portal.planning.declare_absence(DUPONT, "child-lea", cells, "VOYAGE OU SORTIE SCOLAIRE")

    assert {r.service_code: r.outcome for r in report.results} == {
        "GARDERIE MATIN": Outcome.CANCELLED, "GARDERIE SOIR": Outcome.SKIPPED, "RESTAURATION": Outcome.CANCELLED}


def test_the_month_grid_has_one_row_per_enrolled_service_with_statuses_and_dated_actions(world: World) -> None:
    _book(world, ("RESTAURATION", MONDAY))

    grid = world.portal.planning.month(DUPONT, "child-lea", date(2026, 12, 1))

    assert [r.service_code for r in grid.rows] == ["RESTAURATION", "GARDERIE MATIN", "GARDERIE SOIR"]
    cells = {c.day: c for c in grid.rows[0].cells}
    assert len(cells) == 31
    assert cells[MONDAY].status is CellStatus.RESERVE
    (action,) = cells[MONDAY].actions
    assert action.kind is ActionKind.DECLARER_ABSENCE
    assert action.deadline.description == "jeudi 3 décembre 2026 à 23h59"
    assert cells[date(2026, 12, 8)].actions[0].kind is ActionKind.RESERVER
    assert cells[date(2026, 12, 25)].status is CellStatus.JOUR_FERIE
    assert cells[date(2026, 12, 22)].status is CellStatus.PETITES_VACANCES
    assert cells[date(2026, 12, 2)].status is CellStatus.NON_OUVRE
    assert cells[date(2026, 12, 1)].actions == ()  # Tuesday 1st: its deadline was Friday 27 November
    assert grid.responsable == "DUPONT MARIE"
    only = world.portal.planning.month(DUPONT, "child-lea", MONDAY, structure="a-cantine")
    assert [r.service_code for r in only.rows] == ["RESTAURATION"]


def test_a_present_child_without_departure_time_shows_a_missing_check_out_once_the_day_is_over(
    world: World,
) -> None:
    _book(world, ("GARDERIE SOIR", MONDAY))
    world.clock.set(datetime(2026, 12, 7, 16, 35, tzinfo=PARIS))
    world.portal.planning_agent.record_attendance(AGENT_A, "child-lea", "GARDERIE SOIR", MONDAY,
                                                  AttendanceStatus.PRESENT, time(16, 30), None)
    world.clock.set(datetime(2026, 12, 8, 8, 0, tzinfo=PARIS))

    grid = world.portal.planning.month(DUPONT, "child-lea", MONDAY, service="GARDERIE SOIR")

    cell = next(c for c in grid.rows[0].cells if c.day == MONDAY)
    assert cell.status is CellStatus.POINTAGE_MANQUANT
    (line,) = world.portal.planning_agent.roll_call(AGENT_A, MONDAY, "GARDERIE SOIR")
    assert line.expected and line.attendance.arrival == time(16, 30)
    with pytest.raises(NotFound):
        world.portal.planning_agent.record_attendance(AGENT_B, "child-lea", "GARDERIE SOIR", MONDAY,
                                                      AttendanceStatus.ABSENT, None, None)


def test_headcounts_count_expected_children_and_canteen_meals_by_pratique(world: World) -> None:
    _book(world, ("RESTAURATION", MONDAY), ("GARDERIE MATIN", MONDAY))
    world.uow.store.child_sections["child-lea"] = attrs.evolve(
        ChildSections(), pratique=PratiqueAlimentaire(libelle="Sans porc"))

    counts = {c.service_code: c for c in world.portal.planning_agent.headcounts(AGENT_A, MONDAY)}

    assert counts["RESTAURATION"].expected == 1
    assert counts["RESTAURATION"].meals == (("Sans porc", 1),)
    assert counts["GARDERIE MATIN"].expected == 1 and counts["GARDERIE MATIN"].meals == ()
    assert counts["GARDERIE SOIR"].expected == 0
    assert all(c.expected == 0 for c in world.portal.planning_agent.headcounts(AGENT_B, MONDAY))
    with pytest.raises(Forbidden):
        world.portal.planning_agent.headcounts(DUPONT, MONDAY)


def test_closures_are_declared_listed_and_withdrawn_within_the_agent_organisation(world: World) -> None:
    closure = world.portal.planning_agent.declare_closure(AGENT_A, MONDAY, "RESTAURATION", "Formation")

    assert world.portal.planning_agent.closures(AGENT_A, MONDAY, MONDAY) == [closure]
    assert world.portal.planning_agent.closures(AGENT_B, MONDAY, MONDAY) == []
    with pytest.raises(NotFound):
        world.portal.planning_agent.remove_closure(AGENT_B, closure.id)
    world.portal.planning_agent.remove_closure(AGENT_A, closure.id)
    assert world.portal.planning_agent.closures(AGENT_A, MONDAY, MONDAY) == []
    with pytest.raises(Forbidden):
        world.portal.planning_agent.declare_closure(DURAND, MONDAY, None, "Grève")


@pytest.mark.parametrize(("document", "status"), [(None, CellStatus.ABSENT_FACTURE),
                                                  ("certificat", CellStatus.ABSENT_EXCUSE)])
def test_a_late_medical_absence_shows_excused_on_the_grid_only_with_its_certificate(
    world: World, document: str | None, status: CellStatus
) -> None:
    _book(world, ("RESTAURATION", MONDAY))
    world.clock.set(datetime(2026, 12, 7, 9, 30, tzinfo=PARIS))  # past the same day's 9:00
    world.portal.planning.declare_absence(AGENT_A, "child-lea", [("RESTAURATION", MONDAY)], "RAISON MEDICALE",
                                          document=document, as_agent=True)

    absence = world.uow.store.absences[("child-lea", "RESTAURATION", MONDAY)]
    assert not absence.state.excused  # never stored: decided when read
    grid = world.portal.planning.month(DUPONT, "child-lea", MONDAY)
    cell = next(c for r in grid.rows if r.service_code == "RESTAURATION" for c in r.cells if c.day == MONDAY)
    assert cell.status is status


def test_attendance_is_recorded_for_today_or_a_past_day_never_a_day_to_come(world: World) -> None:
    _book(world, ("GARDERIE SOIR", MONDAY), ("GARDERIE SOIR", date(2026, 12, 8)))
    world.clock.set(datetime(2026, 12, 7, 23, 59, tzinfo=PARIS))
    agent = world.portal.planning_agent

    with pytest.raises(ValidationFailed) as refused:
        agent.record_attendance(AGENT_A, "child-lea", "GARDERIE SOIR", date(2026, 12, 8),
                                AttendanceStatus.PRESENT, time(16, 30), None)

    assert [e.field for e in refused.value.errors] == ["date"]
    assert "jour à venir" in refused.value.message
    assert agent.record_attendance(AGENT_A, "child-lea", "GARDERIE SOIR", MONDAY, AttendanceStatus.PRESENT,
                                   time(16, 30), None).day == MONDAY


def test_booking_again_before_the_deadline_withdraws_the_absence_and_the_booking_stands(world: World) -> None:
    _book(world, ("RESTAURATION", MONDAY))
    world.portal.planning.declare_absence(DUPONT, "child-lea", [("RESTAURATION", MONDAY)], "AUTRES")
    grid = world.portal.planning.month(DUPONT, "child-lea", MONDAY)
    cell = next(c for r in grid.rows if r.service_code == "RESTAURATION" for c in r.cells if c.day == MONDAY)
    assert cell.status is CellStatus.ABSENT_EXCUSE and [a.kind for a in cell.actions] == [ActionKind.RESERVER]

    report = world.portal.planning.book(DUPONT, "child-lea", [("RESTAURATION", MONDAY)])

    assert report.results[0].outcome is Outcome.BOOKED
    assert world.uow.store.absences == {} and len(world.uow.store.bookings) == 1
    assert world.uow.store.planning_events[-1].kind is EventKind.ABSENCE_WITHDRAWN
    assert _cell(world, "RESTAURATION", MONDAY) is CellStatus.RESERVE
    assert world.portal.planning_agent.headcounts(AGENT_A, MONDAY)[0].expected == 1


def test_a_refused_absence_is_not_withdrawn_by_booking_again(world: World) -> None:
    _book(world, ("RESTAURATION", MONDAY))
    world.clock.set(datetime(2026, 12, 7, 8, 30, tzinfo=PARIS))
    world.portal.planning.declare_absence(DUPONT, "child-lea", [("RESTAURATION", MONDAY)], "RAISON MEDICALE")
    (entry,) = world.portal.planning_agent.pending(AGENT_A)
    world.portal.planning_agent.decide_absence(AGENT_A, entry.record.id, accept=False, reason="Pas de certificat.")

    with pytest.raises(CellRefused) as refused:
        world.portal.planning.book(AGENT_A, "child-lea", [("RESTAURATION", MONDAY)], as_agent=True)

    assert refused.value.result.skip is SkipReason.CELL_TAKEN
    assert _cell(world, "RESTAURATION", MONDAY) is CellStatus.ABSENT_FACTURE
