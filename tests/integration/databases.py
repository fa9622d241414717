"""Isolated test databases, reusable by any test folder (integration, http).

SQLite: a file in a temporary folder. PostgreSQL: a fresh schema on the server named
by `FAMILLE_TEST_POSTGRES_URL`, chosen through the connection's `search_path` in the
URL, so that whatever connects with that URL (the app, alembic, a gunicorn worker)
works inside it; the schema is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.migrate import upgrade

POSTGRES_URL_VARIABLE = "FAMILLE_TEST_POSTGRES_URL"
KINDS = ("sqlite", "postgresql")


def postgres_server_url() -> str | None:
    """The URL of the PostgreSQL server for tests, or None when none is configured."""
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


@contextmanager
def empty_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database of `kind` ("sqlite" or "postgresql"), removed after use."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'famille.sqlite3'}"
        return
    server = postgres_server_url()
    if server is None:
        raise RuntimeError(f"{POSTGRES_URL_VARIABLE} is not set")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = make_engine(server, poolclass=NullPool)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of a new database of `kind` migrated to the newest schema, removed after use."""
    with empty_database(kind, folder) as url:
        upgrade(url)
        yield url
