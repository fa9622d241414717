"""Row ↔ domain translation: kernel values are frozen attrs classes, never mapped by an ORM."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import Row

from famille.adapters.sqlalchemy.tables import ADULT_FLAG_FIELDS, ADULT_TEXT_FIELDS
from famille.kernel.families.inbox import InboxMessage
from famille.kernel.families.model import Adult, Child, Civilite, Family, Sexe
from famille.kernel.shared.organisations import (
    Organisation,
    OrganisationKind,
    Service,
    Structure,
    StructureKind,
)

Values = dict[str, Any]


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
        "opens_at": service.opens_at.strftime("%H:%M") if service.opens_at else None,
        "closes_at": service.closes_at.strftime("%H:%M") if service.closes_at else None,
    }


def service_from_row(row: Row[Any]) -> Service:
    """The service of a row of `services`."""
    return Service(id=row.id, structure_id=row.structure_id, code=row.code, name=row.name,
                   weekdays=weekdays_from_text(row.weekdays),
                   opens_at=time.fromisoformat(row.opens_at) if row.opens_at else None,
                   closes_at=time.fromisoformat(row.closes_at) if row.closes_at else None)


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
