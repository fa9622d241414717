"""One contract suite for the persistence port: every test runs on the fakes, SQLite and PostgreSQL.

The fakes are what the unit, HTTP and web tests run on: a contract they fail would let those
tests pass on behaviour the real database does not have (or the reverse).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.ports.persistence import UnitOfWorkFactory
from tests.fakes.persistence import DuplicateKey, FakeUnitOfWorkFactory
from tests.integration.databases import POSTGRES_URL_VARIABLE, fresh_database, postgres_server_url

#: What storing a second row with a unique key already taken raises, on either side.
DUPLICATE = (IntegrityError, DuplicateKey)


@pytest.fixture(params=["fakes", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UnitOfWorkFactory]:
    """Units of work on an empty store: the fakes, or a freshly migrated database."""
    kind = str(request.param)
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
