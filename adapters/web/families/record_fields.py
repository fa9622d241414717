"""The fields of the record forms: labels, how each is typed in, read back, shown and compared.

One `Input` per field a request may carry, named like the kernel's field (so a
`FieldError` lands beside it). A posted form becomes a request's changes here:
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
from famille.kernel.families.model import Civilite
from famille.kernel.families.records import PRATIQUES, AllergyType, Lien
from famille.kernel.families.requests import RequestKind
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


def _text(name: str, label: str, **options: Any) -> Input:
    return Input(name, label, **options)


_PHONE_HINT = "Par exemple 06 12 34 56 78."
ADULT = (
    Input("civilite", "Civilité", "select", choices=tuple(c.value for c in Civilite)),
    _text("nom", "Nom", required=True, autocomplete="family-name"),
    _text("prenom", "Prénom", required=True, autocomplete="given-name"),
    _text("qualite", "Qualité", hint="Père, Mère, Tuteur…"),
    _text("situation", "Situation"),
    _text("adresse", "Adresse", autocomplete="address-line1", wide=True),
    _text("complement_adresse_1", "Complément d'adresse 1", hint="Appartement, boîte aux lettres",
          autocomplete="address-line2"),
    _text("complement_adresse_2", "Complément d'adresse 2", hint="Entrée, bâtiment, immeuble",
          autocomplete="address-line3"),
    _text("lieu_dit", "Lieu-dit", hint="Poste restante, BP, lieu-dit"),
    _text("code_postal", "Code postal", autocomplete="postal-code"),
    _text("ville", "Ville", autocomplete="address-level2"),
    Input("telephone_domicile", "Téléphone domicile", "tel", autocomplete="tel", hint=_PHONE_HINT),
    Input("telephone_professionnel", "Téléphone professionnel", "tel"),
    Input("mobile", "Mobile", "tel", autocomplete="tel", hint=_PHONE_HINT),
    Input("email", "Courriel", "email", autocomplete="email"),
    _text("profession", "Profession", autocomplete="organization-title"),
    _text("csp", "CSP", hint="Catégorie socio-professionnelle"),
    _text("employeur", "Employeur"),
    _text("adresse_employeur", "Adresse employeur", wide=True),
    Input("autorisation_courriel", "Autorisation courriel", "yesno",
          hint="Recevoir les messages de la commune par courriel."),
    Input("autorisation_sms", "Autorisation SMS", "yesno", hint="Recevoir les messages de la commune par SMS."),
)
FISCALES = (
    _text("numero_fiscal", "Numéro fiscal"),
    Input("revenu_fiscal_reference", "Revenu fiscal de référence (€)", "decimal", hint="Par exemple 28 500"),
    Input("nombre_parts", "Nombre de parts", "decimal", hint="Par exemple 2,5"),
)
CAF = (
    _text("numero_allocataire", "Numéro d'allocataire CAF"),
    Input("quotient_familial", "Quotient familial", "int", hint="Un nombre entier, par exemple 850."),
)
BANCAIRES = (
    _text("nom_banque", "Nom de la banque"),
    _text("titulaire", "Titulaire du compte", autocomplete="name"),
    _text("iban", "IBAN", hint="Par exemple FR76 3000 6000 0112 3456 7890 189.", wide=True),
    _text("bic", "BIC", hint="Laissez vide : il est déduit de l'IBAN."),
    Input("prelevement", "Prélèvement automatique des factures", "yesno"),
)
AUTORISATION = (
    _text("nom", "Nom", required=True),
    _text("prenom", "Prénom", required=True),
    Input("telephone", "Téléphone", "tel", hint="Le téléphone ou le mobile : l'un des deux au moins."),
    Input("mobile", "Mobile", "tel", hint=_PHONE_HINT),
    Input("lien", "Lien de parenté", "select", choices=tuple(x.value for x in Lien), required=True),
)
COMPLEMENTAIRES = (
    Input("lunettes", "Port de lunettes", "yesno"),
    Input("appareil_dentaire", "Port d'un appareil dentaire", "yesno"),
    Input("appareil_auditif", "Port d'un appareil auditif", "yesno"),
    Input("accord_hospitalisation", "Accord d'hospitalisation en cas d'urgence", "yesno"),
    Input("prise_photos", "Autorise la prise de photos", "yesno"),
    Input("partir_seul", "Autorise à partir seul", "yesno"),
    Input("sorties_scolaires", "Autorise les sorties scolaires", "yesno"),
    _text("compagnie_assurance", "Compagnie d'assurance"),
    _text("numero_assurance", "N° de la compagnie", hint="Le numéro du contrat d'assurance."),
)
PRATIQUE = (
    Input("libelle", "Pratique alimentaire", "select", choices=PRATIQUES, required=True,
          hint="« --Aucun-- » signifie repas normal."),
    Input("commentaire", "Commentaire", "textarea", wide=True),
)
ALLERGIE = (
    Input("type", "Type d'allergie", "select", choices=tuple(t.value for t in AllergyType), required=True),
    Input("observations", "Observations", "textarea", wide=True,
          hint="Les réactions, la conduite à tenir, le traitement à donner."),
    Input("date", "Date de l'allergie", "date"),
    _text("medecin", "Médecin"),
)
IDENTITE = (
    _text("nom", "Nom"), _text("prenom", "Prénom"), Input("sexe", "Sexe", "select", choices=("F", "M")),
    Input("date_naissance", "Date de naissance", "date"), _text("lieu_naissance", "Lieu de naissance"),
    _text("scolarite", "Scolarité"),
)
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
        try:
            day = (date(int(found[3]), int(found[2]), int(found[1])) if found else date.fromisoformat(raw))
        except ValueError:
            return None, "Saisissez une date valide, par exemple 01/05/2015."
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
