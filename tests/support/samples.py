"""Sample domain values for the database tests, each a valid row with its parents."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from famille.kernel.accounts.model import Account, AuthSession, ResetToken, Role
from famille.kernel.families.model import Adult, Child, Civilite, Family, Sexe
from famille.kernel.shared.organisations import (
    Organisation,
    OrganisationKind,
    Service,
    Structure,
    StructureKind,
)
from famille.kernel.shared.time import PARIS

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=PARIS)


def new_id() -> str:
    """A fresh uuid string."""
    return str(uuid.uuid4())


def organisation(code: str = "saint-martin") -> Organisation:
    """A commune in zone B, in Alsace-Moselle to check the flag round trips."""
    return Organisation(
        code=code, name="Saint-Martin", kind=OrganisationKind.COMMUNE, school_zone="B", alsace_moselle=True
    )


def responsable() -> Adult:
    """A responsable with every field filled."""
    return Adult(
        nom="DUPONT",
        prenom="Marie",
        civilite=Civilite.MADAME,
        qualite="Mère",
        situation="Mariée",
        adresse="3 rue des Écoles",
        complement_adresse_1="Appartement 12",
        complement_adresse_2="Bâtiment B",
        lieu_dit="BP 7",
        code_postal="67000",
        ville="Strasbourg",
        telephone_domicile="+33388000000",
        telephone_professionnel="+33388111111",
        mobile="+33612345678",
        email="marie.dupont@example.org",
        profession="Infirmière",
        csp="Profession intermédiaire",
        employeur="Hôpital civil",
        adresse_employeur="1 place de l'Hôpital",
        autorisation_courriel=True,
        autorisation_sms=True,
    )


def family(
    organisation_code: str = "saint-martin", *, number: str = "F0042", conjoint: bool = True
) -> Family:
    """A family, with a conjoint who filled in only a few fields unless `conjoint` is False."""
    return Family(
        id=new_id(),
        organisation_code=organisation_code,
        number=number,
        responsable=responsable(),
        conjoint=Adult(nom="DUPONT", prenom="Paul", mobile="+33698765432") if conjoint else None,
        organisme_rattachement="CAF du Bas-Rhin" if conjoint else None,
    )


def child(family_ids: tuple[str, ...], *, prenom: str = "Léa", born: date = date(2017, 2, 28)) -> Child:
    """A child of `family_ids`."""
    return Child(
        id=new_id(),
        organisation_code="saint-martin",
        nom="DUPONT",
        prenom=prenom,
        sexe=Sexe.F,
        date_naissance=born,
        family_ids=family_ids,
        lieu_naissance="Strasbourg",
        scolarite="CE2",
    )


def account(login: str = "marie.dupont", *, family_id: str | None = None) -> Account:
    """A family account (an agent's when no family is given)."""
    return Account(
        id=new_id(),
        login=login,
        role=Role.FAMILY if family_id else Role.AGENT,
        organisation_code="saint-martin",
        display_name="Marie DUPONT",
        password_hash="$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        family_id=family_id,
        email="marie.dupont@example.org",
        password_changed_at=NOW,
    )


def session(account_id: str, digest: str = "a" * 64) -> AuthSession:
    """A login session of `account_id`."""
    return AuthSession(
        id=new_id(),
        account_id=account_id,
        token_digest=digest,
        created_at=NOW,
        expires_at=NOW.replace(hour=17),
    )


def reset_token(account_id: str, digest: str = "b" * 64) -> ResetToken:
    """An unused reset token of `account_id`."""
    return ResetToken(
        id=new_id(),
        account_id=account_id,
        token_digest=digest,
        created_at=NOW,
        expires_at=NOW.replace(day=15),
    )


def structure(organisation_code: str = "saint-martin", name: str = "École des Tilleuls") -> Structure:
    """A canteen of the organisation."""
    return Structure(id=new_id(), organisation_code=organisation_code, name=name, kind=StructureKind.CANTINE)


def service(structure_id: str, code: str = "RESTAURATION", name: str = "Restauration") -> Service:
    """A service of the structure."""
    return Service(id=new_id(), structure_id=structure_id, code=code, name=name)
