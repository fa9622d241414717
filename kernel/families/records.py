"""The sections of a family's and a child's record ("Mon compte", "Mes enfants").

A family's record is its `Family` (responsable, conjoint) plus fiscal, CAF and bank
sections; a child's is its `Child` (identity) plus its autorisations, données
complémentaires, données sanitaires (pratique alimentaire, allergies) and photo.
Sections change only through accepted requests (`famille.kernel.families.requests`).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import attrs

from famille.kernel.families.model import Child, Family

#: "--Aucun--" reads "repas normal": the default menu of every child.
NO_PRATIQUE = "--Aucun--"
PAI = "PAI"
#: The union of the menus of every commune (the guide's list); each canteen offers some.
PRATIQUES = (NO_PRATIQUE, "Sans Gluten", "Sans porc", "Sans sel", "Sans sucre", PAI, "Sans viande",
             "Sans arachide")


class Lien(enum.Enum):
    """Lien de parenté of a person allowed to pick a child up (the guide's list)."""

    PERE = "Père"
    MERE = "Mère"
    FRERE = "Frère"
    SOEUR = "Soeur"
    GRAND_PERE = "Grand père"
    GRAND_MERE = "Grand mère"
    ONCLE_TANTE = "Oncle/tante"
    ASSISTANTE_MATERNELLE = "Assistante maternelle"
    TUTEUR = "Tuteur(trice)"
    VOISIN = "Voisin(e)"
    COUSIN = "Cousin(e)"
    AUTRE = "Autre"
    PARRAIN = "Parrain"
    MARRAINE = "Marraine"
    BEAU_PERE = "Beau-père"
    BELLE_MERE = "Belle-mère"


class AllergyType(enum.Enum):
    """« Nom allergie » in the guide."""

    AUTRES = "Autres allergies"
    ASTHME = "Asthme"
    ALIMENTAIRES = "Alimentaires"
    MEDICAMENTEUSES = "Médicamenteuses"


@attrs.frozen
class FiscalInfo:
    """« Informations fiscales »."""

    numero_fiscal: str | None = None
    revenu_fiscal_reference: Decimal | None = None
    nombre_parts: Decimal | None = None


@attrs.frozen
class CafInfo:
    """« Informations CAF »: the allocataire number and the quotient familial."""

    numero_allocataire: str | None = None
    quotient_familial: int | None = None


@attrs.frozen
class BankInfo:
    """« Coordonnées bancaires » for the prélèvement (SEPA direct debit)."""

    nom_banque: str | None = None
    titulaire: str | None = None
    iban: str | None = None
    bic: str | None = None
    prelevement: bool = False


@attrs.frozen
class AuthorisedPerson:
    """A person, other than the parents, allowed to pick the child up."""

    id: str
    nom: str
    prenom: str
    lien: Lien
    telephone: str | None = None
    mobile: str | None = None


@attrs.frozen
class Complementaires:
    """« Données complémentaires » (each Oui/Non, and the insurance)."""

    lunettes: bool = False
    appareil_dentaire: bool = False
    appareil_auditif: bool = False
    accord_hospitalisation: bool = False
    prise_photos: bool = False
    partir_seul: bool = False
    sorties_scolaires: bool = False
    compagnie_assurance: str | None = None
    numero_assurance: str | None = None


@attrs.frozen
class PratiqueAlimentaire:
    """The child's default menu at the canteen (health data)."""

    libelle: str = NO_PRATIQUE
    commentaire: str | None = None


@attrs.frozen
class Allergy:
    """A known allergy, what to do, and who diagnosed it (health data)."""

    id: str
    type: AllergyType
    observations: str | None = None
    date: date | None = None
    medecin: str | None = None


@attrs.frozen
class FamilySections:
    """The sections of a family's record beyond its adults."""

    fiscales: FiscalInfo = FiscalInfo()
    caf: CafInfo = CafInfo()
    bancaires: BankInfo = BankInfo()


@attrs.frozen
class ChildSections:
    """The sections of a child's record beyond its identity. `photo_id` names the accepted photo."""

    autorisations: tuple[AuthorisedPerson, ...] = ()
    complementaires: Complementaires = Complementaires()
    pratique: PratiqueAlimentaire = PratiqueAlimentaire()
    allergies: tuple[Allergy, ...] = ()
    photo_id: str | None = None


@attrs.frozen
class FamilyRecord:
    """The whole « Mon compte »: the family (responsable, conjoint) and its sections."""

    family: Family
    sections: FamilySections = FamilySections()


@attrs.frozen
class ChildRecord:
    """The whole record of a child: its identity and its sections."""

    child: Child
    sections: ChildSections = ChildSections()


@attrs.frozen
class Photo:
    """An uploaded photo of a child (JPEG or PNG), kept whether or not its request is accepted."""

    id: str
    child_id: str
    content_type: str
    data: bytes
    uploaded_at: datetime
