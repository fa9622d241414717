"""Records and requests as JSON documents (English keys, the guide's French field names)."""

from __future__ import annotations

from typing import Any

from famille.adapters.http.views import day, instant
from famille.kernel.families.model import Adult, Child
from famille.kernel.families.record_service import ChildRecordPage, FamilyRecordPage
from famille.kernel.families.records import Allergy, AuthorisedPerson, ChildRecord, FamilyRecord
from famille.kernel.families.request_service import QueueEntry
from famille.kernel.families.requests import ChangeRequest

API = "/api/v1"


def adult_view(adult: Adult | None) -> dict[str, Any] | None:
    """A responsable or conjoint, every field of the form."""
    if adult is None:
        return None
    return {
        "civilite": adult.civilite.value if adult.civilite else None,
        "nom": adult.nom, "prenom": adult.prenom, "qualite": adult.qualite, "situation": adult.situation,
        "adresse": adult.adresse, "complement_adresse_1": adult.complement_adresse_1,
        "complement_adresse_2": adult.complement_adresse_2, "lieu_dit": adult.lieu_dit,
        "code_postal": adult.code_postal, "ville": adult.ville,
        "telephone_domicile": adult.telephone_domicile,
        "telephone_professionnel": adult.telephone_professionnel, "mobile": adult.mobile,
        "email": adult.email, "profession": adult.profession, "csp": adult.csp, "employeur": adult.employeur,
        "adresse_employeur": adult.adresse_employeur, "autorisation_courriel": adult.autorisation_courriel,
        "autorisation_sms": adult.autorisation_sms,
    }


def request_view(request: ChangeRequest) -> dict[str, Any]:
    """A request and its answer, as « Liste des demandes » shows it."""
    return {
        "id": request.id,
        "kind": request.kind.value,
        "kind_label": request.kind.label,
        "status": request.status.value,
        "status_label": request.status.label,
        "family_id": request.family_id,
        "child_id": request.child_id,
        "changes": dict(request.changes),
        "submitted_at": instant(request.submitted_at),
        "decided_at": instant(request.decided_at),
        "reason": request.reason,
        "notice": request.notice,
        "rule_ids": list(request.rule_ids),
    }


def family_record_view(page: FamilyRecordPage) -> dict[str, Any]:
    """« Mon compte », all its tabs, and the requests pending under them."""
    record: FamilyRecord = page.record
    family, sections = record.family, record.sections
    fiscales, caf, bank = sections.fiscales, sections.caf, sections.bancaires
    return {
        "family_id": family.id,
        "number": family.number,
        "organisation_code": family.organisation_code,
        "organisme_rattachement": family.organisme_rattachement,
        "responsable": adult_view(family.responsable),
        "conjoint": adult_view(family.conjoint),
        "fiscales": {
            "numero_fiscal": fiscales.numero_fiscal,
            "revenu_fiscal_reference": _decimal(fiscales.revenu_fiscal_reference),
            "nombre_parts": _decimal(fiscales.nombre_parts),
        },
        "caf": {"numero_allocataire": caf.numero_allocataire, "quotient_familial": caf.quotient_familial},
        "bancaires": {"nom_banque": bank.nom_banque, "titulaire": bank.titulaire, "iban": bank.iban,
                      "bic": bank.bic, "prelevement": bank.prelevement},
        "pending_requests": [request_view(r) for r in page.pending],
    }


def _decimal(value: Any) -> str | None:
    return None if value is None else str(value)


def identity_view(child: Child, prelevement: bool) -> dict[str, Any]:
    """The child's identity (« Mon enfant »); its prélèvement is the family's accepted bank record's."""
    return {
        "id": child.id, "nom": child.nom, "prenom": child.prenom, "sexe": child.sexe.value,
        "date_naissance": day(child.date_naissance), "lieu_naissance": child.lieu_naissance,
        "scolarite": child.scolarite, "prelevement": prelevement,
        "organisation_code": child.organisation_code, "family_ids": list(child.family_ids),
    }


def person_view(person: AuthorisedPerson) -> dict[str, Any]:
    """A person allowed to pick the child up."""
    return {"id": person.id, "nom": person.nom, "prenom": person.prenom, "lien": person.lien.value,
            "telephone": person.telephone, "mobile": person.mobile}


def allergy_view(allergy: Allergy) -> dict[str, Any]:
    """An allergy (health data)."""
    return {"id": allergy.id, "type": allergy.type.value, "observations": allergy.observations,
            "date": day(allergy.date), "medecin": allergy.medecin}


def child_record_view(page: ChildRecordPage) -> dict[str, Any]:
    """A child's record, the menus its canteen offers, and the pending requests the caller may see."""
    record: ChildRecord = page.record
    sections = record.sections
    complementaires = sections.complementaires
    return {
        "identity": identity_view(record.child, page.prelevement),
        "photo_url": f"{API}/children/{record.child.id}/photo" if sections.photo_id else None,
        "autorisations": [person_view(p) for p in sections.autorisations],
        "complementaires": {
            "lunettes": complementaires.lunettes, "appareil_dentaire": complementaires.appareil_dentaire,
            "appareil_auditif": complementaires.appareil_auditif,
            "accord_hospitalisation": complementaires.accord_hospitalisation,
            "prise_photos": complementaires.prise_photos, "partir_seul": complementaires.partir_seul,
            "sorties_scolaires": complementaires.sorties_scolaires,
            "compagnie_assurance": complementaires.compagnie_assurance,
            "numero_assurance": complementaires.numero_assurance,
        },
        "sanitaires": {
            "pratique_alimentaire": {"libelle": sections.pratique.libelle,
                                     "commentaire": sections.pratique.commentaire},
            "allergies": [allergy_view(a) for a in sections.allergies],
        },
        "pratiques_offered": list(page.pratiques_offered),
        "pending_requests": [request_view(r) for r in page.pending],
    }


def queue_entry_view(entry: QueueEntry) -> dict[str, Any]:
    """A request as an agent examines it, each field before and after."""
    return {
        **request_view(entry.request),
        "family": {"id": entry.request.family_id, "number": entry.family_number, "name": entry.family_name},
        "child_name": entry.child_name,
        "before": dict(entry.before),
        "after": dict(entry.after),
    }
