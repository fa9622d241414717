"""The lean reads (adapters/sqlalchemy/lean.py) answer what `Connection.execute` answers, value for value.

Compared through `repr`, where an instant's time zone and a bool (not 1) count, on rows with every kind of
column filled and left NULL: instants, dates, booleans, a child of two families, an agent and a family login.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, column, event, select, table
from sqlalchemy.exc import DBAPIError

from famille.adapters.primitives import from_row
from famille.adapters.sqlalchemy.accounts import _CALLER, CALLER, account_from_row
from famille.adapters.sqlalchemy.families import repositories
from famille.adapters.sqlalchemy.families.translation import child_from_row
from famille.adapters.sqlalchemy.lean import LeanSelect
from famille.adapters.sqlalchemy.planning import _LEAN_GRID_CELLS
from famille.adapters.sqlalchemy.tables import auth_sessions, children
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import Account, AuthSession, Role
from famille.kernel.families.model import Child, Sexe
from famille.kernel.planning.inputs import (
    AbsenceState,
    AbsenceStatus,
    Attendance,
    AttendanceStatus,
    BookingState,
    BookingStatus,
    Enrolment,
)
from famille.kernel.planning.records import AbsenceRecord, AttendanceRecord, BookingRecord
from famille.kernel.shared.time import PARIS
from tests.support.planning_world import seed_families, seed_organisation

MONDAY = date(2026, 12, 7)
# an instant in winter time and one in summer time, with microseconds
WINTER = datetime(2026, 12, 4, 18, 5, 7, 123456, tzinfo=PARIS)
SUMMER = datetime(2026, 7, 1, 8, 0, tzinfo=PARIS)
FAMILY_TOKEN, AGENT_TOKEN = "1" * 64, "2" * 64


@pytest.fixture
def world(uow_factory: SqlUnitOfWorkFactory) -> str:
    """A child of two families with bookings, absences, pointages and enrolments of every shape; a session
    of the first family's login and one of an agent; the child's id."""
    seed_organisation(uow_factory, "ville")
    ((first, _),) = seed_families(uow_factory, "ville", 1)
    ((second, _),) = seed_families(uow_factory, "ville", 1, start=1)
    lea = Child("ville-lea", "ville", "DUPONT", "Léa", Sexe.F, date(2017, 2, 28), (second, first), "Strasbourg")
    with uow_factory() as uow:
        uow.families.add_child(lea)
        uow.accounts.add(Account("agent-2", "agent.deux", Role.AGENT, "ville", "Agent 2", "hash", None,
                                 "agent@example.org", SUMMER))
        uow.sessions.add(AuthSession("s-family", "ville-acc-0", FAMILY_TOKEN, WINTER, WINTER + timedelta(hours=8)))
        uow.sessions.add(AuthSession("s-agent", "agent-2", AGENT_TOKEN, SUMMER, SUMMER + timedelta(days=1)))
        uow.planning.add_enrolments([
            Enrolment(lea.id, "RESTAURATION", date(2026, 9, 1), None),
            Enrolment(lea.id, "GARDERIE SOIR", date(2026, 9, 1), date(2027, 7, 4), (time(16, 30), time(18)),
                      "ville", "ville-garderie", (0, 1, 3)),
        ])
        uow.planning.add_bookings([
            BookingRecord("b1", "ville", lea.id, "RESTAURATION", MONDAY,
                          BookingState(BookingStatus.ACCEPTED, "ville-acc-0", WINTER, True)),
            BookingRecord("b2", "ville", lea.id, "GARDERIE SOIR", MONDAY + timedelta(1),
                          BookingState(BookingStatus.REFUSED, "ville-acc-0", WINTER, False, "agent-2", WINTER,
                                       "Complet"), "regle"),
        ], "batch")
        uow.planning.add_absences([
            AbsenceRecord("a1", "ville", lea.id, "RESTAURATION", MONDAY + timedelta(2),
                          AbsenceState(AbsenceStatus.PENDING, "RAISON MEDICALE", True, declared_by="ville-acc-0",
                                       declared_at=WINTER), "fièvre", "certificat.pdf"),
            AbsenceRecord("a2", "ville", lea.id, "RESTAURATION", MONDAY + timedelta(3),
                          AbsenceState(AbsenceStatus.ACCEPTED, "AUTRES", False, declared_by="ville-acc-0",
                                       declared_at=WINTER)),
        ])
        uow.planning.set_attendance(AttendanceRecord(lea.id, "GARDERIE SOIR", MONDAY, "ville", Attendance(
            AttendanceStatus.PRESENT, time(16, 45), time(17, 50)), "agent-2", WINTER))
        uow.planning.set_attendance(AttendanceRecord(lea.id, "RESTAURATION", MONDAY, "ville", Attendance(
            AttendanceStatus.ABSENT), "agent-2", WINTER))
        uow.commit()
    return lea.id


def _same(lean: LeanSelect, connection: Connection, parameters: dict[str, Any]) -> list[list[Any]]:
    """The lean rows, once checked equal to `execute`'s (twice: the second run reuses what the first learnt)."""
    expected = repr([list(row) for row in connection.execute(lean.statement, parameters)])
    for _ in range(2):
        assert repr(lean.rows(connection, parameters)) == expected
    return lean.rows(connection, parameters)


def test_the_lean_reads_answer_the_rows_execute_answers(world: str, migrated_engine: Engine) -> None:
    with migrated_engine.connect() as connection:
        for token in (FAMILY_TOKEN, AGENT_TOKEN, "f" * 64):
            _same(_CALLER, connection, {"p_digest": token})
            for child in (world, "inconnu"):
                _same(repositories._LEAN_CALLER_WITH_CHILD, connection, {"p_digest": token, "p_child": child})
        rows = _same(_LEAN_GRID_CELLS, connection,
                     {"p_child": world, "p_start": MONDAY, "p_end": MONDAY + timedelta(6)})
        assert len(_same(repositories._LEAN_CALLER_WITH_CHILD, connection,
                         {"p_digest": FAMILY_TOKEN, "p_child": world})) == 2  # one row per family
    assert sorted(row[0] for row in rows) == ["a", "a", "b", "b", "e", "e", "p", "p", "r", "v"]
    assert any(isinstance(value, datetime) for value in _CALLER.rows(migrated_engine.connect(),
                                                                     {"p_digest": AGENT_TOKEN})[0])


def _caller_as_read_by_cattrs(row: Any) -> tuple[AuthSession, Account]:
    """What the repositories made of a `CALLER` row before the lean reads: cattrs' `from_row`."""
    session = {column.name: row._mapping[f"session_{column.name}"] for column in auth_sessions.c}
    return from_row(session, AuthSession), account_from_row(row)


def test_the_lean_reads_make_the_values_cattrs_makes(world: str, uow_factory: SqlUnitOfWorkFactory,
                                                     migrated_engine: Engine) -> None:
    with migrated_engine.connect() as connection:
        for token in (FAMILY_TOKEN, AGENT_TOKEN):
            rows = connection.execute(repositories._CALLER_WITH_CHILD, {"p_digest": token, "p_child": world}).all()
            child = child_from_row({c.name: rows[0]._mapping[f"child_{c.name}"] for c in children.c},  # type: ignore[arg-type]
                                   tuple(row.link_family_id for row in rows))
            with uow_factory(read_only=True) as uow:
                assert repr(uow.sessions.caller(token)) == repr(_caller_as_read_by_cattrs(
                    connection.execute(CALLER, {"p_digest": token}).one()))
                assert repr(uow.families.caller_with_child(token, world)) == repr(
                    (*_caller_as_read_by_cattrs(rows[0]), child))
    with uow_factory(read_only=True) as uow:
        found = uow.families.caller_with_child(FAMILY_TOKEN, world)
    assert found is not None and found[2] is not None
    assert found[2].family_ids == ("ville-fam-1", "ville-fam-0")
    assert found[0].created_at.tzinfo is PARIS and found[1].email is None  # no responsable e-mail on file


def test_a_lean_read_is_seen_by_the_engines_events_and_fails_as_sqlalchemy_fails(migrated_engine: Engine) -> None:
    seen: list[str] = []

    def count(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(migrated_engine, "before_cursor_execute", count)
    try:
        with migrated_engine.connect() as connection:
            assert _CALLER.rows(connection, {"p_digest": FAMILY_TOKEN}) == []
            with pytest.raises(DBAPIError):  # not the driver's own error
                LeanSelect(select(table("no_such_table", column("x")))).rows(connection, {})
    finally:
        event.remove(migrated_engine, "before_cursor_execute", count)
    assert [statement.split()[0] for statement in seen] == ["SELECT", "SELECT"]
