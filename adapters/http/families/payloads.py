"""Bodies of the record forms and of agents' decisions, structured and normalised at the edge.

Each form is partial: only the fields sent are asked to change (`null` or `""`
empties an optional field). Types are strict (no "oui" for a boolean, no "12"
for a number), unknown fields are refused, strings are bounded. Telephone
numbers become E.164 (`phonenumbers`, French numbers written nationally
accepted), e-mail addresses are checked (`email-validator`, no DNS lookup),
IBAN and BIC are checked (`schwifty`) and the BIC is derived from a French IBAN
when none is given. The kernel then checks what each kind of request may carry.
"""

from __future__ import annotations

from typing import Any

import attrs
import falcon
import phonenumbers
from email_validator import EmailNotValidError, validate_email
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from famille.adapters.http.payloads import load_sent
from famille.kernel.shared.errors import FieldError, ValidationFailed

Str = str | None
Bool = bool | None
Int = int | None


@attrs.frozen
class AdultBody:
    """`POST /api/v1/account/responsable` and `/conjoint`."""

    civilite: Str = None
    nom: Str = None
    prenom: Str = None
    qualite: Str = None
    situation: Str = None
    adresse: Str = None
    complement_adresse_1: Str = None
    complement_adresse_2: Str = None
    lieu_dit: Str = None
    code_postal: Str = None
    ville: Str = None
    telephone_domicile: Str = None
    telephone_professionnel: Str = None
    mobile: Str = None
    email: Str = None
    profession: Str = None
    csp: Str = None
    employeur: Str = None
    adresse_employeur: Str = None
    autorisation_courriel: Bool = None
    autorisation_sms: Bool = None


@attrs.frozen
class FiscalesBody:
    """`POST /api/v1/account/fiscales`; amounts as decimal strings."""

    numero_fiscal: Str = None
    revenu_fiscal_reference: Str = None
    nombre_parts: Str = None


@attrs.frozen
class CafBody:
    """`POST /api/v1/account/caf`."""

    numero_allocataire: Str = None
    quotient_familial: Int = None


@attrs.frozen
class BancairesBody:
    """`POST /api/v1/account/bancaires`."""

    nom_banque: Str = None
    titulaire: Str = None
    iban: Str = None
    bic: Str = None
    prelevement: Bool = None


@attrs.frozen
class ChildIdentityBody:
    """`POST /api/v1/children` (ajout enfant) and `PUT /api/v1/children/{id}/identity`."""

    nom: Str = None
    prenom: Str = None
    sexe: Str = None
    date_naissance: Str = None
    lieu_naissance: Str = None
    scolarite: Str = None


@attrs.frozen
class AuthorisationBody:
    """`POST /api/v1/children/{id}/authorisations`."""

    nom: Str = None
    prenom: Str = None
    lien: Str = None
    telephone: Str = None
    mobile: Str = None


@attrs.frozen
class ComplementairesBody:
    """`PUT /api/v1/children/{id}/complementaires`."""

    lunettes: Bool = None
    appareil_dentaire: Bool = None
    appareil_auditif: Bool = None
    accord_hospitalisation: Bool = None
    prise_photos: Bool = None
    partir_seul: Bool = None
    sorties_scolaires: Bool = None
    compagnie_assurance: Str = None
    numero_assurance: Str = None


@attrs.frozen
class PratiqueBody:
    """`PUT /api/v1/children/{id}/pratique-alimentaire`."""

    libelle: Str = None
    commentaire: Str = None


@attrs.frozen
class AllergyBody:
    """`POST /api/v1/children/{id}/allergies`."""

    type: Str = None
    observations: Str = None
    date: Str = None
    medecin: Str = None


@attrs.frozen
class DecisionBody:
    """`POST /api/v1/agent/requests/{id}/decision`."""

    accept: bool
    reason: Str = None


PHONE_FIELDS = frozenset({"telephone", "telephone_domicile", "telephone_professionnel", "mobile"})


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
            elif name == "email":
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
    "email": "adresse électronique invalide",
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
