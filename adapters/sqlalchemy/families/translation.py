"""Row ↔ domain translation: kernel values are frozen attrs classes, never mapped by an ORM.

A value whose fields are its columns is written and read by the one row converter
(`famille.adapters.primitives.as_row` / `from_row`); only what differs from the
class is spelled out here (an adult's prefixed columns, a child's families, weekdays).
"""

from __future__ import annotations

from datetime import time
from typing import Any

import attrs
from sqlalchemy import Row

from famille.adapters.primitives import as_row, from_row
from famille.kernel.families.directory import child_search_text, family_search_text
from famille.kernel.families.model import Adult, Child, Family
from famille.kernel.shared.organisations import Service

Values = dict[str, Any]










def service_to_values(service: Service) -> Values:
    """The row of a service."""
    return as_row(service, weekdays=weekdays_to_text(service.weekdays), opens_at=_hhmm(service.opens_at),
                  closes_at=_hhmm(service.closes_at))


def service_from_row(row: Row[Any]) -> Service:
    """The service of a row of `services`."""
    return from_row(row, Service, weekdays=weekdays_from_text(row.weekdays),
                    opens_at=time.fromisoformat(row.opens_at) if row.opens_at else None,
                    closes_at=time.fromisoformat(row.closes_at) if row.closes_at else None)


def _hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def weekdays_to_text(weekdays: tuple[int, ...]) -> str:
    """Opening weekdays as stored: ISO numbers, « 1,2,4,5 » for Monday, Tuesday, Thursday, Friday."""
    return ",".join(str(day + 1) for day in sorted(set(weekdays)))


def weekdays_from_text(text: str) -> tuple[int, ...]:
    """The stored ISO weekdays back as 0-based weekdays (0 = Monday)."""
    return tuple(int(part) - 1 for part in text.split(",") if part.strip())


_ADULT_FIELDS = tuple(a.name for a in attrs.fields(Adult))


def adult_to_values(prefix: str, adult: Adult | None) -> Values:
    """The `<prefix>_*` columns of an adult; all None when there is none."""
    values = as_row(adult) if adult else dict.fromkeys(_ADULT_FIELDS)
    return {f"{prefix}_{name}": value for name, value in values.items()}


def adult_from_row(prefix: str, row: Row[Any]) -> Adult | None:
    """The adult of the `<prefix>_*` columns, or None when they are empty."""
    mapping = row._mapping
    if mapping[f"{prefix}_nom"] is None:
        return None
    return from_row({name: mapping[f"{prefix}_{name}"] for name in _ADULT_FIELDS}, Adult)


def family_to_values(family: Family) -> Values:
    """The row of a family, with the responsable's and the conjoint's columns."""
    return {
        "id": family.id,
        "organisation_code": family.organisation_code,
        "number": family.number,
        "organisme_rattachement": family.organisme_rattachement,
        **adult_to_values("responsable", family.responsable),
        **adult_to_values("conjoint", family.conjoint),
        "search_text": family_search_text(family),
    }


def family_from_row(row: Row[Any]) -> Family:
    """The family of a row of `families`."""
    responsable = adult_from_row("responsable", row)
    assert responsable is not None  # the columns are NOT NULL
    return Family(
        id=row.id,
        organisation_code=row.organisation_code,
        number=row.number,
        responsable=responsable,
        conjoint=adult_from_row("conjoint", row),
        organisme_rattachement=row.organisme_rattachement,
    )


def child_to_values(child: Child) -> Values:
    """The row of a child (its links to families go to `child_families`)."""
    values = as_row(child, search_text=child_search_text(child))
    del values["family_ids"]
    return values


def child_from_row(row: Row[Any], family_ids: tuple[str, ...]) -> Child:
    """The child of a row of `children`, with the ids of its families in order."""
    return from_row(row, Child, family_ids=family_ids)
