"""The fields of the record forms: labels, how each is typed in, read back, shown and compared.

One `Input` per field a request may carry, derived from the section's class
(`inputs_of`: label, kind, choices, hint from the field's declaration), named like the
kernel's field (so a `FieldError` lands beside it). A posted form becomes a request's changes here:
each value is read by its kind (Oui/Non, a list, a number, a date), then
phones, e-mail and IBAN/BIC are checked and normalised by the API's own
`normalise_changes`, and only what differs from the record is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs
import phonenumbers

from famille.adapters.http.families.payloads import PHONE_FIELDS, normalise_changes
from famille.adapters.web.forms import Form
from famille.kernel.families.changes import SECTIONS
from famille.kernel.families.fields import family_fields
from famille.kernel.families.requests import RequestKind
from famille.kernel.shared.dates import LAST_YEAR, RECORD_FIRST_YEAR, DateRefused, read_day
from famille.kernel.shared.errors import FieldError, ValidationFailed

YES, NO = "oui", "non"
EMPTY = "—"


@attrs.frozen
class Input:
    """One field of a form: `kind` is text, tel, email, textarea, yesno, select, int, decimal or date."""

    name: str
    label: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = False
    autocomplete: str | None = None
    hint: str | None = None
    wide: bool = False

    def shown(self, value: Any) -> str:
        """A stored value as a page shows it (« Oui », « 06 12 34 56 78 », « 01/05/2015 »)."""
        if value is None or value == "":
            return EMPTY
        if isinstance(value, bool):
            return "Oui" if value else "Non"
        if self.kind == "tel":
            return phone_shown(str(value)).replace(" ", "\u00a0")  # a number never breaks across lines
        if self.kind == "date":
            try:
                return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
            except ValueError:
                return str(value)
        if self.kind == "decimal":
            return str(value).replace(".", ",")
        return str(value)

    def typed(self, value: Any) -> str:
        """A stored value as the form shows it in its input, to be changed."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return YES if value else NO
        if self.kind == "tel":
            return phone_shown(str(value))
        if self.kind == "decimal":
            return str(value).replace(".", ",")
        return str(value)


def phone_shown(value: str) -> str:
    """« +33612345678 » as « 06 12 34 56 78 » (foreign numbers stay international)."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 33
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)


def inputs_of(section: type) -> tuple[Input, ...]:
    """The inputs of a section's form: every field a family may change, as its class declares it."""
    return tuple(Input(f.name, f.label, f.kind, f.choices, f.info.required, f.info.autocomplete, f.info.hint,
                       f.info.wide) for f in family_fields(section))


ADULT = inputs_of(SECTIONS[RequestKind.RESPONSABLE])
FISCALES = inputs_of(SECTIONS[RequestKind.FISCALES])
CAF = inputs_of(SECTIONS[RequestKind.CAF])
BANCAIRES = inputs_of(SECTIONS[RequestKind.BANCAIRES])
AUTORISATION = inputs_of(SECTIONS[RequestKind.AUTORISATION_AJOUT])
COMPLEMENTAIRES = inputs_of(SECTIONS[RequestKind.COMPLEMENTAIRES])
PRATIQUE = inputs_of(SECTIONS[RequestKind.PRATIQUE_ALIMENTAIRE])
ALLERGIE = inputs_of(SECTIONS[RequestKind.ALLERGIE_AJOUT])
IDENTITE = inputs_of(SECTIONS[RequestKind.IDENTITE_ENFANT])
PHOTO = (Input("photo", "Photo"),)

#: The fields each kind of request shows (a deletion shows the item it deletes).
INPUTS: dict[RequestKind, tuple[Input, ...]] = {
    RequestKind.RESPONSABLE: ADULT,
    RequestKind.CONJOINT: ADULT,
    RequestKind.FISCALES: FISCALES,
    RequestKind.CAF: CAF,
    RequestKind.BANCAIRES: BANCAIRES,
    RequestKind.AJOUT_ENFANT: IDENTITE,
    RequestKind.IDENTITE_ENFANT: IDENTITE,
    RequestKind.AUTORISATION_AJOUT: AUTORISATION,
    RequestKind.AUTORISATION_SUPPRESSION: AUTORISATION,
    RequestKind.COMPLEMENTAIRES: COMPLEMENTAIRES,
    RequestKind.PRATIQUE_ALIMENTAIRE: PRATIQUE,
    RequestKind.ALLERGIE_AJOUT: ALLERGIE,
    RequestKind.ALLERGIE_SUPPRESSION: ALLERGIE,
    RequestKind.PHOTO: PHOTO,
}
DELETIONS = frozenset({RequestKind.AUTORISATION_SUPPRESSION, RequestKind.ALLERGIE_SUPPRESSION})
#: Kernel field names that a form shows under another input.
ALIASES = {"pratique_alimentaire": "libelle"}

_DECIMAL = re.compile(r"^\d+([.,]\d+)?$")
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def read_form(inputs: Iterable[Input], fields: Mapping[str, str], form: Form) -> dict[str, Any]:
    """The posted values typed as the kernel wants them; errors go onto `form` beside their field."""
    values: dict[str, Any] = {}
    for spec in inputs:
        raw = fields.get(spec.name, "").strip()
        form.values[spec.name] = fields.get(spec.name, "")
        if not raw:
            if spec.required:
                form.add(spec.name, _missing(spec))
            elif spec.kind == "yesno":
                form.add(spec.name, f"Choisissez Oui ou Non pour « {spec.label} ».")
            else:
                values[spec.name] = None
            continue
        value, problem = _read(spec, raw)
        if problem:
            form.add(spec.name, problem)
        else:
            values[spec.name] = value
    return values


def _missing(spec: Input) -> str:
    if spec.kind == "select":
        return f"Choisissez : {spec.label.lower()}."
    return f"Saisissez : {spec.label.lower()}."


def _read(spec: Input, raw: str) -> tuple[Any, str | None]:
    if spec.kind == "yesno":
        if raw in (YES, NO):
            return raw == YES, None
        return None, f"Choisissez Oui ou Non pour « {spec.label} »."
    if spec.kind == "select":
        return (raw, None) if raw in spec.choices else (None, "Choisissez une valeur de la liste.")
    if spec.kind == "int":
        compact = raw.replace(" ", "").replace("\u202f", "")
        if compact.isdigit() and len(compact) < 10:
            return int(compact), None
        return None, "Saisissez un nombre entier, sans virgule, par exemple 850."
    if spec.kind == "decimal":
        compact = raw.replace(" ", "").replace("\u202f", "").replace("\u00a0", "")
        if _DECIMAL.fullmatch(compact) and len(compact) <= 20:
            return compact.replace(",", "."), None
        return None, "Saisissez un nombre, par exemple 28 500 ou 2,5."
    if spec.kind == "date":
        found = _FR_DATE.fullmatch(raw)
        iso = f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}" if found else raw
        try:
            day = read_day(iso, since=RECORD_FIRST_YEAR)
        except DateRefused:
            return None, (f"Saisissez une date valide entre {RECORD_FIRST_YEAR} et {LAST_YEAR}, "
                          "par exemple 01/05/2015.")
        return day.isoformat(), None
    if len(raw) > 1000:
        return None, "1000 caractères au plus."
    return raw, None


def normalised(values: dict[str, Any], form: Form) -> dict[str, Any] | None:
    """Phones in E.164, e-mail and IBAN/BIC checked (by the API's rules); None when one is wrong."""
    if values.get("iban") and not values.get("bic"):
        values = {k: v for k, v in values.items() if k != "bic"}  # let the BIC come from the IBAN
    try:
        return dict(normalise_changes(values))
    except ValidationFailed as refused:
        for error in refused.errors:
            form.add(error.field, INVALID.get(error.field, error.message))
        return None


INVALID = {
    **{name: "Ce numéro de téléphone n'est pas valide : écrivez-le par exemple 06 12 34 56 78."
       for name in PHONE_FIELDS},
    "email": "Cette adresse de courriel n'est pas valide : écrivez-la par exemple prenom.nom@exemple.fr.",
    "iban": "Cet IBAN n'est pas valide : vérifiez-le sur votre relevé d'identité bancaire (RIB).",
    "bic": "Ce BIC n'est pas valide : laissez-le vide, il sera déduit de l'IBAN.",
}


def differences(inputs: Iterable[Input], values: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """Only the fields whose value differs from the record's."""
    kinds = {spec.name: spec.kind for spec in inputs}
    return {name: value for name, value in values.items()
            if not _same(kinds.get(name, "text"), value, current.get(name))}


def _same(kind: str, new: Any, old: Any) -> bool:
    if kind == "decimal" and new is not None and old is not None:
        try:
            return Decimal(str(new)) == Decimal(str(old))
        except InvalidOperation:
            return False
    return bool(new == old or (new in (None, "") and old in (None, "")))


def absorb(form: Form, refused: ValidationFailed, inputs: Iterable[Input]) -> None:
    """Place the kernel's refusals beside their fields (aliases resolved; others on top)."""
    names = {spec.name for spec in inputs}
    for error in refused.errors:
        field = ALIASES.get(error.field, error.field)
        form.add_field_error(FieldError(field, error.message, error.rule_id), names)


def form_values(inputs: Iterable[Input], current: Mapping[str, Any]) -> dict[str, str]:
    """The record's values as the form's inputs show them."""
    return {spec.name: spec.typed(current.get(spec.name)) for spec in inputs}
