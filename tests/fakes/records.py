"""In-memory record sections, photos and requests, for the fake unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from famille.kernel.families.model import Child, Family
from famille.kernel.families.records import ChildSections, FamilySections, Photo
from famille.kernel.families.requests import ChangeRequest, Changes, RequestQuery, RequestStatus


class FakeRecords:
    def __init__(self, store: Any) -> None:
        self.s = store

    def family_sections(self, family_id: str, *, for_update: bool = False) -> FamilySections:
        return self.s.family_sections.get(family_id, FamilySections())

    def save_family_sections(self, family_id: str, sections: FamilySections) -> None:
        self.s.family_sections[family_id] = sections

    def child_sections(self, child_id: str, *, for_update: bool = False) -> ChildSections:
        return self.s.child_sections.get(child_id, ChildSections())

    def save_child_sections(self, child_id: str, sections: ChildSections) -> None:
        self.s.child_sections[child_id] = sections

    def update_family(self, family: Family) -> None:
        stored = self.s.families[family.id]  # its id, organisation and N° famille do not change
        self.s.families[family.id] = attrs.evolve(family, organisation_code=stored.organisation_code,
                                                  number=stored.number)

    def update_child(self, child: Child) -> None:
        self.s.children[child.id] = attrs.evolve(child, family_ids=self.s.children[child.id].family_ids)

    def add_photo(self, photo: Photo) -> None:
        self.s.photos[photo.id] = photo

    def photo(self, photo_id: str) -> Photo | None:
        return self.s.photos.get(photo_id)


class FakeRequests:
    def __init__(self, store: Any, committed: Any) -> None:
        self.s = store
        self.committed = committed

    def add(self, request: ChangeRequest) -> None:
        self.s.requests[request.id] = request

    def get(self, request_id: str) -> ChangeRequest | None:
        return self.s.requests.get(request_id)

    def find(self, query: RequestQuery) -> Sequence[ChangeRequest]:
        found = [r for r in self.s.requests.values() if query.matches(r)]
        return sorted(found, key=lambda r: (r.submitted_at, r.id))

    def claim(self, request_id: str, status: RequestStatus, decided_at: datetime, decided_by: str,
              reason: str | None) -> bool:
        request = self.s.requests.get(request_id)
        shared = self.committed.get("requests", request_id)
        if request is None or request.status is not RequestStatus.PENDING or (
                shared is not None and shared.status is not RequestStatus.PENDING):
            return False
        self.s.requests[request_id] = attrs.evolve(request, status=status, decided_at=decided_at,
                                                   decided_by=decided_by, reason=reason)
        return True

    def record_effect(self, request_id: str, before: Changes, child_id: str | None) -> None:
        self.s.requests[request_id] = attrs.evolve(self.s.requests[request_id], before=dict(before),
                                                   child_id=child_id)
