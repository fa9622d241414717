"""Families: the responsable, the conjoint and the children, as the guide's "fiche famille"."""

from __future__ import annotations

import enum
from datetime import date

import attrs


class Civilite(enum.Enum):
    """The civilité of an adult."""

    MONSIEUR = "Monsieur"
    MADAME = "Madame"
    MADEMOISELLE = "Mademoiselle"


class Sexe(enum.Enum):
    """A child's sex as the guide writes it."""

    F = "F"
    M = "M"


@attrs.frozen
class Adult:
    """A responsable or a conjoint, with the fields of the guide's "Mon compte" forms."""

    nom: str
    prenom: str
    civilite: Civilite | None = None
    qualite: str | None = None  # Père, Mère, ...
    situation: str | None = None
    adresse: str | None = None
    complement_adresse_1: str | None = None
    complement_adresse_2: str | None = None
    lieu_dit: str | None = None
    code_postal: str | None = None
    ville: str | None = None
    telephone_domicile: str | None = None
    telephone_professionnel: str | None = None
    mobile: str | None = None
    email: str | None = None
    profession: str | None = None
    csp: str | None = None
    employeur: str | None = None
    adresse_employeur: str | None = None
    autorisation_courriel: bool = False
    autorisation_sms: bool = False

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
    nom: str
    prenom: str
    sexe: Sexe
    date_naissance: date
    family_ids: tuple[str, ...]
    lieu_naissance: str | None = None
    scolarite: str | None = None

    def age_on(self, day: date) -> int:
        """Age in whole years on `day`."""
        had_birthday = (day.month, day.day) >= (self.date_naissance.month, self.date_naissance.day)
        return day.year - self.date_naissance.year - (0 if had_birthday else 1)
