"""Row ↔ domain translation for record sections, photos and requests.

Each section is one JSON column, written and read by the one JSON converter
(`famille.adapters.primitives`): decimals and dates as strings, enums as their values,
so the JSON reads the same on SQLite and PostgreSQL; a field added to a section reads
its default from rows written before it.
"""

from __future__ import annotations

from typing import Any, TypeVar

import attrs
from sqlalchemy import Row

from famille.adapters.primitives import as_json, from_json
from famille.kernel.families.records import ChildSections, FamilySections

Values = dict[str, Any]


def family_sections_to_values(family_id: str, sections: FamilySections) -> Values:
    """The row of `family_records`: one JSON column per section."""
    return {"family_id": family_id, **as_json(sections)}


def family_sections_from_row(row: Row[Any]) -> FamilySections:
    """The sections of a row of `family_records`."""
    return _sections(row, FamilySections)


def child_sections_to_values(child_id: str, sections: ChildSections) -> Values:
    """The row of `child_records`: one JSON column per section, and the accepted photo's id."""
    return {"child_id": child_id, **as_json(sections)}


def child_sections_from_row(row: Row[Any], cls: type[ChildSections] = ChildSections) -> ChildSections:
    """The sections of a row of `child_records` (`cls`: a variant of the sections, in tests)."""
    return _sections(row, cls)


S = TypeVar("S")


def _sections(row: Row[Any], cls: type[S]) -> S:
    mapping = row._mapping
    return from_json({a.name: mapping[a.name] for a in attrs.fields(cls)}, cls)  # type: ignore[misc]
