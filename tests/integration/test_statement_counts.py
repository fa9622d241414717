"""The hot paths in a few SQL statements, whatever the number of cells: counted on SQLite and PostgreSQL.

Counts, not timings: a statement count does not depend on the machine.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import falcon.testing
import pytest
from sqlalchemy import Engine, event, func, insert, select

from famille.adapters.http.app import create_app
from famille.adapters.sqlalchemy.tables import bookings, closures, planning_events
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import AuthSession, token_digest
from famille.kernel.calendar.model import SchoolYear
from famille.kernel.planning.inputs import BookingState, BookingStatus, Enrolment
from famille.kernel.planning.outcomes import Outcome
from famille.kernel.planning.records import BookingRecord
from famille.kernel.planning.service import cells_of_pattern
from famille.kernel.portal.application import Portal, build_portal
from tests.fakes.clock import FakeClock
from tests.fakes.hashing import FakeHasher
from tests.fakes.notification import FakeNotifier
from tests.fakes.rules import ShippedRules
from tests.support.planning_world import SERVICES, agent_principal, seed_families, seed_organisation
from tests.unit.planning.conftest import HOLIDAYS

CLOCK = FakeClock()
TOKEN = "jeton-de-la-famille"


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent to the database inside the block (an executemany counts once)."""
    seen: list[str] = []

    def count(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement[:80])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _world(uow_factory: SqlUnitOfWorkFactory) -> tuple[Portal, list[str]]:
    """An organisation, a family of three children enrolled in the four services, a session of theirs."""
    seed_organisation(uow_factory, "ville")
    seed_organisation(uow_factory, "autre")
    ((_, children),) = seed_families(uow_factory, "ville", 1, children_each=3)
    seed_families(uow_factory, "autre", 1)
    now = CLOCK.now()
    with uow_factory() as uow:
        uow.sessions.add(AuthSession(str(uuid.uuid4()), "ville-acc-0", token_digest(TOKEN), now,
                                     now + timedelta(hours=8)))
        uow.commit()
    portal = build_portal(uow=uow_factory, clock=CLOCK, rules=ShippedRules(), hasher=FakeHasher(),
                          notifier=FakeNotifier(), portal_url="https://portail.example", calendar=HOLIDAYS)
    return portal, children


def test_a_school_year_for_three_children_and_four_services_takes_at_most_ten_statements(
        uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine) -> None:
    portal, children = _world(uow_factory)
    today = CLOCK.now().date()
    year = cells_of_pattern(SERVICES, range(7), today, SchoolYear.containing(today).end)

    with counted(migrated_engine) as statements:
        principal = portal.authentication.authenticate(TOKEN)
        reports = portal.planning.book_children(principal, children, year)

    assert len(statements) <= 10, statements
    booked = sum(1 for report in reports for r in report.results if r.outcome is Outcome.BOOKED)
    assert booked > 3 * 4 * 100  # hundreds of cells per child and service: every one in the same statements
    with migrated_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(bookings)).scalar_one() == booked
        assert connection.execute(select(func.count()).select_from(planning_events)).scalar_one() == 2 * booked


def test_the_month_grid_of_a_child_takes_two_statements_with_the_session_and_the_child_read_together(
        uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine) -> None:
    portal, children = _world(uow_factory)
    client = falcon.testing.TestClient(create_app(portal))
    month = f"{CLOCK.now().date() + timedelta(14):%Y-%m}"
    with counted(migrated_engine) as first:  # the process reads the organisation's setup once
        _month_grid(client, children[0], month)

    with counted(migrated_engine) as statements:
        answer = _month_grid(client, children[0], month)

    assert answer.status_code == 200, answer.text
    assert sorted(row["service"] for row in answer.json["rows"]) == sorted(SERVICES)
    # the caller and the child; the cells with the enrolments, the setup versions and the responsable
    assert len(statements) <= 2, statements
    assert len(first) <= 4, first  # and, the first time, the organisations with their services and their closures
    # another family's child: the same answer as a child that does not exist
    other = client.simulate_get("/api/v1/children/autre-enf-0-0/planning", params={"month": month},
                                headers={"Authorization": f"Bearer {TOKEN}"})
    assert other.status_code == 404


def test_a_child_enrolled_in_two_organisations_shows_both_in_the_same_two_statements(
        uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine) -> None:
    portal, children = _world(uow_factory)
    with uow_factory() as uow:  # the evening garderie of the first child is the other organisation's
        uow.planning.add_enrolments([Enrolment(children[0], "GARDERIE SOIR", date(2026, 9, 1), date(2027, 7, 3),
                                               organisation_code="autre", structure_id="autre-garderie")])
        uow.commit()
    client = falcon.testing.TestClient(create_app(portal))
    month = f"{CLOCK.now().date() + timedelta(14):%Y-%m}"
    with counted(migrated_engine) as first:
        _month_grid(client, children[0], month)

    with counted(migrated_engine) as statements:
        answer = _month_grid(client, children[0], month)

    assert answer.status_code == 200, answer.text
    assert {row["structure"]["id"] for row in answer.json["rows"]} >= {"ville-garderie", "autre-garderie"}
    assert len(statements) <= 2, statements
    assert len(first) <= 4, first


def test_a_closure_written_by_another_process_is_in_the_next_month_grid_read_again_with_the_setup(
        uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine) -> None:
    portal, children = _world(uow_factory)
    client = falcon.testing.TestClient(create_app(portal))
    day = CLOCK.now().date() + timedelta(14)
    day += timedelta(days=-day.weekday())  # a Monday: every service opens
    _month_grid(client, children[0], f"{day:%Y-%m}")
    with migrated_engine.begin() as connection:  # as another process would, straight into the table
        connection.execute(insert(closures).values(id="fermeture-1", organisation_code="ville", day=day,
                                                   service_code=None, reason="Grève", declared_by="ville-agent",
                                                   declared_at=CLOCK.now()))

    with counted(migrated_engine) as statements:
        answer = _month_grid(client, children[0], f"{day:%Y-%m}")

    assert answer.status_code == 200, answer.text
    assert {row["cells"][day.day - 1]["status"]["slug"] for row in answer.json["rows"]} == {"fermeture"}, answer.json["rows"][0]
    assert len(statements) == 4, statements  # the organisation's version moved: its setup is read again


def _month_grid(client: falcon.testing.TestClient, child_id: str, month: str) -> falcon.testing.Result:
    return client.simulate_get(f"/api/v1/children/{child_id}/planning", params={"month": month},
                               headers={"Authorization": f"Bearer {TOKEN}"})


def test_a_week_booked_for_one_child_takes_three_statements_on_postgresql_and_four_on_sqlite(
        uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine) -> None:
    portal, children = _world(uow_factory)
    client = falcon.testing.TestClient(create_app(portal))
    monday = CLOCK.now().date() + timedelta(14 - CLOCK.now().weekday())

    def book(first: date, child: str = children[0]) -> falcon.testing.Result:
        body = {"services": list(SERVICES), "from": first.isoformat(), "to": (first + timedelta(4)).isoformat()}
        return client.simulate_post(f"/api/v1/children/{child}/bookings", json=body,
                                    headers={"Authorization": f"Bearer {TOKEN}"})

    with counted(migrated_engine) as first:
        answer = book(monday)
    with counted(migrated_engine) as statements:
        week = book(monday + timedelta(7))

    assert answer.status_code == 200, answer.text
    assert len(answer.json["done"]) > 10
    assert len(week.json["done"]) > 10, week.text
    # the session with the child; its enrolments, bookings and absences with the organisations' setup versions;
    # then the bookings with their history: one statement on PostgreSQL, two on SQLite. The first request of the
    # process reads the organisation and its closures too.
    assert len(statements) <= (3 if migrated_engine.dialect.name == "postgresql" else 4), statements
    assert len(first) <= len(statements) + 2, first
    with counted(migrated_engine) as again_statements:
        again = book(monday)
    assert {cell["outcome"] for cell in again.json["done"]} == {"deja-reservee"}  # a second click: nothing twice
    assert len(again_statements) <= 2, again_statements  # and nothing written
    with migrated_engine.connect() as connection:
        booked = len(answer.json["done"]) + len(week.json["done"])
        assert connection.execute(select(func.count()).select_from(bookings)).scalar_one() == booked
        assert connection.execute(select(func.count()).select_from(planning_events)).scalar_one() == 2 * booked


def test_a_closure_written_by_another_process_refuses_the_next_booking_of_that_day(
        uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine) -> None:
    portal, children = _world(uow_factory)
    client = falcon.testing.TestClient(create_app(portal))
    monday = CLOCK.now().date() + timedelta(14 - CLOCK.now().weekday())
    body = {"services": ["RESTAURATION"], "from": monday.isoformat(), "to": (monday + timedelta(4)).isoformat()}
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert client.simulate_post(f"/api/v1/children/{children[0]}/bookings", json=body,
                                headers=headers).status_code == 200  # the setup is kept by the process now
    closed = monday + timedelta(8)  # the Tuesday after
    with migrated_engine.begin() as connection:  # as another process would, straight into the table
        connection.execute(insert(closures).values(id="fermeture-1", organisation_code="ville", day=closed,
                                                   service_code=None, reason="Grève", declared_by="ville-agent",
                                                   declared_at=CLOCK.now()))

    answer = client.simulate_post(f"/api/v1/children/{children[1]}/bookings", json={
        "services": ["RESTAURATION"], "from": closed.isoformat(), "to": closed.isoformat()}, headers=headers)

    assert answer.status_code == 422, answer.text
    assert "Grève" in answer.text or "ferm" in answer.text.lower(), answer.text


def test_a_page_of_the_agents_family_search_takes_three_statements_whatever_its_families(
        uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine) -> None:
    portal, _ = _world(uow_factory)
    seed_families(uow_factory, "ville", 24, children_each=2, start=1)
    agent = agent_principal("ville")

    with counted(migrated_engine) as statements:
        page = portal.directory.search(agent, "nom", 1)

    assert len(statements) == 3, statements  # the count of matches, the page, the page's children
    assert len(page.entries) == page.page_size == 20 and page.total == 25
    assert {len(entry.children) for entry in page.entries} >= {2, 3}  # "ville-fam-0" has three


def test_missing_pointage_takes_the_same_statements_for_two_days_as_for_a_month(
        uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine) -> None:
    portal, children = _world(uow_factory)
    monday = date(2026, 11, 23)  # before the clock's today: booked, nobody pointed
    state = BookingState(BookingStatus.ACCEPTED, "agent", CLOCK.now(), in_time=True)
    with uow_factory() as uow:
        uow.planning.add_bookings([BookingRecord(str(uuid.uuid4()), "ville", child, "RESTAURATION", monday, state,
                                                 "agent") for child in children], "b")
        uow.commit()
    agent = agent_principal("ville")

    with counted(migrated_engine) as two_days:
        short = portal.planning_agent.missing_attendance(agent, monday, monday + timedelta(1))
    with counted(migrated_engine) as month:
        long = portal.planning_agent.missing_attendance(agent, monday - timedelta(30), monday)

    assert len(two_days) == len(month), (two_days, month)
    assert [(m.day, m.service_code, m.children) for m in short] == [(monday, "RESTAURATION", 3)]
    assert [(m.day, m.service_code, m.children) for m in long] == [(monday, "RESTAURATION", 3)]



def test_a_read_only_unit_of_work_reads_outside_any_transaction_on_postgresql(
        uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine) -> None:
    if migrated_engine.dialect.name != "postgresql":
        pytest.skip("SQLite begins no transaction for a read anyway")
    seed_organisation(uow_factory, "ville")
    with uow_factory(read_only=True) as reader:
        assert reader.organisations.get("ville") is not None
        driver = reader._connection.connection.dbapi_connection  # type: ignore[union-attr]
        assert driver.info.transaction_status.name == "IDLE"  # no BEGIN was sent: no ROLLBACK to send either
    with uow_factory() as uow:
        assert uow.organisations.get("ville") is not None
        driver = uow._connection.connection.dbapi_connection  # type: ignore[union-attr]
        assert driver.info.transaction_status.name == "INTRANS"  # an ordinary one begins at its first statement
