"""Bulk inserts of many rows: each distinct value converted once, the statement compiled once.

SQLAlchemy's executemany converts every parameter of every row (an aware datetime becomes
UTC, a date text for SQLite…), which dominates the time of a million-row load where most
values repeat. Here the columns' own bind processors (the same conversions, nothing
restated) run once per distinct value, and the driver's `executemany` gets ready rows.
On PostgreSQL, `copy_rows` streams the rows with `COPY … FROM STDIN` (psycopg's copy),
in the caller's transaction; `BackgroundCopy` runs it in a thread while the caller goes on.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Insert, Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import Compiled

CHUNK = 20_000
#: Parameters one SQLite statement may take (SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32).
SQLITE_PARAMETERS = 32_766


def bulk_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert `rows` (dicts with the same keys) into `table`; returns how many."""
    if not rows:
        return 0
    columns = list(rows[0])
    return insert_rows(connection, table, columns, [tuple(row[name] for name in columns) for row in rows])


def insert_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Insert `rows` (values in the order of `columns`) into `table` by executemany; returns how many."""
    if not rows:
        return 0
    dialect = connection.dialect
    compiled = _compiled_insert(table, tuple(columns), dialect)
    # only the columns whose type converts its values (dates, instants…) are looked at, value by value
    converting = _converting(table, columns, dialect)
    # the statement's placeholders in another order than `columns` (None: the same order)
    order = [list(columns).index(key) for key in (compiled.positiontup or [])] if compiled.positional else None
    if order == list(range(len(columns))):
        order = None
    for start in range(0, len(rows), CHUNK):
        converted: Iterable[Sequence[Any]] = rows[start:start + CHUNK]
        if converting:
            converted = (_converted(row, converting) for row in converted)
        if not compiled.positional:
            params: list[Any] = [dict(zip(columns, values, strict=True)) for values in converted]
        elif order is not None:
            params = [tuple(values[i] for i in order) for values in converted]
        else:
            params = [tuple(values) for values in converted]
        connection.exec_driver_sql(compiled.string, params)
    return len(rows)


def _converting(table: Table, columns: Sequence[str], dialect: Dialect) -> list[tuple[int, Callable[[Any], Any]]]:
    """The positions of the `columns` whose type converts its values (dates, instants…), each with its
    conversion memoised: the other values go to the driver as they are."""
    return [(i, _memoised(process)) for i, name in enumerate(columns)
            if (process := table.c[name].type._cached_bind_processor(dialect)) is not None]


def _converted(row: Sequence[Any], converting: Sequence[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    """`row` with the values of the converting columns converted."""
    values = list(row)
    for i, convert in converting:
        values[i] = convert(values[i])
    return values


@functools.lru_cache(maxsize=64)
def _compiled_insert(table: Table, columns: tuple[str, ...], dialect: Dialect) -> Compiled:
    """`INSERT INTO table (columns)` compiled for the dialect, once per process (a few milliseconds each time)."""
    return insert(table).compile(dialect=dialect, column_keys=list(columns))


def insert_ignore_returning(connection: Connection, table: Table, columns: Sequence[str],
                            rows: Sequence[Sequence[Any]], conflict: Sequence[str], returning: str) -> list[Any]:
    """SQLite: insert `rows` (values in the order of `columns`) in multi-row `INSERT … VALUES (…), (…)
    ON CONFLICT (conflict) DO NOTHING RETURNING returning`, as many rows a statement as the driver's
    parameters allow; the `returning` column of the rows inserted (a conflicting row returns nothing).

    Each distinct value goes through its column's conversion once, as `insert_rows` does; SQLAlchemy's
    own multi-row insert converts every value of every row.
    """
    if not rows:
        return []
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    converting = _converting(table, columns, dialect)
    head = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
            f"({', '.join(quote(name) for name in columns)}) VALUES ")
    tail = (f" ON CONFLICT ({', '.join(quote(name) for name in conflict)}) DO NOTHING "
            f"RETURNING {quote(returning)}")
    one = "(" + ", ".join("?" * len(columns)) + ")"
    per_statement = max(1, SQLITE_PARAMETERS // len(columns))
    found: list[Any] = []
    for start in range(0, len(rows), per_statement):
        page = rows[start:start + per_statement]
        params = tuple(value for row in page for value in (_converted(row, converting) if converting else row))
        result = connection.exec_driver_sql(head + ", ".join([one] * len(page)) + tail, params)
        found += result.scalars()
    return found


def copy_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write `rows` into `table` in the caller's transaction: `COPY` on PostgreSQL, else `insert_rows`.

    Values are plain Python values the driver adapts itself (str, int, date, None).
    """
    if connection.dialect.name != "postgresql":
        return insert_rows(connection, table, columns, list(rows))
    names = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in columns)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    count = 0
    with cursor.copy(f"COPY {connection.dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN") \
            as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    cursor.close()
    return count


def unnest_select(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[dict[str, Any]],
                  prefix: str) -> tuple[str, dict[str, list[Any]]]:
    """PostgreSQL: `SELECT * FROM unnest(…)` giving `rows` (dicts keyed by `columns`) as a relation, and its
    parameters: one array per column, each value through its column's conversion.

    A statement whose text does not depend on the number of rows: the driver parses it once and the
    server prepares it once per connection, where a multi-row VALUES is new text for every length.
    The arrays travel in binary (`%(…)b`): half the client's time of the text form, which escapes
    every element.
    """
    dialect = connection.dialect
    casts, params = [], {}
    for n, name in enumerate(columns):
        column = table.c[name]
        convert = _memoised(column.type._cached_bind_processor(dialect))
        params[f"{prefix}{n}"] = [convert(row[name]) for row in rows]
        casts.append(f"%({prefix}{n})b::{column.type.compile(dialect=dialect)}[]")
    return f"SELECT * FROM unnest({', '.join(casts)})", params


class BackgroundCopy:
    """`copy_rows` in a thread of its own on PostgreSQL, one at a time: the caller prepares its next rows
    while the database stores (and checks) these ones.

    psycopg holds the connection's lock for the whole `COPY`: a statement the caller sends meanwhile
    waits for it. `wait()` before anything that reads what was copied, and before the commit; it raises
    what the copy raised. Elsewhere (SQLite: a connection belongs to its thread) the rows are written
    at once.
    """

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Wait for the previous copy, then copy `rows` in the background (at once off PostgreSQL)."""
        self.wait()
        if connection.dialect.name != "postgresql":
            copy_rows(connection, table, columns, rows)
            return

        def copy() -> None:
            try:
                copy_rows(connection, table, columns, rows)
            except BaseException as error:  # handed to the caller by wait()
                self._error = error

        self._thread = threading.Thread(target=copy, name="copy-rows", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Wait for the copy under way, if any; raise its error."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
        error, self._error = self._error, None
        if error is not None:
            raise error


def insert_ignore(connection: Connection, table: Table, columns: Sequence[str]) -> Insert:
    """`INSERT … ON CONFLICT (columns) DO NOTHING` in the connection's dialect."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(columns))
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(columns))


def _memoised(process: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """The column's conversion, computed once per distinct hashable value."""
    if process is None:
        return lambda value: value
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = found = process(value)
            return found
        except TypeError:  # unhashable (a JSON document): converted each time
            return process(value)

    return convert
