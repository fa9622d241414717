"""Bodies of the record forms and of agents' decisions, structured and normalised at the edge.

Each form's body is derived from its section's class (`body_of`) and read by the API's one
converter. Each form is partial: only the fields sent are asked to change (`null` or `""`
empties an optional field). Types are strict (no "oui" for a boolean, no "12"
for a number), unknown fields are refused, strings are bounded. Telephone
numbers become E.164 (`phonenumbers`, French numbers written nationally
accepted), e-mail addresses are checked (`email-validator`, no DNS lookup),
IBAN and BIC are checked (`schwifty`) and the BIC is derived from a French IBAN
when none is given. The kernel then checks what each kind of request may carry.
"""

from __future__ import annotations

from typing import Any, Optional

import attrs
import falcon
import phonenumbers
from email_validator import EmailNotValidError, validate_email
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from famille.adapters.http.payloads import RecordDate, load_sent, text
from famille.kernel.families.changes import SECTIONS
from famille.kernel.families.fields import family_fields, section_fields
from famille.kernel.families.requests import RequestKind
from famille.kernel.shared.errors import FieldError, ValidationFailed

Str = str | None

#: The JSON type of each kind of field; decimals, dates and choices travel as strings.
_WIRE: dict[str, Any] = {"yesno": bool, "int": int, "date": RecordDate}


def body_of(section: type, name: str) -> type:
    """The body of a section's form: every field a family may change, each optional (only what is sent changes).

    Derived from the section's declaration (`famille.kernel.families.fields`): adding a
    field to the section adds it here, with its JSON type and its length limit.
    """
    fields = {
        f.name: attrs.field(type=Optional[_WIRE.get(f.kind) or text(f.info.max_length)], default=None)  # noqa: UP045
        for f in family_fields(section)
    }
    body = attrs.make_class(name, fields, frozen=True)
    body.__doc__ = f"The form of « {section.__doc__ or name} », as a request body."
    body.__module__ = __name__
    return body


AdultBody = body_of(SECTIONS[RequestKind.RESPONSABLE], "AdultBody")  # POST /api/v1/account/responsable and /conjoint
FiscalesBody = body_of(SECTIONS[RequestKind.FISCALES], "FiscalesBody")  # POST /api/v1/account/fiscales
CafBody = body_of(SECTIONS[RequestKind.CAF], "CafBody")  # POST /api/v1/account/caf
BancairesBody = body_of(SECTIONS[RequestKind.BANCAIRES], "BancairesBody")  # POST /api/v1/account/bancaires
ChildIdentityBody = body_of(SECTIONS[RequestKind.IDENTITE_ENFANT], "ChildIdentityBody")  # POST /api/v1/children, PUT /children/{id}/identity
AuthorisationBody = body_of(SECTIONS[RequestKind.AUTORISATION_AJOUT], "AuthorisationBody")  # POST /children/{id}/authorisations
ComplementairesBody = body_of(SECTIONS[RequestKind.COMPLEMENTAIRES], "ComplementairesBody")  # PUT /children/{id}/complementaires
PratiqueBody = body_of(SECTIONS[RequestKind.PRATIQUE_ALIMENTAIRE], "PratiqueBody")  # PUT /children/{id}/pratique-alimentaire
AllergyBody = body_of(SECTIONS[RequestKind.ALLERGIE_AJOUT], "AllergyBody")  # POST /children/{id}/allergies


@attrs.frozen
class DecisionBody:
    """`POST /api/v1/agent/requests/{id}/decision`."""

    accept: bool
    reason: Str = None


#: The fields typed as telephone numbers and as e-mail addresses, in any section.
PHONE_FIELDS = frozenset(f.name for cls in set(SECTIONS.values()) for f in section_fields(cls) if f.kind == "tel")
EMAIL_FIELDS = frozenset(f.name for cls in set(SECTIONS.values()) for f in section_fields(cls) if f.kind == "email")


def load_changes(req: falcon.Request, body_type: type[Any]) -> dict[str, Any]:
    """The fields sent in a form, normalised (phones, e-mail, IBAN/BIC), as a request's changes."""
    body, sent = load_sent(req, body_type)
    return normalise_changes({name: getattr(body, name) for name in sorted(sent)})


def normalise_changes(fields: dict[str, Any]) -> dict[str, Any]:
    """Blank strings as None; phones in E.164, e-mail, IBAN/BIC checked (the web forms use it too)."""
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip() or None
        changes[name] = value
    errors: list[FieldError] = []
    for name, value in list(changes.items()):
        if value is None:
            continue
        try:
            if name in PHONE_FIELDS:
                changes[name] = normalise_phone(value)
            elif name in EMAIL_FIELDS:
                changes[name] = validate_email(value, check_deliverability=False).normalized
            elif name == "iban":
                iban = IBAN(value)
                changes[name] = iban.compact
                if "bic" not in changes and iban.bic is not None:
                    changes["bic"] = str(iban.bic)
            elif name == "bic":
                changes[name] = str(BIC(value))
        except (ValueError, EmailNotValidError, SchwiftyException):
            errors.append(FieldError(name, f"Champ « {name} » : {_INVALID.get(name, 'valeur invalide')}."))
    if errors:
        raise ValidationFailed(errors)
    return changes


_INVALID = {
    **{name: "numéro de téléphone invalide" for name in PHONE_FIELDS},
    **{name: "adresse électronique invalide" for name in EMAIL_FIELDS},
    "iban": "IBAN invalide",
    "bic": "BIC invalide",
}


def normalise_phone(value: str) -> str:
    """A valid telephone number in E.164 (`+33612345678`); `ValueError` otherwise."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        raise ValueError(value) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
