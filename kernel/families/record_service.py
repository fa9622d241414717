"""Reading family and child records, their photos, and the audit of how they changed.

Each form shows the requests still pending under it: a family sees only its own
(separated parents each see their own requests about a shared child, and both
see what was accepted); an agent sees every one of its organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.families import access
from famille.kernel.families import changes as rc
from famille.kernel.families.records import ChildRecord, FamilyRecord, Photo
from famille.kernel.families.requests import (
    FAMILY_KINDS,
    ChangeRequest,
    RequestKind,
    RequestQuery,
    RequestStatus,
)
from famille.kernel.shared.errors import Forbidden, NotFound
from famille.kernel.shared.time import require_aware
from famille.ports.persistence import UnitOfWork, UnitOfWorkFactory

PHOTO_NOT_FOUND = "Photo introuvable."


@attrs.frozen
class FamilyRecordPage:
    """« Mon compte »: the record and the requests pending under its forms."""

    record: FamilyRecord
    pending: tuple[ChangeRequest, ...] = ()


@attrs.frozen
class ChildRecordPage:
    """A child's page: the record, the requests pending under its forms, the menus its canteen offers.

    `prelevement` is read from the accepted « Informations bancaires » of the family looking
    (for an agent, of the child's first household): whether its invoices are debited.
    """

    record: ChildRecord
    pending: tuple[ChangeRequest, ...] = ()
    pratiques_offered: tuple[str, ...] = ()
    prelevement: bool = False


class Records:
    """Reads records for the family they belong to and for the agents of their organisation."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def family_record(self, principal: Principal, family_id: str | None = None) -> FamilyRecordPage:
        """A family's record (the caller's own when `family_id` is None)."""
        family_id = family_id or principal.family_id
        if family_id is None:
            raise Forbidden("Cette page est réservée aux familles.")
        with self._uow() as uow:
            family = access.visible_family(uow, principal, family_id)
            query = RequestQuery(family_id=family.id, status=RequestStatus.PENDING, kinds=FAMILY_KINDS)
            pending = uow.requests.find(query)
            return FamilyRecordPage(access.family_record(uow, family.id), tuple(pending))

    def family_by_number(self, principal: Principal, number: str) -> FamilyRecord:
        """The record of the family with this « N° famille » in the agent's organisation; `NotFound` otherwise."""
        with self._uow() as uow:
            family = uow.families.by_number(principal.organisation_code, number.strip())
            if family is None:
                raise NotFound(access.FAMILY_NOT_FOUND)
            return access.family_record(uow, access.visible_family(uow, principal, family.id).id)

    def child_record(self, principal: Principal, child_id: str) -> ChildRecordPage:
        """A child's record, with the pending requests the caller may see."""
        with self._uow() as uow:
            child = access.visible_child(uow, principal, child_id)
            query = RequestQuery(child_id=child.id, status=RequestStatus.PENDING)
            pending = [r for r in uow.requests.find(query)
                       if principal.is_agent or r.family_id == principal.family_id]
            payer = principal.family_id if principal.family_id in child.family_ids else child.family_ids[0]
            return ChildRecordPage(access.child_record(uow, child.id), tuple(pending),
                                   access.pratiques_offered(uow, child),
                                   uow.records.family_sections(payer).bancaires.prelevement)

    def photo(self, principal: Principal, child_id: str, request_id: str | None = None) -> Photo:
        """The child's accepted photo, or the one a visible photo request proposes."""
        with self._uow() as uow:
            child = access.visible_child(uow, principal, child_id)
            if request_id is None:
                photo_id = uow.records.child_sections(child.id).photo_id
            else:
                request = uow.requests.get(request_id)
                if (request is None or request.kind is not RequestKind.PHOTO or request.child_id != child.id
                        or not (principal.is_agent or request.family_id == principal.family_id)):
                    raise NotFound(PHOTO_NOT_FOUND)
                photo_id = str(request.changes["photo_id"])
            photo = uow.records.photo(photo_id) if photo_id else None
            if photo is None or photo.child_id != child.id:
                raise NotFound(PHOTO_NOT_FOUND)
            return photo

    # --- audit ------------------------------------------------------------------------------

    def family_history(self, principal: Principal, family_id: str) -> Sequence[ChangeRequest]:
        """The accepted requests that made the family's record what it is, in the order decided."""
        with self._uow() as uow:
            family = access.visible_family(uow, principal, family_id)
            return _accepted(uow, family_id=family.id)

    def child_history(self, principal: Principal, child_id: str) -> Sequence[ChangeRequest]:
        """The accepted requests that made the child's record what it is, in the order decided."""
        with self._uow() as uow:
            child = access.visible_child(uow, principal, child_id)
            return _accepted(uow, child_id=child.id)

    def family_record_as_of(self, principal: Principal, family_id: str, instant: datetime) -> FamilyRecord:
        """The family's record as it was at `instant`: later accepted changes undone, newest first."""
        instant = require_aware(instant)
        with self._uow() as uow:
            family = access.visible_family(uow, principal, family_id)
            record = access.family_record(uow, family.id)
            for request in reversed(_accepted(uow, family_id=family.id)):
                if request.decided_at is not None and request.decided_at > instant:
                    record = rc.undo_on_family(record, request.kind, request.before)
            return record

    def child_record_as_of(self, principal: Principal, child_id: str, instant: datetime) -> ChildRecord | None:
        """The child's record as it was at `instant`; None if its « ajout enfant » came later."""
        instant = require_aware(instant)
        with self._uow() as uow:
            child = access.visible_child(uow, principal, child_id)
            record = access.child_record(uow, child.id)
            for request in reversed(_accepted(uow, child_id=child.id)):
                if request.decided_at is None or request.decided_at <= instant:
                    continue
                if request.kind is RequestKind.AJOUT_ENFANT:
                    return None
                record = rc.undo_on_child(record, request.kind, request.changes, request.before)
            return record


def _accepted(uow: UnitOfWork, *, family_id: str | None = None, child_id: str | None = None) -> list[ChangeRequest]:
    if family_id is not None:
        query = RequestQuery(family_id=family_id, status=RequestStatus.ACCEPTED, kinds=FAMILY_KINDS)
    else:
        query = RequestQuery(child_id=child_id, status=RequestStatus.ACCEPTED)
    found = uow.requests.find(query)
    return sorted(found, key=lambda r: (r.decided_at or r.submitted_at, r.id))
