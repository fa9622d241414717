"""Requests as the pages show them: tables of the guide (one column per field) and agents' before/after.

A deletion request carries only the id of what it deletes; its table row shows
the item itself (from `before` once accepted, else from the record), so a family
and an agent both read who or what is to be removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from famille.adapters.primitives import as_json
from famille.adapters.web.families.record_fields import DELETIONS, EMPTY, INPUTS, Input
from famille.kernel.families.records import ChildRecord
from famille.kernel.families.requests import ChangeRequest, RequestKind

#: Ids and bookkeeping a request carries that nobody needs to read.
HIDDEN = frozenset({"id", "person_id", "allergy_id", "photo_id", "content_type", "position"})
Items = Mapping[str, Mapping[str, Any]]


@attrs.frozen
class Row:
    """One request in a table: its cells in the table's column order."""

    request: ChangeRequest
    cells: tuple[str, ...]
    child_name: str | None = None


@attrs.frozen
class Table:
    """Requests of one kind and status, one column per field any of them changes."""

    columns: tuple[Input, ...]
    rows: tuple[Row, ...]


@attrs.frozen
class DiffLine:
    """One field of a request as an agent examines it."""

    label: str
    before: str
    after: str
    changed: bool


def items_of(records: Iterable[ChildRecord]) -> dict[str, dict[str, Any]]:
    """The authorised persons and allergies of the records, by id (what a deletion names)."""
    found: dict[str, dict[str, Any]] = {}
    for record in records:
        for item in (*record.sections.autorisations, *record.sections.allergies):
            found[item.id] = {k: v for k, v in as_json(item).items() if k != "id"}
    return found


def values_of(request: ChangeRequest, items: Items) -> dict[str, Any]:
    """The fields a request shows: its changes, or for a deletion the item it deletes."""
    if request.kind in DELETIONS:
        if request.before:
            return dict(request.before)
        item_id = request.changes.get("person_id") or request.changes.get("allergy_id")
        return dict(items.get(str(item_id), {}))
    if request.kind is RequestKind.PHOTO:
        return {"photo": "Nouvelle photo"}
    return dict(request.changes)


def table(requests: Sequence[ChangeRequest], items: Items, child_names: Mapping[str, str] | None = None) -> Table:
    """The guide's table of these requests (all of one kind, or of kinds sharing their fields)."""
    if not requests:
        return Table((), ())
    inputs = INPUTS[requests[0].kind]
    values = [values_of(r, items) for r in requests]
    present = {name for v in values for name in v}
    columns = tuple(spec for spec in inputs if spec.name in present)
    names = child_names or {}
    rows = tuple(
        Row(request, tuple(spec.shown(v.get(spec.name)) if spec.name in v else "" for spec in columns),
            names.get(request.child_id or ""))
        for request, v in zip(requests, values, strict=True)
    )
    return Table(columns, rows)


def diff(request: ChangeRequest, before: Mapping[str, Any], items: Items) -> list[DiffLine]:
    """Each field a request touches: its value now (or when accepted) and the one asked for."""
    inputs = INPUTS[request.kind]
    if request.kind in DELETIONS:
        shown = before or values_of(request, items)
        return [DiffLine(spec.label, spec.shown(shown.get(spec.name)), "Supprimé", True)
                for spec in inputs if spec.name in shown]
    if request.kind is RequestKind.PHOTO:
        had = bool(before.get("photo_id"))
        return [DiffLine("Photo", "Photo actuelle" if had else "Aucune photo", "Nouvelle photo (ci-dessous)", True)]
    lines = []
    for spec in inputs:
        if spec.name in HIDDEN or spec.name not in request.changes:
            continue
        old, new = before.get(spec.name), request.changes.get(spec.name)
        lines.append(DiffLine(spec.label, spec.shown(old) if spec.name in before else EMPTY, spec.shown(new),
                              spec.shown(old) != spec.shown(new)))
    return lines
