"""The engine factory configures SQLite for concurrent workers and creates the file's folder."""

from __future__ import annotations

from pathlib import Path

from famille.adapters.sqlalchemy.database import SQLITE_BUSY_TIMEOUT_MS, make_engine


def test_a_sqlite_engine_creates_the_folder_and_sets_its_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "var" / "data" / "famille.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 1  # NORMAL
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == SQLITE_BUSY_TIMEOUT_MS
        assert path.exists()
    finally:
        engine.dispose()


def test_building_an_engine_does_not_connect(tmp_path: Path) -> None:
    path = tmp_path / "famille.sqlite3"
    make_engine(f"sqlite:///{path}").dispose()
    assert not path.exists()


def test_a_postgresql_engine_checks_connections_before_use() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert engine.pool._pre_ping
    engine.dispose()
