"""Records and requests as JSON documents (English keys, the guide's French field names).

A section's JSON is derived from its class (`famille.adapters.primitives.as_json`): every
declared field, under its name; nothing here lists them again.
"""

from __future__ import annotations

from typing import Any

from famille.adapters.http.views import instant
from famille.adapters.primitives import as_json
from famille.kernel.families.model import Adult, Child
from famille.kernel.families.record_service import ChildRecordPage, FamilyRecordPage
from famille.kernel.families.records import ChildRecord, FamilyRecord
from famille.kernel.families.request_service import QueueEntry
from famille.kernel.families.requests import ChangeRequest

API = "/api/v1"


def adult_view(adult: Adult | None) -> dict[str, Any] | None:
    """A responsable or conjoint, every field of the form."""
    return None if adult is None else as_json(adult)


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
    family = record.family
    return {
        "family_id": family.id,
        "number": family.number,
        "organisation_code": family.organisation_code,
        "organisme_rattachement": family.organisme_rattachement,
        "responsable": adult_view(family.responsable),
        "conjoint": adult_view(family.conjoint),
        **as_json(record.sections),
        "pending_requests": [request_view(r) for r in page.pending],
    }


def identity_view(child: Child, prelevement: bool) -> dict[str, Any]:
    """The child's identity (« Mon enfant »); its prélèvement is the family's accepted bank record's."""
    return {**as_json(child), "prelevement": prelevement}


def child_record_view(page: ChildRecordPage) -> dict[str, Any]:
    """A child's record, the menus its canteen offers, and the pending requests the caller may see."""
    record: ChildRecord = page.record
    sections = record.sections
    return {
        "identity": identity_view(record.child, page.prelevement),
        "photo_url": f"{API}/children/{record.child.id}/photo" if sections.photo_id else None,
        "autorisations": as_json(sections.autorisations),
        "complementaires": as_json(sections.complementaires),
        "sanitaires": {"pratique_alimentaire": as_json(sections.pratique), "allergies": as_json(sections.allergies)},
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
