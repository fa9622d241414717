"""Engines for SQLite and PostgreSQL, tuned for a web application with several workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Column, Connection, Engine, Select, create_engine, event, insert, select
from sqlalchemy.engine import URL, make_url

from famille.adapters.primitives import as_row, from_row

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 10_000


class SqlRepository:
    """Base of the repositories of the unit of work: each reads and writes through its one connection,
    inside its transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def finish_pending_writes(self) -> None:
        """Wait for the writes this repository still has under way in the background and raise their error
        (the unit of work calls it before it commits or rolls back). None here: a repository that writes in
        the background says so by overriding it."""


class KeyedRepository(SqlRepository, Generic[T]):
    """A repository of attrs values stored field for field (`as_row`, `from_row`) in the table of its
    `key` column, which finds one: a subclass names the column and the class `stored`."""

    key: ClassVar[Column[Any]]
    stored: ClassVar[type[Any]]

    def add(self, value: T) -> None:
        """Store a new value."""
        self._connection.execute(insert(self.key.table), as_row(value))

    def get(self, key: str) -> T | None:
        """The value whose key is `key`, or None."""
        row = self._connection.execute(select(self.key.table).where(self.key == key)).first()
        return from_row(row, self.stored) if row else None


def where_given(query: Select[Any], filters: dict[Column[Any], object]) -> Select[Any]:
    """`query` keeping the rows whose column equals its filter's value, for each filter given (not None)."""
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    return query


def make_engine(url: str | URL, **options: Any) -> Engine:
    """An engine for `url`; `options` go to `create_engine` (e.g. `poolclass`, `connect_args`).

    SQLite: the file's folder is created, and each connection gets WAL journaling,
    synchronous=NORMAL, enforced foreign keys and a busy timeout, so that concurrent
    writers (threads or gunicorn workers) wait for each other instead of failing.
    PostgreSQL: connections are checked before use (`pool_pre_ping`), so a restarted
    server costs no failed request.
    """
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, **options)
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


def _sqlite_engine(url: URL, **options: Any) -> Engine:
    """A SQLite engine whose connections are configured by a connect event."""
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _configure_sqlite_connection)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _connection_record: Any) -> None:
    """Set the per-connection pragmas (WAL is kept by the file, the others are not)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()
