"""The record and request repositories of the persistence port, over one SQLAlchemy connection.

An agent's decision is decided by the database, not by a read: `claim` is one
`UPDATE ... WHERE status = 'pending'`, so of two agents deciding at once the
second updates no row. Applying an accepted change first locks the row of the
family or child (`SELECT ... FOR UPDATE`; SQLite serialises writers itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Row, insert, select, update

from famille.adapters.primitives import as_row, from_row
from famille.adapters.sqlalchemy.database import KeyedRepository, SqlRepository, where_given
from famille.adapters.sqlalchemy.families import record_translation as rt
from famille.adapters.sqlalchemy.families import translation as tr
from famille.adapters.sqlalchemy.tables import (
    change_requests,
    child_photos,
    child_records,
    children,
    families,
    family_records,
)
from famille.kernel.families.model import Child, Family
from famille.kernel.families.records import ChildSections, FamilySections, Photo
from famille.kernel.families.requests import ChangeRequest, Changes, RequestQuery, RequestStatus


class SqlRecordRepository(SqlRepository):
    """Record sections as JSON columns, family and child identities, photos."""

    def family_sections(self, family_id: str, *, for_update: bool = False) -> FamilySections:
        """The family's sections, defaults if none stored; `for_update` locks the family's row."""
        row = self._sections_row(family_records.c.family_id, families.c.id, family_id, for_update)
        return rt.family_sections_from_row(row) if row else FamilySections()

    def _sections_row(self, key: Column[Any], owner: Column[Any], owner_id: str, for_update: bool) -> Row[Any] | None:
        """The row of sections whose `key` is `owner_id`; `for_update` first locks the owner's row (its
        family or child), which exists even when no sections were stored yet."""
        if for_update:
            self._connection.execute(select(owner).where(owner == owner_id).with_for_update())
        return self._connection.execute(select(key.table).where(key == owner_id)).first()

    def save_family_sections(self, family_id: str, sections: FamilySections) -> None:
        """Insert or replace the family's sections."""
        values = rt.family_sections_to_values(family_id, sections)
        self._upsert(family_records, family_records.c.family_id, family_id, values)

    def child_sections(self, child_id: str, *, for_update: bool = False) -> ChildSections:
        """The child's sections, defaults if none stored; `for_update` locks the child's row."""
        row = self._sections_row(child_records.c.child_id, children.c.id, child_id, for_update)
        return rt.child_sections_from_row(row) if row else ChildSections()

    def save_child_sections(self, child_id: str, sections: ChildSections) -> None:
        """Insert or replace the child's sections."""
        values = rt.child_sections_to_values(child_id, sections)
        self._upsert(child_records, child_records.c.child_id, child_id, values)

    def update_family(self, family: Family) -> None:
        """Replace the family's adults and organisme."""
        values = tr.family_to_values(family)
        for key in ("id", "organisation_code", "number"):
            values.pop(key)
        self._connection.execute(update(families).where(families.c.id == family.id).values(values))

    def update_child(self, child: Child) -> None:
        """Replace the child's identity."""
        values = tr.child_to_values(child)
        for key in ("id", "organisation_code"):
            values.pop(key)
        self._connection.execute(update(children).where(children.c.id == child.id).values(values))

    def add_photo(self, photo: Photo) -> None:
        """Store an uploaded photo."""
        self._connection.execute(insert(child_photos), as_row(photo))

    def photo(self, photo_id: str) -> Photo | None:
        """The photo with this id, or None."""
        row = self._connection.execute(select(child_photos).where(child_photos.c.id == photo_id)).first()
        return from_row(row, Photo) if row else None

    def _upsert(self, table: Any, key_column: Any, key: str, values: dict[str, Any]) -> None:
        # The caller holds the lock of the parent row, so no one inserts between the two statements.
        changed = self._connection.execute(update(table).where(key_column == key).values(values)).rowcount
        if changed == 0:
            self._connection.execute(insert(table), values)


class SqlRequestRepository(KeyedRepository[ChangeRequest]):
    """Requests (`add`, `get` by id) and their answers; the queue reads through (organisation_code,
    status, submitted_at)."""

    key = change_requests.c.id
    stored = ChangeRequest

    def find(self, query: RequestQuery) -> Sequence[ChangeRequest]:
        """The requests matching every filter of `query`, oldest submitted first."""
        c = change_requests.c
        status = query.status.value if query.status else None
        given: dict[Column[Any], object] = {c.organisation_code: query.organisation_code,
                                            c.family_id: query.family_id, c.child_id: query.child_id,
                                            c.status: status}
        statement = where_given(select(change_requests), given)
        if query.kinds is not None:
            statement = statement.where(c.kind.in_(sorted(kind.value for kind in query.kinds)))
        rows = self._connection.execute(statement.order_by(c.submitted_at, c.id))
        return [from_row(row, ChangeRequest) for row in rows]

    def claim(
        self, request_id: str, status: RequestStatus, decided_at: datetime, decided_by: str, reason: str | None
    ) -> bool:
        """Decide the request if it is still pending; True only for the caller whose UPDATE changed it."""
        result = self._connection.execute(
            update(change_requests)
            .where(change_requests.c.id == request_id, change_requests.c.status == RequestStatus.PENDING.value)
            .values(status=status.value, decided_at=decided_at, decided_by=decided_by, reason=reason)
        )
        return result.rowcount == 1

    def record_effect(self, request_id: str, before: Changes, child_id: str | None) -> None:
        """Keep the `before` of an accepted request and the child it concerns."""
        self._connection.execute(
            update(change_requests).where(change_requests.c.id == request_id)
            .values(before=dict(before), child_id=child_id)
        )
