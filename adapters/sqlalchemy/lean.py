"""The reads every request makes, at about the driver's cost: a select compiled once, its rows converted as
SQLAlchemy converts them.

`Connection.execute` spends some 30 µs around the driver's few on each statement: the compiled cache's
key, the parameters' processing, an execution context, a result and its metadata. `exec_driver_sql` saves
none of it on a wide row (it rebuilds the metadata of every result, column by column). A `LeanSelect`
compiles its statement once per dialect and sends it on the connection's own DBAPI cursor, in its
transaction, through the connection's `_cursor_execute`: the engine's `before_cursor_execute` and
`after_cursor_execute` events still see it (the statement counts), SQLAlchemy logs it when echoing and raises
a driver's error as its own (invalidating the connection on a disconnect). Each parameter and each value goes through its column type's own processor, the
one `execute` applies (an `AwareDateTime` answers in Europe/Paris): the same values, in the select's column
order. `Builder` then makes an attrs value of a row with its constructor (cattrs' `structure` costs ~10 µs a
value).

Only for statements on hot paths: everything else reads through `execute`.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import attrs
from sqlalchemy import CompoundSelect, Connection, Select
from sqlalchemy.engine import Dialect

T = TypeVar("T")
Convert = Callable[[Any], Any]


class LeanSelect:
    """A select run as compiled once per dialect, its rows as lists of converted values in its column order."""

    def __init__(self, statement: Select[Any] | CompoundSelect[Any]) -> None:
        self.statement = statement
        #: the position of each column in a row, by its name (label)
        self.index: dict[str, int] = {name: n for n, name in enumerate(statement.selected_columns.keys())}
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def rows(self, connection: Connection, parameters: Mapping[str, Any]) -> list[list[Any]]:
        """The rows of the select with these bind parameters, on `connection`, in its transaction."""
        dialect = connection.dialect
        compiled = self._compiled.get((dialect.name, dialect.driver))
        if compiled is None:
            compiled = self._compiled[dialect.name, dialect.driver] = _Compiled(self.statement, dialect)
        return compiled.rows(connection, parameters)


class _Compiled:
    """A statement's text in one dialect, how its parameters are sent and how its values are read."""

    def __init__(self, statement: Select[Any] | CompoundSelect[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        self.sql = compiled.string
        binds = compiled.binds
        # in the text's order (`?`, a name as often as it is used), or by name (`%(name)s`)
        self.order = list(compiled.positiontup or []) if compiled.positional else None
        names = dict.fromkeys(self.order) if self.order is not None else [
            name for name in binds if f"%({name})s" in self.sql]
        self.processors = {name: binds[name].type._cached_bind_processor(dialect) for name in names}
        # a value the statement holds itself rather than one its caller gives
        self.given = {name: binds[name].value for name in names if not binds[name].required}
        self.types = [column.type for column in statement.selected_columns]
        self.convert: list[tuple[int, Convert]] | None = None  # known once a first result says the driver's types
        self.dialect = dialect

    def rows(self, connection: Connection, parameters: Mapping[str, Any]) -> list[list[Any]]:
        values = {**self.given, **parameters} if self.given else parameters
        sent: Any = {name: values[name] if process is None else process(values[name])
                     for name, process in self.processors.items()}
        if self.order is not None:
            sent = [sent[name] for name in self.order]
        cursor = connection.connection.cursor()
        try:
            connection._cursor_execute(cursor, self.sql, sent)
            try:
                found = cursor.fetchall()  # SQLite runs the statement here, step by step: it may fail too
            except BaseException as error:  # raised as SQLAlchemy's, as a result's fetch raises it
                connection._handle_dbapi_exception(error, self.sql, sent, cursor, None)
            if self.convert is None:
                self.convert = self._converters(cursor.description)
        finally:
            cursor.close()
        rows = [list(row) for row in found]
        for row in rows:
            for n, process in self.convert:
                row[n] = process(row[n])
        return rows

    def _converters(self, description: Sequence[Sequence[Any]]) -> list[tuple[int, Convert]]:
        """The result processor of each column that has one: what `execute` would choose for the driver's type."""
        found: list[tuple[int, Convert]] = []
        for n, (type_, described) in enumerate(zip(self.types, description, strict=True)):
            process = type_._cached_result_processor(self.dialect, described[1])
            if process is not None:
                found.append((n, process))
        return found


#: Field types a row's value already has (the driver's and the column types' conversions made them).
_AS_READ = {str, int, bool, date, datetime, type(None)}


class Builder(Generic[T]):
    """Makes an attrs value of a row of a `LeanSelect` with its constructor: each field from the column named
    `prefix` + its name, an enum made from its value; the fields `given` come from the caller instead."""

    def __init__(self, cls: type[T], index: Mapping[str, int], prefix: str = "", given: Sequence[str] = ()) -> None:
        hints = typing.get_type_hints(cls)
        self._cls = cls
        self._fields: list[tuple[str, int, Convert | None]] = []
        for field in attrs.fields(typing.cast(Any, cls)):
            if field.name not in given:
                self._fields.append((field.name, index[prefix + field.name], _convert(cls, field.name, hints[field.name])))

    def __call__(self, row: Sequence[Any], **given: Any) -> T:
        """The value of `row`, with the fields `given`."""
        for name, n, convert in self._fields:
            value = row[n]
            given[name] = value if convert is None or value is None else convert(value)
        return self._cls(**given)


def _convert(cls: type[Any], name: str, hint: Any) -> Convert | None:
    """How a field of type `hint` is made from a column's value: None when it is that value already."""
    choices = typing.get_args(hint) if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union \
        else (hint,)
    enums = [choice for choice in choices if isinstance(choice, type) and issubclass(choice, enum.Enum)]
    if enums and len(choices) - (type(None) in choices) == 1:
        return typing.cast(Convert, enums[0])
    if all(choice in _AS_READ for choice in choices):
        return None
    raise TypeError(f"{cls.__name__}.{name}: a {hint} is not read from a column by a Builder")
