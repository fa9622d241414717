"""The shipped migrations build exactly the schema of tables.py, and undo it."""

from __future__ import annotations

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
    assert current_revision(empty_database_url) == "0014"


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
    assert current_revision(empty_database_url) == "0014"


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
