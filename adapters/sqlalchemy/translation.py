"""Row ↔ domain translation: kernel values are frozen attrs classes, never mapped by an ORM."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from famille.adapters.sqlalchemy.tables import ADULT_FLAG_FIELDS, ADULT_TEXT_FIELDS
from famille.kernel.accounts import Account, AuthSession, ResetToken, Role
from famille.kernel.families import Adult, Child, Civilite, Family, Sexe
from famille.kernel.inbox import InboxMessage
from famille.kernel.organisations import Organisation, OrganisationKind, Service, Structure, StructureKind

Values = dict[str, Any]


def account_to_values(account: Account) -> Values:
    """The row of an account, with its lower-cased login key."""
    return {
        "id": account.id,
        "login": account.login,
        "login_key": login_key(account.login),
        "role": account.role.value,
        "organisation_code": account.organisation_code,
        "display_name": account.display_name,
        "password_hash": account.password_hash,
        "family_id": account.family_id,
        "email": account.email,
        "failed_logins": account.failed_logins,
        "password_changed_at": account.password_changed_at,
    }


def account_from_row(row: Row[Any]) -> Account:
    """The account of a row of `accounts`."""
    return Account(
        id=row.id,
        login=row.login,
        role=Role(row.role),
        organisation_code=row.organisation_code,
        display_name=row.display_name,
        password_hash=row.password_hash,
        family_id=row.family_id,
        email=row.email,
        failed_logins=row.failed_logins,
        password_changed_at=row.password_changed_at,
    )


def login_key(login: str) -> str:
    """What makes two logins the same: case does not count."""
    return login.casefold()


def session_to_values(session: AuthSession) -> Values:
    """The row of a login session."""
    return {
        "id": session.id,
        "account_id": session.account_id,
        "token_digest": session.token_digest,
        "created_at": session.created_at,
        "expires_at": session.expires_at,
    }


def session_from_row(row: Row[Any]) -> AuthSession:
    """The session of a row of `auth_sessions`."""
    return AuthSession(
        id=row.id,
        account_id=row.account_id,
        token_digest=row.token_digest,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


def reset_token_to_values(token: ResetToken) -> Values:
    """The row of a reset token."""
    return {
        "id": token.id,
        "account_id": token.account_id,
        "token_digest": token.token_digest,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "used_at": token.used_at,
    }


def reset_token_from_row(row: Row[Any]) -> ResetToken:
    """The token of a row of `reset_tokens`."""
    return ResetToken(
        id=row.id,
        account_id=row.account_id,
        token_digest=row.token_digest,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
    )


def organisation_to_values(organisation: Organisation) -> Values:
    """The row of an organisation."""
    return {
        "code": organisation.code,
        "name": organisation.name,
        "kind": organisation.kind.value,
        "school_zone": organisation.school_zone,
        "alsace_moselle": organisation.alsace_moselle,
    }


def organisation_from_row(row: Row[Any]) -> Organisation:
    """The organisation of a row of `organisations`."""
    return Organisation(
        code=row.code,
        name=row.name,
        kind=OrganisationKind(row.kind),
        school_zone=row.school_zone,
        alsace_moselle=row.alsace_moselle,
    )


def structure_to_values(structure: Structure) -> Values:
    """The row of a structure."""
    return {
        "id": structure.id,
        "organisation_code": structure.organisation_code,
        "name": structure.name,
        "kind": structure.kind.value,
        "pratiques": list(structure.pratiques),
    }


def structure_from_row(row: Row[Any]) -> Structure:
    """The structure of a row of `structures`."""
    return Structure(
        id=row.id, organisation_code=row.organisation_code, name=row.name, kind=StructureKind(row.kind),
        pratiques=tuple(row.pratiques),
    )


def service_to_values(service: Service) -> Values:
    """The row of a service."""
    return {
        "id": service.id,
        "structure_id": service.structure_id,
        "code": service.code,
        "name": service.name,
        "weekdays": weekdays_to_text(service.weekdays),
    }


def service_from_row(row: Row[Any]) -> Service:
    """The service of a row of `services`."""
    return Service(id=row.id, structure_id=row.structure_id, code=row.code, name=row.name,
                   weekdays=weekdays_from_text(row.weekdays))


def weekdays_to_text(weekdays: tuple[int, ...]) -> str:
    """Opening weekdays as stored: ISO numbers, « 1,2,4,5 » for Monday, Tuesday, Thursday, Friday."""
    return ",".join(str(day + 1) for day in sorted(set(weekdays)))


def weekdays_from_text(text: str) -> tuple[int, ...]:
    """The stored ISO weekdays back as 0-based weekdays (0 = Monday)."""
    return tuple(int(part) - 1 for part in text.split(",") if part.strip())


def adult_to_values(prefix: str, adult: Adult | None) -> Values:
    """The `<prefix>_*` columns of an adult; all None when there is none."""
    values: Values = {
        f"{prefix}_{name}": getattr(adult, name) if adult else None
        for name in ("nom", "prenom", *ADULT_TEXT_FIELDS, *ADULT_FLAG_FIELDS)
    }
    if adult and adult.civilite:
        values[f"{prefix}_civilite"] = adult.civilite.value
    return values


def adult_from_row(prefix: str, row: Row[Any]) -> Adult | None:
    """The adult of the `<prefix>_*` columns, or None when they are empty."""
    mapping = row._mapping
    if mapping[f"{prefix}_nom"] is None:
        return None
    fields: Values = {
        name: mapping[f"{prefix}_{name}"]
        for name in ("nom", "prenom", *ADULT_TEXT_FIELDS, *ADULT_FLAG_FIELDS)
    }
    if fields["civilite"] is not None:
        fields["civilite"] = Civilite(fields["civilite"])
    return Adult(**fields)


def family_to_values(family: Family) -> Values:
    """The row of a family, with the responsable's and the conjoint's columns."""
    return {
        "id": family.id,
        "organisation_code": family.organisation_code,
        "number": family.number,
        "organisme_rattachement": family.organisme_rattachement,
        **adult_to_values("responsable", family.responsable),
        **adult_to_values("conjoint", family.conjoint),
    }


def family_from_row(row: Row[Any]) -> Family:
    """The family of a row of `families`."""
    responsable = adult_from_row("responsable", row)
    assert responsable is not None  # the columns are NOT NULL
    return Family(
        id=row.id,
        organisation_code=row.organisation_code,
        number=row.number,
        responsable=responsable,
        conjoint=adult_from_row("conjoint", row),
        organisme_rattachement=row.organisme_rattachement,
    )


def child_to_values(child: Child) -> Values:
    """The row of a child (its links to families go to `child_families`)."""
    return {
        "id": child.id,
        "organisation_code": child.organisation_code,
        "nom": child.nom,
        "prenom": child.prenom,
        "sexe": child.sexe.value,
        "date_naissance": child.date_naissance,
        "lieu_naissance": child.lieu_naissance,
        "scolarite": child.scolarite,
        "prelevement": child.prelevement,
        "photo_url": child.photo_url,
    }


def child_from_row(row: Row[Any], family_ids: tuple[str, ...]) -> Child:
    """The child of a row of `children`, with the ids of its families in order."""
    return Child(
        id=row.id,
        organisation_code=row.organisation_code,
        nom=row.nom,
        prenom=row.prenom,
        sexe=Sexe(row.sexe),
        date_naissance=row.date_naissance,
        family_ids=family_ids,
        lieu_naissance=row.lieu_naissance,
        scolarite=row.scolarite,
        prelevement=row.prelevement,
        photo_url=row.photo_url,
    )


def message_to_values(message: InboxMessage) -> Values:
    """The row of an inbox message."""
    return {
        "id": message.id,
        "account_id": message.account_id,
        "subject": message.subject,
        "body": message.body,
        "sender": message.sender,
        "created_at": message.created_at,
        "read_at": message.read_at,
    }


def message_from_row(row: Row[Any]) -> InboxMessage:
    """The message of a row of `inbox_messages`."""
    return InboxMessage(
        id=row.id,
        account_id=row.account_id,
        subject=row.subject,
        body=row.body,
        sender=row.sender,
        created_at=row.created_at,
        read_at=row.read_at,
    )
