"""Kernel values as JSON primitives and back, and as table rows and back: one cattrs converter each.

`JSON` is what the API's views answer and what the JSON columns of the record sections hold:
enums as their values, decimals as strings, dates and instants in ISO 8601, tuples as
lists. `ROWS` is what a SQLAlchemy row holds: the same, except that dates, instants and
decimals stay as they are (the column types read and write them). Both read back with
`structure`, a missing key taking the field's default: a field added to a section reads
from rows written before it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

import cattrs

from famille.kernel.families.requests import Primitive

T = TypeVar("T")


def _json_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(Decimal, str)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_unstructure_hook(time, lambda value: value.isoformat(timespec="minutes"))
    converter.register_structure_hook(Decimal, lambda value, _t: Decimal(str(value)))
    converter.register_structure_hook(date, lambda value, _t: date.fromisoformat(value))
    converter.register_structure_hook(datetime, lambda value, _t: datetime.fromisoformat(value))
    converter.register_structure_hook(time, lambda value, _t: time.fromisoformat(value))
    return converter


def _row_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    for native in (Decimal, date, datetime, time, bytes):
        converter.register_unstructure_hook(native, lambda value: value)
        converter.register_structure_hook(native, lambda value, _t: value)
    converter.register_structure_hook(bytes, lambda value, _t: bytes(value))
    # a request's changes hold JSON primitives already: kept as they are
    converter.register_structure_hook(Primitive, lambda value, _t: value)
    return converter


JSON = _json_converter()
ROWS = _row_converter()


def as_json(value: Any) -> Any:
    """A kernel value (attrs instance, enum, decimal, date…) as JSON primitives."""
    return JSON.unstructure(value)


def from_json(data: Any, cls: type[T]) -> T:
    """The kernel value of JSON primitives (missing keys take the fields' defaults)."""
    return JSON.structure(data, cls)


def as_row(value: Any, **extra: Any) -> dict[str, Any]:
    """An attrs value as the values of its table row (one column per field, same names), plus `extra`."""
    return {**ROWS.unstructure(value), **extra}


def from_row(row: Any, cls: type[T], **extra: Any) -> T:
    """The attrs value of a table row (a SQLAlchemy `Row` or a mapping): its columns by field name, plus `extra`."""
    mapping = getattr(row, "_mapping", row)
    return ROWS.structure({**mapping, **extra}, cls)
