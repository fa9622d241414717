"""The planning use cases on SQLite and PostgreSQL: bookings, absences, history, headcounts, concurrency."""

from __future__ import annotations

import threading
from datetime import date, datetime, time

import pytest
from sqlalchemy import Engine, func, select

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.tables import bookings, planning_events
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.planning.inputs import AbsenceStatus, AttendanceStatus, BookingStatus
from famille.kernel.planning.outcomes import Outcome
from famille.kernel.planning.records import EventKind
from famille.kernel.planning.service import cells_of_pattern
from famille.kernel.portal.application import Portal, build_portal
from famille.kernel.shared.time import PARIS
from tests.fakes.clock import FakeClock
from tests.fakes.hashing import FakeHasher
from tests.fakes.notification import FakeNotifier
from tests.fakes.rules import ShippedRules, bookings_wait_for_an_agent
from tests.support.planning_world import agent_principal, family_principal, seed_families, seed_organisation
from tests.unit.planning.conftest import HOLIDAYS

MONDAY = date(2026, 12, 7)


def _portal(uow_factory: SqlUnitOfWorkFactory, rules: ShippedRules | None = None) -> Portal:
    return build_portal(uow=uow_factory, clock=FakeClock(), rules=rules or ShippedRules(), hasher=FakeHasher(),
                        notifier=FakeNotifier(), portal_url="https://portail.example", calendar=HOLIDAYS)


@pytest.fixture
def seeded(uow_factory: SqlUnitOfWorkFactory) -> SqlUnitOfWorkFactory:
    seed_organisation(uow_factory, "ville-a")
    seed_organisation(uow_factory, "ville-b")
    seed_families(uow_factory, "ville-a", 2)
    seed_families(uow_factory, "ville-b", 1)
    return uow_factory


def test_a_term_of_bookings_is_stored_once_and_read_back_on_the_grid(seeded: SqlUnitOfWorkFactory) -> None:
    portal = _portal(seeded)
    family = family_principal("ville-a", 0)
    cells = cells_of_pattern(["RESTAURATION", "GARDERIE MATIN"], [0, 1, 2, 3, 4], date(2026, 12, 1),
                             date(2026, 12, 31))

    first = portal.planning.book(family, "ville-a-enf-0-0", cells)
    again = portal.planning.book(family, "ville-a-enf-0-0", cells)

    booked = [r for r in first.results if r.outcome is Outcome.BOOKED]
    assert len(booked) == 14 + 10  # garderie Monday to Friday; canteen not on Wednesdays nor the 1st
    assert {r.outcome for r in again.results} <= {Outcome.ALREADY_BOOKED, Outcome.SKIPPED}
    grid = portal.planning.month(family, "ville-a-enf-0-0", MONDAY)
    statuses = {(row.service_code, cell.day): cell.status.value for row in grid.rows for cell in row.cells}
    assert statuses[("RESTAURATION", MONDAY)] == "reserve"
    assert statuses[("GARDERIE MIDI", MONDAY)] == "libre"
    history = portal.planning.history(family, "ville-a-enf-0-0", MONDAY, MONDAY)
    assert [e.kind for e in history] == [EventKind.BOOKING_REQUESTED] * 2 + [EventKind.BOOKING_ACCEPTED] * 2


def test_absences_decisions_attendance_and_headcounts_round_trip(seeded: SqlUnitOfWorkFactory) -> None:
    rules = ShippedRules()
    rules.use(bookings_wait_for_an_agent("ville-a"))
    portal = _portal(seeded, rules)
    family, agent = family_principal("ville-a", 1), agent_principal("ville-a")
    portal.planning.book(family, "ville-a-enf-1-0", [("RESTAURATION", MONDAY), ("GARDERIE SOIR", MONDAY)])
    pending = portal.planning_agent.pending(agent)
    assert {p.record.service_code for p in pending} == {"RESTAURATION", "GARDERIE SOIR"}
    for entry in pending:
        portal.planning_agent.decide_booking(agent, entry.record.id, accept=True, reason=None)
    report = portal.planning.declare_absence(family, "ville-a-enf-1-0", [("GARDERIE SOIR", MONDAY)],
                                             "RAISON MEDICALE", document="certificat-2026-12-07.pdf")
    assert report.results[0].outcome is Outcome.ABSENCE_PENDING  # RAISON MEDICALE waits for an agent
    grid = portal.planning.month(family, "ville-a-enf-1-0", MONDAY)
    statuses = {(row.service_code, cell.day): cell.status.value for row in grid.rows for cell in row.cells}
    assert statuses[("GARDERIE SOIR", MONDAY)] == "absence-en-cours"
    (waiting,) = portal.planning_agent.pending(agent)
    decided = portal.planning_agent.decide_absence(agent, waiting.record.id, accept=True, reason=None)
    assert decided.state.status is AbsenceStatus.ACCEPTED and decided.state.excused
    grid = portal.planning.month(family, "ville-a-enf-1-0", MONDAY)
    statuses = {(row.service_code, cell.day): cell.status.value for row in grid.rows for cell in row.cells}
    assert statuses[("GARDERIE SOIR", MONDAY)] == "absent-excuse"
    portal.clock.set(datetime(2026, 12, 7, 13, 30, tzinfo=PARIS))  # type: ignore[attr-defined]
    portal.planning_agent.record_attendance(agent, "ville-a-enf-1-0", "RESTAURATION", MONDAY,
                                            AttendanceStatus.PRESENT, time(11, 45), time(13, 15))

    counts = {c.service_code: c for c in portal.planning_agent.headcounts(agent, MONDAY)}
    (line,) = portal.planning_agent.roll_call(agent, MONDAY, "RESTAURATION")

    assert counts["RESTAURATION"].expected == 1 and counts["RESTAURATION"].meals == (("--Aucun--", 1),)
    assert counts["GARDERIE SOIR"].expected == 0
    assert (line.nom, line.attendance.departure) == ("NOM1", time(11, 45).replace(hour=13, minute=15))
    assert portal.planning_agent.headcounts(agent_principal("ville-b"), MONDAY)[0].expected == 0
    closure = portal.planning_agent.declare_closure(agent, MONDAY, None, "Grève")
    assert portal.planning_agent.closures(agent, MONDAY, MONDAY) == [closure]
    portal.planning_agent.remove_closure(agent, closure.id)


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_twenty_threads_booking_the_same_cells_at_once_leave_exactly_one_booking_per_cell(
    seeded: SqlUnitOfWorkFactory, database_url: str
) -> None:
    threads_count = 20
    cells = cells_of_pattern(["RESTAURATION", "GARDERIE SOIR"], [0, 1, 3, 4], date(2026, 12, 7),
                             date(2026, 12, 18))
    engines = [make_engine(database_url) for _ in range(threads_count)]
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []
    outcomes: list[Outcome] = []

    def worker(n: int) -> None:
        portal = _portal(SqlUnitOfWorkFactory(engines[n]))
        try:
            barrier.wait()
            report = portal.planning.book(family_principal("ville-a", 0), "ville-a-enf-0-0", cells)
            outcomes.extend(r.outcome for r in report.results)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()

    assert errors == []
    assert outcomes.count(Outcome.BOOKED) == len(cells) == 16
    assert outcomes.count(Outcome.ALREADY_BOOKED) == len(cells) * (threads_count - 1)
    check = make_engine(database_url)
    try:
        assert _count(check, bookings) == len(cells)
        assert _count(check, planning_events) == 2 * len(cells)  # requested + accepted, once each
        with check.connect() as connection:
            statuses = set(connection.execute(select(bookings.c.status)).scalars())
        assert statuses == {"accepted"}
    finally:
        check.dispose()
    assert BookingStatus.ACCEPTED.value and datetime(2026, 1, 1, tzinfo=PARIS)


def test_headcounts_are_summed_by_the_database_per_service_and_pratique(seeded: SqlUnitOfWorkFactory) -> None:
    from collections import Counter

    from famille.kernel.families.records import ChildSections, PratiqueAlimentaire

    portal = _portal(seeded)
    seed_families(seeded, "ville-a", 3, start=2)
    for n in range(5):
        portal.planning.book(family_principal("ville-a", n), f"ville-a-enf-{n}-0",
                             [("RESTAURATION", MONDAY), ("GARDERIE SOIR", MONDAY)])
    portal.planning.book(family_principal("ville-b", 0), "ville-b-enf-0-0", [("RESTAURATION", MONDAY)])
    with seeded() as uow:
        for n, libelle in ((0, "Sans porc"), (1, "Sans porc"), (2, "PAI")):
            uow.records.save_child_sections(f"ville-a-enf-{n}-0",
                                            ChildSections(pratique=PratiqueAlimentaire(libelle=libelle)))
        uow.commit()
    portal.planning.declare_absence(family_principal("ville-a", 4), "ville-a-enf-4-0", [("RESTAURATION", MONDAY)],
                                    "RAISON MEDICALE")

    with seeded() as uow:
        summed = uow.planning.expected_counts("ville-a", MONDAY)
        one_by_one = Counter((e.service_code, e.pratique) for e in uow.planning.expected_on("ville-a", MONDAY))
    assert summed == dict(one_by_one)
    assert summed[("RESTAURATION", "Sans porc")] == 2 and summed[("RESTAURATION", "PAI")] == 1
    assert summed[("GARDERIE SOIR", "Sans porc")] == 2 and sum(summed.values()) == 4 + 5
    counts = {c.service_code: c for c in portal.planning_agent.headcounts(agent_principal("ville-a"), MONDAY)}
    assert counts["RESTAURATION"].expected == 4
    assert dict(counts["RESTAURATION"].meals) == {"--Aucun--": 1, "PAI": 1, "Sans porc": 2}
