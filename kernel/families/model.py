"""Families: the responsable, the conjoint and the children, as the guide's "fiche famille"."""

from __future__ import annotations

import enum
from datetime import date

import attrs

from famille.kernel.families.fields import ChangedBy, field


class Civilite(enum.Enum):
    """The civilité of an adult."""

    MONSIEUR = "Monsieur"
    MADAME = "Madame"
    MADEMOISELLE = "Mademoiselle"


class Sexe(enum.Enum):
    """A child's sex as the guide writes it."""

    F = "F"
    M = "M"


_PHONE_HINT = "Par exemple 06 12 34 56 78."


@attrs.frozen
class Adult:
    """A responsable or a conjoint, with the fields of the guide's "Mon compte" forms."""

    nom: str = field("Nom", required=True, autocomplete="family-name")
    prenom: str = field("Prénom", required=True, autocomplete="given-name")
    civilite: Civilite | None = field("Civilité", default=None)
    qualite: str | None = field("Qualité", default=None, hint="Père, Mère, Tuteur…")
    situation: str | None = field("Situation", default=None)
    adresse: str | None = field("Adresse", default=None, autocomplete="address-line1", wide=True)
    complement_adresse_1: str | None = field("Complément d'adresse 1", default=None,
                                             hint="Appartement, boîte aux lettres", autocomplete="address-line2")
    complement_adresse_2: str | None = field("Complément d'adresse 2", default=None,
                                             hint="Entrée, bâtiment, immeuble", autocomplete="address-line3")
    lieu_dit: str | None = field("Lieu-dit", default=None, hint="Poste restante, BP, lieu-dit")
    code_postal: str | None = field("Code postal", default=None, autocomplete="postal-code")
    ville: str | None = field("Ville", default=None, autocomplete="address-level2")
    telephone_domicile: str | None = field("Téléphone domicile", default=None, kind="tel", autocomplete="tel",
                                           hint=_PHONE_HINT)
    telephone_professionnel: str | None = field("Téléphone professionnel", default=None, kind="tel")
    mobile: str | None = field("Mobile", default=None, kind="tel", autocomplete="tel", hint=_PHONE_HINT)
    email: str | None = field("Courriel", default=None, kind="email", autocomplete="email")
    profession: str | None = field("Profession", default=None, autocomplete="organization-title")
    csp: str | None = field("CSP", default=None, hint="Catégorie socio-professionnelle")
    employeur: str | None = field("Employeur", default=None)
    adresse_employeur: str | None = field("Adresse employeur", default=None, wide=True)
    autorisation_courriel: bool = field("Autorisation courriel", default=False,
                                        hint="Recevoir les messages de la commune par courriel.")
    autorisation_sms: bool = field("Autorisation SMS", default=False,
                                   hint="Recevoir les messages de la commune par SMS.")

    @property
    def full_name(self) -> str:
        """"PRENOM NOM", as the home page greets."""
        return f"{self.prenom} {self.nom}"


@attrs.frozen
class Family:
    """A household: one responsable (who holds the account), maybe a conjoint.

    Separated parents each have their own family record; a child may belong to both.
    """

    id: str
    organisation_code: str
    number: str  # N° famille
    responsable: Adult
    conjoint: Adult | None = None
    organisme_rattachement: str | None = None


@attrs.frozen
class Child:
    """A child enrolled in periscolaire services; `family_ids` are the households responsible for it.

    Its photo and its prélèvement are not copied here: they are read from the accepted
    records (`ChildSections.photo_id`, the family's `BankInfo.prelevement`).
    """

    id: str
    organisation_code: str
    nom: str = field("Nom", required=True)
    prenom: str = field("Prénom", required=True)
    sexe: Sexe = field("Sexe", required=True)
    date_naissance: date = field("Date de naissance", required=True)
    family_ids: tuple[str, ...] = field("Familles", changed_by=ChangedBy.PORTAL)
    lieu_naissance: str | None = field("Lieu de naissance", default=None)
    scolarite: str | None = field("Scolarité", default=None)

    def age_on(self, day: date) -> int:
        """Age in whole years on `day`."""
        had_birthday = (day.month, day.day) >= (self.date_naissance.month, self.date_naissance.day)
        return day.year - self.date_naissance.year - (0 if had_birthday else 1)
