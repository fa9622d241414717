"""Row ↔ domain translation for record sections, photos and requests.

Each section is one JSON column: decimals and dates are written as strings, enums
as their values, so the JSON reads the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Row

from famille.kernel.families.records import (
    Allergy,
    AllergyType,
    AuthorisedPerson,
    BankInfo,
    CafInfo,
    ChildSections,
    Complementaires,
    FamilySections,
    FiscalInfo,
    Lien,
    Photo,
    PratiqueAlimentaire,
)
from famille.kernel.families.requests import ChangeRequest, RequestKind, RequestStatus

Values = dict[str, Any]


def _text(value: Decimal | date | None) -> str | None:
    return None if value is None else (value.isoformat() if isinstance(value, date) else str(value))


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def family_sections_to_values(family_id: str, sections: FamilySections) -> Values:
    """The row of `family_records`."""
    fiscales, caf, bank = sections.fiscales, sections.caf, sections.bancaires
    return {
        "family_id": family_id,
        "fiscales": {"numero_fiscal": fiscales.numero_fiscal,
                     "revenu_fiscal_reference": _text(fiscales.revenu_fiscal_reference),
                     "nombre_parts": _text(fiscales.nombre_parts)},
        "caf": {"numero_allocataire": caf.numero_allocataire, "quotient_familial": caf.quotient_familial},
        "bancaires": {"nom_banque": bank.nom_banque, "titulaire": bank.titulaire, "iban": bank.iban,
                      "bic": bank.bic, "prelevement": bank.prelevement},
    }


def family_sections_from_row(row: Row[Any]) -> FamilySections:
    """The sections of a row of `family_records`."""
    fiscales, caf, bank = row.fiscales, row.caf, row.bancaires
    return FamilySections(
        fiscales=FiscalInfo(numero_fiscal=fiscales["numero_fiscal"],
                            revenu_fiscal_reference=_decimal(fiscales["revenu_fiscal_reference"]),
                            nombre_parts=_decimal(fiscales["nombre_parts"])),
        caf=CafInfo(numero_allocataire=caf["numero_allocataire"], quotient_familial=caf["quotient_familial"]),
        bancaires=BankInfo(nom_banque=bank["nom_banque"], titulaire=bank["titulaire"], iban=bank["iban"],
                           bic=bank["bic"], prelevement=bank["prelevement"]),
    )


def _person(person: AuthorisedPerson) -> Values:
    return {"id": person.id, "nom": person.nom, "prenom": person.prenom, "lien": person.lien.value,
            "telephone": person.telephone, "mobile": person.mobile}


def _allergy(allergy: Allergy) -> Values:
    return {"id": allergy.id, "type": allergy.type.value, "observations": allergy.observations,
            "date": _text(allergy.date), "medecin": allergy.medecin}


_COMPLEMENTAIRES = ("lunettes", "appareil_dentaire", "appareil_auditif", "accord_hospitalisation",
                    "prise_photos", "partir_seul", "sorties_scolaires", "compagnie_assurance",
                    "numero_assurance")


def child_sections_to_values(child_id: str, sections: ChildSections) -> Values:
    """The row of `child_records`."""
    return {
        "child_id": child_id,
        "autorisations": [_person(p) for p in sections.autorisations],
        "complementaires": {name: getattr(sections.complementaires, name) for name in _COMPLEMENTAIRES},
        "pratique": {"libelle": sections.pratique.libelle, "commentaire": sections.pratique.commentaire},
        "allergies": [_allergy(a) for a in sections.allergies],
        "photo_id": sections.photo_id,
    }


def child_sections_from_row(row: Row[Any]) -> ChildSections:
    """The sections of a row of `child_records`."""
    return ChildSections(
        autorisations=tuple(
            AuthorisedPerson(id=p["id"], nom=p["nom"], prenom=p["prenom"], lien=Lien(p["lien"]),
                             telephone=p["telephone"], mobile=p["mobile"])
            for p in row.autorisations
        ),
        complementaires=Complementaires(**{name: row.complementaires[name] for name in _COMPLEMENTAIRES}),
        pratique=PratiqueAlimentaire(libelle=row.pratique["libelle"], commentaire=row.pratique["commentaire"]),
        allergies=tuple(
            Allergy(id=a["id"], type=AllergyType(a["type"]), observations=a["observations"],
                    date=_day(a["date"]), medecin=a["medecin"])
            for a in row.allergies
        ),
        photo_id=row.photo_id,
    )


def photo_to_values(photo: Photo) -> Values:
    """The row of `child_photos`."""
    return {"id": photo.id, "child_id": photo.child_id, "content_type": photo.content_type,
            "data": photo.data, "uploaded_at": photo.uploaded_at}


def photo_from_row(row: Row[Any]) -> Photo:
    """The photo of a row of `child_photos`."""
    return Photo(id=row.id, child_id=row.child_id, content_type=row.content_type, data=bytes(row.data),
                 uploaded_at=row.uploaded_at)


def request_to_values(request: ChangeRequest) -> Values:
    """The row of `change_requests`."""
    return {
        "id": request.id,
        "organisation_code": request.organisation_code,
        "family_id": request.family_id,
        "child_id": request.child_id,
        "kind": request.kind.value,
        "status": request.status.value,
        "changes": dict(request.changes),
        "before": dict(request.before),
        "submitted_at": request.submitted_at,
        "submitted_by": request.submitted_by,
        "decided_at": request.decided_at,
        "decided_by": request.decided_by,
        "reason": request.reason,
        "notice": request.notice,
        "rule_ids": list(request.rule_ids),
    }


def request_from_row(row: Row[Any]) -> ChangeRequest:
    """The request of a row of `change_requests`."""
    return ChangeRequest(
        id=row.id,
        organisation_code=row.organisation_code,
        family_id=row.family_id,
        child_id=row.child_id,
        kind=RequestKind(row.kind),
        changes=dict(row.changes),
        before=dict(row.before),
        submitted_at=row.submitted_at,
        submitted_by=row.submitted_by,
        status=RequestStatus(row.status),
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        reason=row.reason,
        notice=row.notice,
        rule_ids=tuple(row.rule_ids),
    )
