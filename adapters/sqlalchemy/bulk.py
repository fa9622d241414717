"""Bulk inserts of many rows: each distinct value converted once, the statement compiled once.

SQLAlchemy's executemany converts every parameter of every row (an aware datetime becomes
UTC, a date text for SQLite…), which dominates the time of a million-row load where most
values repeat. Here the columns' own bind processors (the same conversions, nothing
restated) run once per distinct value, and the driver's `executemany` gets ready rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert

CHUNK = 20_000


def bulk_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert `rows` (dicts with the same keys) into `table`; returns how many."""
    if not rows:
        return 0
    dialect = connection.dialect
    columns = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=columns)
    processors = [_memoised(table.c[name].type._cached_bind_processor(dialect)) for name in columns]
    positional = compiled.positional
    order = [columns.index(key) for key in (compiled.positiontup or [])] if positional else []
    for start in range(0, len(rows), CHUNK):
        converted = ([convert(row[name]) for name, convert in zip(columns, processors, strict=True)]
                     for row in rows[start:start + CHUNK])
        if positional:
            params: list[Any] = [tuple(values[i] for i in order) for values in converted]
        else:
            params = [dict(zip(columns, values, strict=True)) for values in converted]
        connection.exec_driver_sql(compiled.string, params)
    return len(rows)


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
