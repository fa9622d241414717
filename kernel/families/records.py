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

from famille.kernel.families.fields import field
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

    numero_fiscal: str | None = field("Numéro fiscal", default=None)
    revenu_fiscal_reference: Decimal | None = field("Revenu fiscal de référence (€)", default=None,
                                                    hint="Par exemple 28 500")
    nombre_parts: Decimal | None = field("Nombre de parts", default=None, hint="Par exemple 2,5")


@attrs.frozen
class CafInfo:
    """« Informations CAF »: the allocataire number and the quotient familial."""

    numero_allocataire: str | None = field("Numéro d'allocataire CAF", default=None)
    quotient_familial: int | None = field("Quotient familial", default=None,
                                          hint="Un nombre entier, par exemple 850.")


@attrs.frozen
class BankInfo:
    """« Coordonnées bancaires » for the prélèvement (SEPA direct debit)."""

    nom_banque: str | None = field("Nom de la banque", default=None)
    titulaire: str | None = field("Titulaire du compte", default=None, autocomplete="name")
    iban: str | None = field("IBAN", default=None, hint="Par exemple FR76 3000 6000 0112 3456 7890 189.",
                             wide=True)
    bic: str | None = field("BIC", default=None, hint="Laissez vide : il est déduit de l'IBAN.")
    prelevement: bool = field("Prélèvement automatique des factures", default=False)


@attrs.frozen
class AuthorisedPerson:
    """A person, other than the parents, allowed to pick the child up."""

    id: str
    nom: str = field("Nom", required=True)
    prenom: str = field("Prénom", required=True)
    lien: Lien = field("Lien de parenté", required=True)
    telephone: str | None = field("Téléphone", default=None, kind="tel",
                                  hint="Le téléphone ou le mobile : l'un des deux au moins.")
    mobile: str | None = field("Mobile", default=None, kind="tel", hint="Par exemple 06 12 34 56 78.")


@attrs.frozen
class Complementaires:
    """« Données complémentaires » (each Oui/Non, and the insurance)."""

    lunettes: bool = field("Port de lunettes", default=False)
    appareil_dentaire: bool = field("Port d'un appareil dentaire", default=False)
    appareil_auditif: bool = field("Port d'un appareil auditif", default=False)
    accord_hospitalisation: bool = field("Accord d'hospitalisation en cas d'urgence", default=False)
    prise_photos: bool = field("Autorise la prise de photos", default=False)
    partir_seul: bool = field("Autorise à partir seul", default=False)
    sorties_scolaires: bool = field("Autorise les sorties scolaires", default=False)
    compagnie_assurance: str | None = field("Compagnie d'assurance", default=None)
    numero_assurance: str | None = field("N° de la compagnie", default=None, hint="Le numéro du contrat d'assurance.")


@attrs.frozen
class PratiqueAlimentaire:
    """The child's default menu at the canteen (health data)."""

    libelle: str = field("Pratique alimentaire", default=NO_PRATIQUE, kind="select", choices=PRATIQUES,
                         required=True, hint="« --Aucun-- » signifie repas normal.")
    commentaire: str | None = field("Commentaire", default=None, kind="textarea", wide=True)


@attrs.frozen
class Allergy:
    """A known allergy, what to do, and who diagnosed it (health data)."""

    id: str
    type: AllergyType = field("Type d'allergie", required=True)
    observations: str | None = field("Observations", default=None, kind="textarea", wide=True,
                                     hint="Les réactions, la conduite à tenir, le traitement à donner.")
    date: date | None = field("Date de l'allergie", default=None)
    medecin: str | None = field("Médecin", default=None)


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
