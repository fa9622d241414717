"""The shipped migrations build exactly the schema of tables.py, and undo it."""

from __future__ import annotations

from itertools import pairwise

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.pool import NullPool

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.migrate import DatabaseTooOld, current_revision, downgrade, ours, upgrade
from famille.adapters.sqlalchemy.tables import metadata
from famille.cli import main


def _table_names(url: str) -> set[str]:
    """The tables of the database at `url`."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_the_migrations_produce_exactly_the_tables_of_the_metadata(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                  "include_name": ours})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
    assert current_revision(empty_database_url) == "0017"


def test_downgrade_to_base_removes_every_table(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    assert current_revision(empty_database_url) is None
    assert _table_names(empty_database_url) <= {"alembic_version"}
    upgrade(empty_database_url)  # and the way back up still works
    assert _table_names(empty_database_url) >= set(metadata.tables)


def test_upgrading_an_up_to_date_database_changes_nothing(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    assert current_revision(empty_database_url) == "0017"


def test_a_database_older_than_the_squashed_migrations_is_refused_and_left_untouched(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """A database at 0007 (a revision squashed into 0010) must go through an earlier release first."""
    engine = make_engine(empty_database_url, poolclass=NullPool)
    try:
        with engine.begin() as c:
            c.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            c.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0007')"))
            c.execute(text("CREATE TABLE organisations (code VARCHAR(40) PRIMARY KEY)"))
    finally:
        engine.dispose()

    with pytest.raises(DatabaseTooOld, match="révision 0007, antérieure à 0010"):
        upgrade(empty_database_url)
    monkeypatch.setenv("FAMILLE_DATABASE_URL", empty_database_url)
    assert main(["migrate"]) == 1
    assert "version précédente de famille" in capsys.readouterr().err

    assert current_revision(empty_database_url) == "0007"
    assert _table_names(empty_database_url) == {"alembic_version", "organisations"}


def test_migration_0015_gives_each_booking_cancelled_in_time_its_absence_row_and_stores_no_excused(
    empty_database_url: str,
) -> None:
    """A cancellation stored under 0014 (the booking deleted, the history's event kept) becomes the
    absence the grid and billing read; a cell booked again since keeps its booking and gets none."""
    from datetime import date, datetime

    from sqlalchemy import text

    from famille.kernel.shared.time import PARIS

    upgrade(empty_database_url, "0014")
    engine = make_engine(empty_database_url, poolclass=NullPool)
    at = datetime(2026, 11, 25, 18, 0, tzinfo=PARIS)
    try:
        with engine.begin() as c:
            c.execute(text("INSERT INTO organisations (code, name, kind, school_zone, alsace_moselle) "
                           "VALUES ('o', 'O', 'commune', 'A', false)"))
            c.execute(text("INSERT INTO children (id, organisation_code, nom, prenom, sexe, date_naissance)"
                           " VALUES ('c', 'o', 'N', 'Léa', 'F', :born)"), {"born": date(2017, 1, 1)})
            for n, day in enumerate((date(2026, 12, 10), date(2026, 12, 11))):
                c.execute(text("INSERT INTO planning_events (id, organisation_code, child_id, service_code, day, kind,"
                               " happened_at, actor, by_agent, in_time, reason, rule_id) VALUES (:id, 'o', 'c',"
                               " 'RESTAURATION', :day, 'reservation-annulee', :at, 'acc', false, true, 'AUTRES',"
                               " 'cantine-jeudi-mardi-23h59')"), {"id": f"e{n}", "day": day, "at": at})
            c.execute(text("INSERT INTO planning_events (id, organisation_code, child_id, service_code, day, kind,"
                           " happened_at, actor, by_agent, in_time, reason) VALUES ('e-before', 'o', 'c',"
                           " 'RESTAURATION', :day, 'reservation-annulee', :at, 'acc', false, true, 'RAISON MEDICALE')"),
                      {"day": date(2026, 12, 10), "at": datetime(2026, 11, 20, 9, 0, tzinfo=PARIS)})  # booked again, then
            c.execute(text("INSERT INTO bookings (id, organisation_code, child_id, service_code, day, status,"
                           " requested_by, requested_at, in_time, batch_id) VALUES ('b', 'o', 'c', 'RESTAURATION',"
                           " :day, 'accepted', 'acc', :at, true, 'x')"), {"day": date(2026, 12, 11), "at": at})
        upgrade(empty_database_url)
        with engine.connect() as c:
            rows = c.execute(text("SELECT day, status, in_time, reason, declared_by FROM absences")).all()
            assert [(str(r.day), r.status, bool(r.in_time), r.reason, r.declared_by) for r in rows] == [
                ("2026-12-10", "accepted", True, "AUTRES", "acc")]
            assert "excused" not in {col["name"] for col in inspect(c).get_columns("absences")}
        with engine.begin() as c:  # a refused absence may be stored now
            c.execute(text("UPDATE absences SET status = 'refused'"))
        downgrade(empty_database_url, "0014")
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM absences")).scalar_one() == 0
    finally:
        engine.dispose()


def test_the_database_raises_an_organisations_setup_version_whenever_its_setup_changes(
        empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url, poolclass=NullPool)
    changes = [
        "INSERT INTO structures (id, organisation_code, name, kind) VALUES ('st', 'ville', 'Cantine', 'cantine')",
        "INSERT INTO services (id, structure_id, code, name) VALUES ('sv', 'st', 'RESTAURATION', 'Cantine')",
        "UPDATE services SET weekdays = '1,2' WHERE id = 'sv'",
        "INSERT INTO closures (id, organisation_code, day, reason, declared_by, declared_at) "
        "VALUES ('c', 'ville', '2026-12-07', 'Grève', 'agent', '2026-12-01 08:00:00+00:00')",
        "UPDATE closures SET reason = 'Grève des agents' WHERE id = 'c'",
        "DELETE FROM closures WHERE id = 'c'",
        "UPDATE organisations SET school_zone = 'B' WHERE code = 'ville'",
        "DELETE FROM services WHERE id = 'sv'",
        "UPDATE structures SET name = 'Restaurant scolaire' WHERE id = 'st'",
    ]
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO organisations (code, name, kind, school_zone) "
                                    "VALUES ('ville', 'Ville', 'commune', 'A'), ('autre', 'Autre', 'commune', 'A')"))
            versions = [connection.execute(text("SELECT setup_version FROM organisations WHERE code = 'ville'"))
                        .scalar_one()]
            for change in changes:
                connection.execute(text(change))
                versions.append(connection.execute(
                    text("SELECT setup_version FROM organisations WHERE code = 'ville'")).scalar_one())
            other = connection.execute(text("SELECT setup_version FROM organisations WHERE code = 'autre'"))
            assert other.scalar_one() == 0  # another organisation's changes leave it alone
    finally:
        engine.dispose()
    assert versions[0] == 0
    assert all(after > before for before, after in pairwise(versions)), versions
