"""Fixtures: every database test runs on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory

from .databases import POSTGRES_URL_VARIABLE, empty_database, fresh_database, postgres_server_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_kind(request: pytest.FixtureRequest) -> str:
    """The kind of database, "sqlite" or "postgresql"; the latter is skipped without a server to test on."""
    if request.param == "postgresql" and postgres_server_url() is None:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_URL_VARIABLE} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    return str(request.param)


@pytest.fixture
def empty_database_url(database_kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an isolated database with no tables yet."""
    with empty_database(database_kind, tmp_path) as url:
        yield url


@pytest.fixture
def database_url(database_kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an isolated database migrated to the newest schema."""
    with fresh_database(database_kind, tmp_path) as url:
        yield url


@pytest.fixture
def migrated_engine(database_url: str) -> Iterator[Engine]:
    """An engine on the migrated database, disposed after the test."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(migrated_engine: Engine) -> SqlUnitOfWorkFactory:
    """Makes units of work on the migrated database."""
    return SqlUnitOfWorkFactory(migrated_engine)
