"""What each kind of request may change, and how a change is applied to a record and undone.

A request's `changes` hold JSON-able primitives only (decimals and dates as
strings), so they can be stored and shown as they were sent. `FIELDS` says, per
kind, which fields it may carry and of what type, derived from the section's
declaration (`famille.kernel.families.fields`); `check_changes` refuses
anything else with one `FieldError` per wrong field. `apply_to_family` /
`apply_to_child` return the changed record and the `before` snapshot of the same
fields; `undo_on_family` / `undo_on_child` restore it (the audit's « as of »).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from famille.kernel.families.fields import TEXT_MAX, family_fields
from famille.kernel.families.model import Adult, Child
from famille.kernel.families.records import (
    Allergy,
    AuthorisedPerson,
    BankInfo,
    CafInfo,
    ChildRecord,
    ChildSections,
    Complementaires,
    FamilyRecord,
    FiscalInfo,
    PratiqueAlimentaire,
)
from famille.kernel.families.requests import Changes, Primitive, RequestKind
from famille.kernel.shared.dates import RECORD_FIRST_YEAR, DateRefused, read_day
from famille.kernel.shared.errors import Conflict, FieldError, ValidationFailed


@attrs.frozen
class Field:
    """The type of one field of a request: `kind` is text, bool, int, decimal, date or choice."""

    kind: str
    required: bool = False  # may not be null (and must be present when the kind creates something)
    choices: tuple[str, ...] = ()
    max_length: int = TEXT_MAX
    type: Any = str  # the record's type of the value (an enum, Decimal, date…)


NAME = Field("text", required=True)
_KINDS = {"yesno": "bool", "int": "int", "decimal": "decimal", "date": "date", "select": "choice"}


def request_fields(cls: type) -> dict[str, Field]:
    """The fields a family's request may carry for the section `cls`, from its declaration."""
    return {f.name: Field(_KINDS.get(f.kind, "text"), f.required, f.choices, f.info.max_length, f.type)
            for f in family_fields(cls)}


#: The section each kind of request changes (or adds, for an « ajout »).
SECTIONS: dict[RequestKind, type] = {
    RequestKind.RESPONSABLE: Adult,
    RequestKind.CONJOINT: Adult,
    RequestKind.FISCALES: FiscalInfo,
    RequestKind.CAF: CafInfo,
    RequestKind.BANCAIRES: BankInfo,
    RequestKind.AJOUT_ENFANT: Child,
    RequestKind.IDENTITE_ENFANT: Child,
    RequestKind.AUTORISATION_AJOUT: AuthorisedPerson,
    RequestKind.COMPLEMENTAIRES: Complementaires,
    RequestKind.PRATIQUE_ALIMENTAIRE: PratiqueAlimentaire,
    RequestKind.ALLERGIE_AJOUT: Allergy,
}

#: The fields each kind may carry. `id`, `photo_id` and `content_type` are set by the kernel.
FIELDS: dict[RequestKind, dict[str, Field]] = {
    **{kind: request_fields(cls) for kind, cls in SECTIONS.items()},
    RequestKind.AUTORISATION_AJOUT: {"id": NAME, **request_fields(AuthorisedPerson)},
    RequestKind.ALLERGIE_AJOUT: {"id": NAME, **request_fields(Allergy)},
    RequestKind.AUTORISATION_SUPPRESSION: {"person_id": NAME},
    RequestKind.ALLERGIE_SUPPRESSION: {"allergy_id": NAME},
    RequestKind.PHOTO: {"photo_id": NAME, "content_type": NAME},
}

#: Kinds that create or designate one thing: every field marked required must be present.
_WHOLE = frozenset({RequestKind.AJOUT_ENFANT, RequestKind.AUTORISATION_AJOUT,
                    RequestKind.AUTORISATION_SUPPRESSION, RequestKind.PRATIQUE_ALIMENTAIRE,
                    RequestKind.ALLERGIE_AJOUT, RequestKind.ALLERGIE_SUPPRESSION, RequestKind.PHOTO})


def check_changes(kind: RequestKind, changes: Mapping[str, Any]) -> dict[str, Primitive]:
    """The changes if every field is known and of its type; else `ValidationFailed` naming each field."""
    fields = FIELDS[kind]
    errors = [FieldError(name[:60], f"Champ « {name[:60]} » : inconnu.") for name in changes if name not in fields]
    if kind in _WHOLE:
        errors += [FieldError(name, f"Champ « {name} » : obligatoire.")
                   for name, field in fields.items() if field.required and name not in changes]
    for name, value in changes.items():
        field = fields.get(name)
        if field is not None:
            problem = _problem(field, value)
            if problem:
                errors.append(FieldError(name, f"Champ « {name} » : {problem}."))
    if not changes and not errors:
        errors.append(FieldError("$", "La demande ne contient aucune modification."))
    if errors:
        raise ValidationFailed(errors)
    return dict(changes)


def _problem(field: Field, value: Any) -> str | None:
    """Why `value` does not fit `field`, in French, or None."""
    if value is None:
        return "obligatoire" if field.required else None
    if field.kind == "bool":
        return None if isinstance(value, bool) else "doit valoir vrai ou faux"
    if field.kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9
        return None if ok else "doit être un nombre entier positif"
    if not isinstance(value, str):
        return "doit être une chaîne de caractères"
    if len(value) > field.max_length or "\x00" in value:
        return f"ne doit pas dépasser {field.max_length} caractères"
    if field.required and not value.strip():
        return "obligatoire"
    if field.kind == "decimal":
        return None if _decimal(value) is not None else "doit être un nombre décimal positif"
    if field.kind == "date":
        try:
            read_day(value, since=RECORD_FIRST_YEAR)
        except DateRefused as refused:
            return f"doit être {refused.args[0]}"
    if field.kind == "choice" and value not in field.choices:
        return "doit être l'une des valeurs : " + ", ".join(field.choices)
    return None


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 and len(text) <= 30 else None


# --- primitives <-> values --------------------------------------------------------------------


def primitive(value: Any) -> Primitive:
    """A value of a record as a request stores it."""
    if isinstance(value, enum.Enum):
        return primitive(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"not a primitive: {value!r}")


def _value(kind: RequestKind, name: str, raw: Primitive) -> Any:
    """The record value of a stored primitive, by the type its section declares."""
    if raw is None:
        return None
    wanted = FIELDS[kind][name].type
    if isinstance(wanted, type) and issubclass(wanted, enum.Enum):
        return wanted(raw)
    if wanted is Decimal:
        return Decimal(str(raw))
    if wanted is date:
        return date.fromisoformat(str(raw))
    return raw


def _values(kind: RequestKind, changes: Changes, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {name: _value(kind, name, raw) for name, raw in changes.items() if name not in skip}


def snapshot(obj: Any, names: Any) -> dict[str, Primitive]:
    """The given fields of `obj` (None when `obj` is None) as primitives."""
    return {name: primitive(getattr(obj, name)) if obj is not None else None for name in names}


def as_primitives(obj: Any) -> dict[str, Primitive]:
    """Every field of an attrs value as primitives."""
    return snapshot(obj, [f.name for f in attrs.fields(type(obj))])


# --- applying and undoing ---------------------------------------------------------------------


def apply_to_family(record: FamilyRecord, kind: RequestKind, changes: Changes) -> tuple[FamilyRecord, Changes]:
    """The family record with the change applied, and the `before` of the same fields."""
    family, sections = record.family, record.sections
    before = current_values(record, kind, changes)
    values = _values(kind, changes)
    if kind is RequestKind.RESPONSABLE:
        family = attrs.evolve(family, responsable=attrs.evolve(family.responsable, **values))
    elif kind is RequestKind.CONJOINT:
        family = attrs.evolve(family, conjoint=_new_conjoint(family.conjoint, values))
    elif kind is RequestKind.FISCALES:
        sections = attrs.evolve(sections, fiscales=attrs.evolve(sections.fiscales, **values))
    elif kind is RequestKind.CAF:
        sections = attrs.evolve(sections, caf=attrs.evolve(sections.caf, **values))
    elif kind is RequestKind.BANCAIRES:
        sections = attrs.evolve(sections, bancaires=attrs.evolve(sections.bancaires, **values))
    else:
        raise ValueError(f"{kind} does not change a family")
    return FamilyRecord(family, sections), before


def undo_on_family(record: FamilyRecord, kind: RequestKind, before: Changes) -> FamilyRecord:
    """The family record as it was before an accepted change (its `before` restored)."""
    if kind is RequestKind.CONJOINT:
        merged = {**(as_primitives(record.family.conjoint) if record.family.conjoint else {}), **before}
        conjoint = None if merged.get("nom") is None else Adult(**_values(kind, merged))
        return attrs.evolve(record, family=attrs.evolve(record.family, conjoint=conjoint))
    restored, _ = apply_to_family(record, kind, before)
    return restored


def _new_conjoint(current: Adult | None, values: dict[str, Any]) -> Adult:
    if current is not None:
        return attrs.evolve(current, **values)
    if values.get("nom") is None or values.get("prenom") is None:
        raise ValidationFailed([FieldError("nom", "Indiquez le nom et le prénom du conjoint.")])
    return Adult(**values)


def apply_to_child(record: ChildRecord, kind: RequestKind, changes: Changes) -> tuple[ChildRecord, Changes]:
    """The child record with the change applied, and the `before` of the same fields."""
    child, sections = record.child, record.sections
    before = current_values(record, kind, changes)
    if kind is RequestKind.IDENTITE_ENFANT:
        child = attrs.evolve(child, **_values(kind, changes))
    elif kind is RequestKind.COMPLEMENTAIRES:
        sections = attrs.evolve(sections, complementaires=attrs.evolve(sections.complementaires,
                                                                       **_values(kind, changes)))
    elif kind is RequestKind.PRATIQUE_ALIMENTAIRE:
        sections = attrs.evolve(sections, pratique=attrs.evolve(sections.pratique, **_values(kind, changes)))
    elif kind is RequestKind.PHOTO:
        sections = attrs.evolve(sections, photo_id=str(changes["photo_id"]))
    elif kind is RequestKind.AUTORISATION_AJOUT:
        person = AuthorisedPerson(**_values(kind, changes))
        sections = attrs.evolve(sections, autorisations=(*sections.autorisations, person))
    elif kind is RequestKind.ALLERGIE_AJOUT:
        allergy = Allergy(**_values(kind, changes))
        sections = attrs.evolve(sections, allergies=(*sections.allergies, allergy))
    elif kind is RequestKind.AUTORISATION_SUPPRESSION:
        sections = attrs.evolve(sections, autorisations=_without(
            sections.autorisations, str(changes["person_id"]), "Cette personne autorisée n'existe plus."))
    elif kind is RequestKind.ALLERGIE_SUPPRESSION:
        sections = attrs.evolve(sections, allergies=_without(
            sections.allergies, str(changes["allergy_id"]), "Cette allergie n'existe plus."))
    else:
        raise ValueError(f"{kind} does not change an existing child")
    return ChildRecord(child, sections), before


def undo_on_child(record: ChildRecord, kind: RequestKind, changes: Changes, before: Changes) -> ChildRecord:
    """The child record as it was before an accepted change."""
    sections = record.sections
    if kind is RequestKind.AUTORISATION_AJOUT:
        kept = tuple(p for p in sections.autorisations if p.id != changes["id"])
        return attrs.evolve(record, sections=attrs.evolve(sections, autorisations=kept))
    if kind is RequestKind.ALLERGIE_AJOUT:
        kept_allergies = tuple(a for a in sections.allergies if a.id != changes["id"])
        return attrs.evolve(record, sections=attrs.evolve(sections, allergies=kept_allergies))
    if kind is RequestKind.AUTORISATION_SUPPRESSION:
        person = AuthorisedPerson(**_values(RequestKind.AUTORISATION_AJOUT, before, skip=("position",)))
        items = _insert(sections.autorisations, person, before["position"])
        return attrs.evolve(record, sections=attrs.evolve(sections, autorisations=items))
    if kind is RequestKind.ALLERGIE_SUPPRESSION:
        allergy = Allergy(**_values(RequestKind.ALLERGIE_AJOUT, before, skip=("position",)))
        allergies = _insert(sections.allergies, allergy, before["position"])
        return attrs.evolve(record, sections=attrs.evolve(sections, allergies=allergies))
    if kind is RequestKind.PHOTO:
        previous = before.get("photo_id")
        return attrs.evolve(record, sections=attrs.evolve(sections, photo_id=str(previous) if previous else None))
    restored, _ = apply_to_child(record, kind, before)
    return restored


def current_values(record: FamilyRecord | ChildRecord, kind: RequestKind, changes: Changes) -> dict[str, Primitive]:
    """The current values of the fields a request changes (its « avant »)."""
    if isinstance(record, FamilyRecord):
        family, sections = record.family, record.sections
        target: Any = {
            RequestKind.RESPONSABLE: family.responsable, RequestKind.CONJOINT: family.conjoint,
            RequestKind.FISCALES: sections.fiscales, RequestKind.CAF: sections.caf,
            RequestKind.BANCAIRES: sections.bancaires,
        }[kind]
        return snapshot(target, changes)
    child_sections = record.sections
    if kind is RequestKind.IDENTITE_ENFANT:
        return snapshot(record.child, changes)
    if kind is RequestKind.COMPLEMENTAIRES:
        return snapshot(child_sections.complementaires, changes)
    if kind is RequestKind.PRATIQUE_ALIMENTAIRE:
        return snapshot(child_sections.pratique, changes)
    if kind is RequestKind.PHOTO:
        return {"photo_id": child_sections.photo_id}
    if kind is RequestKind.AUTORISATION_SUPPRESSION:
        return _located(child_sections.autorisations, changes.get("person_id"))
    if kind is RequestKind.ALLERGIE_SUPPRESSION:
        return _located(child_sections.allergies, changes.get("allergy_id"))
    return {}  # an addition had nothing before it


def _located(items: tuple[Any, ...], item_id: Primitive) -> dict[str, Primitive]:
    for position, item in enumerate(items):
        if item.id == item_id:
            return {**as_primitives(item), "position": position}
    return {}


def _without(items: tuple[Any, ...], item_id: str, gone: str) -> tuple[Any, ...]:
    if not any(item.id == item_id for item in items):
        raise Conflict(gone)
    return tuple(item for item in items if item.id != item_id)


def _insert(items: tuple[Any, ...], item: Any, position: Primitive) -> tuple[Any, ...]:
    index = position if isinstance(position, int) else len(items)
    return (*items[:index], item, *items[index:])


def new_child(changes: Changes, *, child_id: str, organisation_code: str, family_id: str) -> ChildRecord:
    """The record of a child added by an accepted « ajout enfant »."""
    values = _values(RequestKind.AJOUT_ENFANT, changes)
    child = Child(id=child_id, organisation_code=organisation_code, family_ids=(family_id,), **values)
    return ChildRecord(child, ChildSections())
