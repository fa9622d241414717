"""The repositories of the persistence port, over one SQLAlchemy Core connection.

Each repository works inside the transaction of its unit of work. Statements on
hot paths (login, session lookup) are built once here: building a `select()`
costs several times more than executing a prebuilt one. Bind parameter names
start with `p_` so that they never clash with the column names of an UPDATE.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, bindparam, func, insert, or_, select, update

from famille.adapters.primitives import as_row, from_row
from famille.adapters.sqlalchemy.accounts import CALLER, CallerReader
from famille.adapters.sqlalchemy.database import KeyedRepository, SqlRepository
from famille.adapters.sqlalchemy.families import translation as tr
from famille.adapters.sqlalchemy.lean import Builder, LeanSelect
from famille.adapters.sqlalchemy.tables import (
    child_families,
    children,
    families,
    inbox_messages,
    organisations,
    services,
    structures,
)
from famille.kernel.accounts.model import Account, AuthSession
from famille.kernel.families.directory import FamilyMatches
from famille.kernel.families.inbox import InboxMessage
from famille.kernel.families.model import Child, Family
from famille.kernel.shared.organisations import Organisation, Service, Structure


class SqlOrganisationRepository(KeyedRepository[Organisation]):
    """Organisations (`add`, `get` by code), their structures and their services."""

    key = organisations.c.code
    stored = Organisation

    def list(self) -> Sequence[Organisation]:
        """Every organisation, by code."""
        rows = self._connection.execute(select(organisations).order_by(organisations.c.code))
        return [from_row(row, Organisation) for row in rows]

    def add_structure(self, structure: Structure) -> None:
        """Store a new structure."""
        self._connection.execute(insert(structures), as_row(structure))

    def structures(self, organisation_code: str) -> Sequence[Structure]:
        """The structures of an organisation, by name."""
        rows = self._connection.execute(
            select(structures)
            .where(structures.c.organisation_code == organisation_code)
            .order_by(structures.c.name, structures.c.id)
        )
        return [from_row(row, Structure) for row in rows]

    def add_service(self, service: Service) -> None:
        """Store a new service."""
        self._connection.execute(insert(services), tr.service_to_values(service))

    def services(self, organisation_code: str) -> Sequence[Service]:
        """The services of an organisation's structures, by structure name then service name."""
        rows = self._connection.execute(
            select(services)
            .join(structures, services.c.structure_id == structures.c.id)
            .where(structures.c.organisation_code == organisation_code)
            .order_by(structures.c.name, structures.c.id, services.c.name, services.c.id)
        )
        return [tr.service_from_row(row) for row in rows]

    def with_services(self, codes: Collection[str]
                      ) -> Mapping[str, tuple[Organisation, Sequence[Structure], Sequence[Service]]]:
        """The organisations with their structures and services: one query (outer joins), same orders."""
        if not codes:
            return {}
        rows: dict[str, list[Row[Any]]] = {}
        for row in self._connection.execute(_ORGANISATIONS_WITH_SERVICES, {"p_codes": list(codes)}):
            rows.setdefault(row.code, []).append(row)
        return {code: _translated(found) for code, found in rows.items()}


_ORGANISATIONS_WITH_SERVICES = (
    select(organisations, *[c.label(f"st_{c.name}") for c in structures.c],
           *[c.label(f"sv_{c.name}") for c in services.c])
    .select_from(organisations.outerjoin(structures, structures.c.organisation_code == organisations.c.code)
                 .outerjoin(services, services.c.structure_id == structures.c.id))
    .where(organisations.c.code.in_(bindparam("p_codes", expanding=True)))
    .order_by(organisations.c.code, structures.c.name, structures.c.id, services.c.name, services.c.id)
)


#: Organisations translated from their rows, by the rows' text: an organisation's setup rarely changes, and
#: every request about a child reads it (bounded: emptied when full).
_TRANSLATED: dict[str, tuple[Organisation, tuple[Structure, ...], tuple[Service, ...]]] = {}
_TRANSLATED_MAX = 1024


def _translated(rows: Sequence[Row[Any]]) -> tuple[Organisation, tuple[Structure, ...], tuple[Service, ...]]:
    """`_organisation_with_services`, done once per distinct content of the rows."""
    key = repr([tuple(row) for row in rows])
    found = _TRANSLATED.get(key)
    if found is None:
        if len(_TRANSLATED) >= _TRANSLATED_MAX:
            _TRANSLATED.clear()
        organisation, structures, services = _organisation_with_services(rows)
        found = _TRANSLATED[key] = (organisation, tuple(structures), tuple(services))
    return found


def _organisation_with_services(rows: Sequence[Row[Any]]) -> tuple[Organisation, list[Structure], list[Service]]:
    """An organisation, its structures and its services from its rows of `_ORGANISATIONS_WITH_SERVICES`."""
    found_structures: dict[str, Structure] = {}
    found_services: list[Service] = []
    for row in rows:
        values = row._mapping
        if values["st_id"] is not None and values["st_id"] not in found_structures:
            found_structures[values["st_id"]] = from_row(_prefixed(values, "st_", structures), Structure)
        if values["sv_id"] is not None:
            found_services.append(tr.service_from_row(_prefixed(values, "sv_", services)))  # type: ignore[arg-type]
    organisation = from_row(_prefixed(rows[0]._mapping, "", organisations), Organisation)
    return organisation, list(found_structures.values()), found_services


class _Columns(dict[str, Any]):
    """Some columns of a row, readable as attributes too (what the row translations read)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _prefixed(values: Mapping[str, Any], prefix: str, table: Any) -> _Columns:
    """The columns of `table` in a joined row, where they were labelled `prefix` + name."""
    return _Columns({c.name: values[prefix + c.name] for c in table.c})


_FAMILY_BY_ID = select(families).where(families.c.id == bindparam("p_id"))
_CALLER_WITH_CHILD = (
    CALLER.add_columns(*[c.label(f"child_{c.name}") for c in children.c],
                       child_families.c.family_id.label("link_family_id"))
    .outerjoin(children, children.c.id == bindparam("p_child"))
    .outerjoin(child_families, child_families.c.child_id == children.c.id)
    .order_by(child_families.c.position)
)
_LEAN_CALLER_WITH_CHILD = LeanSelect(_CALLER_WITH_CHILD)
_CALLER_OF = CallerReader(_LEAN_CALLER_WITH_CHILD)
_CHILD_OF = Builder(Child, _LEAN_CALLER_WITH_CHILD.index, prefix="child_", given=("family_ids",))
_CHILD_ID = _LEAN_CALLER_WITH_CHILD.index["child_id"]
_LINK_FAMILY_ID = _LEAN_CALLER_WITH_CHILD.index["link_family_id"]
_CHILDREN_WITH_FAMILIES = (
    select(children, child_families.c.family_id.label("link_family_id"))
    .outerjoin(child_families, child_families.c.child_id == children.c.id)
    .where(children.c.id.in_(bindparam("p_child_ids", expanding=True)))
    .order_by(children.c.id, child_families.c.position)
)
# one row per (family asked, child, each family of the child), the child's families in their order
_PAGE_LINK = child_families.alias("page_link")
_CHILDREN_OF_FAMILIES = (
    select(children, _PAGE_LINK.c.family_id.label("page_family_id"),
           child_families.c.family_id.label("link_family_id"))
    .join(_PAGE_LINK, _PAGE_LINK.c.child_id == children.c.id)
    .join(child_families, child_families.c.child_id == children.c.id)
    .where(_PAGE_LINK.c.family_id.in_(bindparam("p_family_ids", expanding=True)))
    .order_by(_PAGE_LINK.c.family_id, children.c.date_naissance, children.c.id, child_families.c.position)
)


class SqlFamilyRepository(SqlRepository):
    """Families with their adults as columns, children linked through `child_families`."""

    def add(self, family: Family) -> None:
        """Store a new family."""
        self._connection.execute(insert(families), tr.family_to_values(family))

    def get(self, family_id: str) -> Family | None:
        """The family with this id, or None."""
        row = self._connection.execute(_FAMILY_BY_ID, {"p_id": family_id}).first()
        return tr.family_from_row(row) if row else None

    def of_organisation(self, organisation_code: str) -> Sequence[Family]:
        """The organisation's families, by N° famille."""
        rows = self._connection.execute(select(families).where(families.c.organisation_code == organisation_code)
                                        .order_by(families.c.number))
        return [tr.family_from_row(row) for row in rows]

    def by_number(self, organisation_code: str, number: str) -> Family | None:
        """The family with this N° famille in an organisation, or None."""
        row = self._connection.execute(
            select(families).where(
                families.c.organisation_code == organisation_code, families.c.number == number
            )
        ).first()
        return tr.family_from_row(row) if row else None

    def add_child(self, child: Child) -> None:
        """Store a new child and its links to its families, in the order given."""
        self._connection.execute(insert(children), tr.child_to_values(child))
        if child.family_ids:
            self._connection.execute(
                insert(child_families),
                [
                    {"child_id": child.id, "family_id": family_id, "position": position}
                    for position, family_id in enumerate(child.family_ids)
                ],
            )

    def get_child(self, child_id: str) -> Child | None:
        """The child with this id, or None (one query)."""
        return self.get_children([child_id]).get(child_id)

    def caller_with_child(self, token_digest: str, child_id: str) -> tuple[AuthSession, Account, Child | None] | None:
        """The session, its account and the child: one query (the child's columns outer-joined, one row per family)."""
        rows = _LEAN_CALLER_WITH_CHILD.rows(self._connection, {"p_digest": token_digest, "p_child": child_id})
        if not rows:
            return None
        session, account = _CALLER_OF(rows[0])
        if rows[0][_CHILD_ID] is None:
            return session, account, None
        family_ids = tuple(row[_LINK_FAMILY_ID] for row in rows if row[_LINK_FAMILY_ID] is not None)
        return session, account, _CHILD_OF(rows[0], family_ids=family_ids)

    def get_children(self, child_ids: Collection[str]) -> Mapping[str, Child]:
        """The children with these ids, with their families' ids, in one query."""
        if not child_ids:
            return {}
        rows: dict[str, list[Row[Any]]] = {}
        for row in self._connection.execute(_CHILDREN_WITH_FAMILIES, {"p_child_ids": list(child_ids)}):
            rows.setdefault(row.id, []).append(row)
        return {child_id: tr.child_from_row(found[0], tuple(r.link_family_id for r in found
                                                               if r.link_family_id is not None))
                for child_id, found in rows.items()}

    def children_of(self, family_id: str) -> Sequence[Child]:
        """The children a family is responsible for, by date of birth (one query)."""
        return self.children_of_families([family_id]).get(family_id, [])

    def children_of_families(self, family_ids: Collection[str]) -> Mapping[str, Sequence[Child]]:
        """Each family's children by date of birth, each with all its families' ids, in one query."""
        if not family_ids:
            return {}
        rows: dict[str, dict[str, list[Row[Any]]]] = {}
        for row in self._connection.execute(_CHILDREN_OF_FAMILIES, {"p_family_ids": list(family_ids)}):
            rows.setdefault(row.page_family_id, {}).setdefault(row.id, []).append(row)
        return {family_id: [tr.child_from_row(found[0], tuple(r.link_family_id for r in found))
                            for found in by_child.values()]
                for family_id, by_child in rows.items()}

    def search(self, organisation_code: str, words: Sequence[str], offset: int, limit: int) -> FamilyMatches:
        """The organisation's families matching every folded word, a page of them and the count of all.

        Each word is a `LIKE '%word%'` on the stored folded texts (words are letters and digits
        only, so nothing needs escaping), in SQL on SQLite and PostgreSQL alike.
        """
        where = and_(families.c.organisation_code == organisation_code,
                     *(_family_matches(organisation_code, f"%{word}%") for word in words))
        total = self._connection.execute(select(func.count()).select_from(families).where(where)).scalar_one()
        rows = self._connection.execute(
            select(families).where(where)
            .order_by(families.c.responsable_nom, families.c.responsable_prenom, families.c.number, families.c.id)
            .offset(offset).limit(limit)
        )
        return FamilyMatches(int(total), tuple(tr.family_from_row(row) for row in rows))


def _family_matches(organisation_code: str, pattern: str) -> ColumnElement[bool]:
    """The family's own text, or one of its children's of the organisation, holds `pattern`.

    The children are matched once for the whole search (an uncorrelated `IN`): a correlated
    `EXISTS` let SQLite scan every child of the organisation for each family.
    """
    families_of_matching_children = (
        select(child_families.c.family_id)
        .join(children, children.c.id == child_families.c.child_id)
        .where(children.c.organisation_code == organisation_code, children.c.search_text.like(pattern))
    )
    return or_(families.c.search_text.like(pattern), families.c.id.in_(families_of_matching_children))


_MESSAGES_OF_ACCOUNT = (
    select(inbox_messages)
    .where(inbox_messages.c.account_id == bindparam("p_account_id"))
    .order_by(inbox_messages.c.created_at.desc(), inbox_messages.c.id.desc())
)
_UNREAD_COUNT = select(func.count()).where(
    inbox_messages.c.account_id == bindparam("p_account_id"), inbox_messages.c.read_at.is_(None)
)
# A message read twice keeps the instant it was first read.
_MARK_READ = (
    update(inbox_messages)
    .where(inbox_messages.c.id == bindparam("p_id"), inbox_messages.c.account_id == bindparam("p_account_id"))
    .values(
        read_at=func.coalesce(
            inbox_messages.c.read_at, bindparam("p_read_at", type_=inbox_messages.c.read_at.type)
        )
    )
)


class SqlInboxRepository(SqlRepository):
    """Inbox messages; the unread count is shown on every home page."""

    def add(self, message: InboxMessage) -> None:
        """Store a new message."""
        self._connection.execute(insert(inbox_messages), as_row(message))

    def for_account(self, account_id: str) -> Sequence[InboxMessage]:
        """An account's messages, newest first."""
        rows = self._connection.execute(_MESSAGES_OF_ACCOUNT, {"p_account_id": account_id})
        return [from_row(row, InboxMessage) for row in rows]

    def unread_count(self, account_id: str) -> int:
        """How many messages of the account are still new."""
        return int(self._connection.execute(_UNREAD_COUNT, {"p_account_id": account_id}).scalar_one())

    def mark_read(self, account_id: str, message_id: str, read_at: datetime) -> bool:
        """Mark one of the account's messages read; False if it is not the account's."""
        result = self._connection.execute(
            _MARK_READ, {"p_id": message_id, "p_account_id": account_id, "p_read_at": read_at}
        )
        return result.rowcount == 1
