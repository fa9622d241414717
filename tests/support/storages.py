"""Units of work on each storage the suite runs on: the fakes, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.ports.persistence import UnitOfWorkFactory
from tests.fakes.persistence import FakeUnitOfWorkFactory
from tests.integration.databases import POSTGRES_URL_VARIABLE, fresh_database, postgres_server_url

#: A fixture's params: each storage, PostgreSQL under the `postgres` marker.
KINDS = ["fakes", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def open_storage(kind: str, tmp_path: Path) -> Iterator[UnitOfWorkFactory]:
    """Units of work on an empty store of `kind`, for a fixture to yield from (a database is migrated
    first and removed afterwards; PostgreSQL is skipped without a server to test on)."""
    if kind == "fakes":
        yield FakeUnitOfWorkFactory()
        return
    if kind == "postgresql" and postgres_server_url() is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_URL_VARIABLE}")
    with fresh_database(kind, tmp_path) as url:
        engine = make_engine(url)
        try:
            yield SqlUnitOfWorkFactory(engine)
        finally:
            engine.dispose()
