"""JSON Schemas of the record sections, generated from their classes and merged into the OpenAPI document.

openapi.yaml keeps the prose: operations, descriptions, the envelopes of the answers. The
schemas of the sections are not written there: each is derived here from the section's
attrs class and its field declarations (`famille.kernel.families.fields`), for its form
(`<Name>Form`, the request body: only what a family may change, each field optional and
nullable unless required) and for its view (the JSON the API answers: every field).
"""

from __future__ import annotations

import enum
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from famille.kernel.families.changes import SECTIONS
from famille.kernel.families.fields import METADATA_KEY, FieldInfo, family_fields
from famille.kernel.families.requests import RequestKind
from famille.kernel.planning.cells import CellStatus

REF = "#/components/schemas/"

K = RequestKind
#: The view of each section, under its schema name, by the kind of request that changes it.
VIEWS: dict[str, RequestKind] = {
    "Adult": K.RESPONSABLE, "ChildIdentity": K.IDENTITE_ENFANT, "FiscalInfo": K.FISCALES, "CafInfo": K.CAF,
    "BankInfo": K.BANCAIRES, "AuthorisedPerson": K.AUTORISATION_AJOUT, "Complementaires": K.COMPLEMENTAIRES,
    "PratiqueAlimentaire": K.PRATIQUE_ALIMENTAIRE, "Allergy": K.ALLERGIE_AJOUT,
}
#: The form of each section: its schema name, its kind, the fields a whole addition must hold.
FORMS: dict[str, tuple[RequestKind, tuple[str, ...]]] = {
    "AdultForm": (K.RESPONSABLE, ()),
    "FiscalesForm": (K.FISCALES, ()),
    "CafForm": (K.CAF, ()),
    "BancairesForm": (K.BANCAIRES, ()),
    "ChildIdentityForm": (K.IDENTITE_ENFANT, ()),
    "AuthorisationForm": (K.AUTORISATION_AJOUT, ("nom", "prenom", "lien")),
    "ComplementairesForm": (K.COMPLEMENTAIRES, ()),
    "PratiqueForm": (K.PRATIQUE_ALIMENTAIRE, ("libelle",)),
    "AllergyForm": (K.ALLERGIE_AJOUT, ("type",)),
}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    if "type" in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"oneOf": [{"type": "null"}, schema]}


def _value_schema(type_: Any, info: FieldInfo | None) -> dict[str, Any]:
    """The JSON Schema of a value of `type_` as the API writes it (primitives of `adapters.primitives`)."""
    args = typing.get_args(type_)
    if args and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return _nullable(_value_schema(inner, info))
    if info is not None and info.choices:
        return {"enum": list(info.choices)}
    if type_ is bool:
        return {"type": "boolean"}
    if type_ is int:
        return {"type": "integer", "minimum": 0, "maximum": 999_999_999}
    if type_ is Decimal:
        return {"type": "string", "description": "Nombre décimal en chaîne."}
    if type_ is datetime:
        return {"type": "string", "format": "date-time"}
    if type_ is date:
        return {"type": "string", "format": "date"}
    if isinstance(type_, type) and issubclass(type_, enum.Enum):
        return {"enum": [member.value for member in type_]}
    if typing.get_origin(type_) in (tuple, list):
        return {"type": "array", "items": _value_schema(args[0], None)}
    if attrs.has(type_):
        return view_schema(type_)
    return {"type": "string", "maxLength": info.max_length} if info is not None else {"type": "string"}


def _described(schema: dict[str, Any], info: FieldInfo | None) -> dict[str, Any]:
    if info is None:
        return schema
    return {**schema, "description": info.label + (f" ({info.hint})" if info.hint else "")}


def view_schema(cls: type) -> dict[str, Any]:
    """The schema of an attrs value as the API answers it: every field, under its name."""
    hints = typing.get_type_hints(cls)
    properties = {}
    for attribute in attrs.fields(cls):
        info = attribute.metadata.get(METADATA_KEY)
        properties[attribute.name] = _described(_value_schema(hints[attribute.name], info), info)
    return {"type": "object", "required": list(properties), "properties": properties}


def form_schema(cls: type, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The schema of a section's form (its request body), as `families.payloads.body_of` reads it."""
    properties = {}
    for f in family_fields(cls):
        wire: dict[str, Any] = (_value_schema(f.type, f.info) if f.kind in ("yesno", "int", "select")
                                else {"type": "string", "maxLength": f.info.max_length})
        if f.kind == "decimal":
            wire["description"] = "Nombre décimal en chaîne."
        elif f.kind == "date":
            wire["format"] = "date"
        if not f.required:
            wire = _nullable(wire)
        properties[f.name] = _described(wire, f.info)
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def cell_status_schema() -> dict[str, Any]:
    """A status of the planning's legend: its enums are the kernel's `CellStatus`, declared once."""
    return {
        "type": "object", "required": ["code", "label", "slug"],
        "description": "Le statut d'une case, un de la légende du planning (`GET /api/v1/planning/legend`).",
        "properties": {
            "code": {"enum": [s.code for s in CellStatus], "description": "La lettre ou le signe écrit dans la case."},
            "label": {"enum": [s.label for s in CellStatus], "description": "Libellé français de la légende."},
            "slug": {"enum": [s.slug for s in CellStatus]},
        },
    }


def section_schemas() -> dict[str, dict[str, Any]]:
    """Every generated schema, by name: the views and the forms of the record sections, the cell status."""
    schemas = {name: view_schema(SECTIONS[kind]) for name, kind in VIEWS.items()}
    schemas["CellStatus"] = cell_status_schema()
    schemas.update({name: form_schema(SECTIONS[kind], required) for name, (kind, required) in FORMS.items()})
    return schemas


def merged(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with the generated schemas in `components.schemas` (they win over none: a
    schema both written in openapi.yaml and generated is an error)."""
    written = document.setdefault("components", {}).setdefault("schemas", {})
    generated = section_schemas()
    twice = sorted(set(written) & set(generated))
    if twice:
        raise ValueError(f"openapi.yaml writes schemas that are generated from the sections: {twice}")
    written.update(generated)
    return document

