"""Who may see which record; reading a record whole, and writing back what changed of it.

A family sees its own record and the records of its children (a child of
separated parents belongs to both households); an agent sees the records of its
organisation. Anyone else is told the record does not exist (`NotFound`), never
that it is someone else's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from famille.kernel.accounts.model import Principal
from famille.kernel.families.model import Child, Family
from famille.kernel.families.records import NO_PRATIQUE, PRATIQUES, ChildRecord, FamilyRecord
from famille.kernel.shared.errors import NotFound
from famille.kernel.shared.organisations import StructureKind
from famille.ports.persistence import UnitOfWork

FAMILY_NOT_FOUND = "Famille introuvable."
CHILD_NOT_FOUND = "Enfant introuvable."

_T = TypeVar("_T")


def may_see_family(principal: Principal, family: Family) -> bool:
    """Whether `principal` may read this family's record."""
    if principal.is_agent:
        return principal.organisation_code == family.organisation_code
    return principal.family_id == family.id


def may_see_child(principal: Principal, child: Child) -> bool:
    """Whether `principal` may read this child's record (each of its families may)."""
    if principal.is_agent:
        return principal.organisation_code == child.organisation_code
    return principal.family_id is not None and principal.family_id in child.family_ids


def visible_family(uow: UnitOfWork, principal: Principal, family_id: str) -> Family:
    """The family, if `principal` may see it; `NotFound` otherwise."""
    family = uow.families.get(family_id)
    if family is None or not may_see_family(principal, family):
        raise NotFound(FAMILY_NOT_FOUND)
    return family


def visible_child(uow: UnitOfWork, principal: Principal, child_id: str, *, read: Child | None = None) -> Child:
    """The child, if `principal` may see it; `NotFound` otherwise.

    `read`: the child as this request read it already (with the session, `Callers`), spared a second read.
    """
    (child,) = visible_children(uow, principal, [child_id], read=(read,) if read is not None else ())
    return child


def visible_children(uow: UnitOfWork, principal: Principal, child_ids: Sequence[str], *,
                     read: Sequence[Child] = ()) -> list[Child]:
    """The children (in the order given, each once), if `principal` may see every one; `NotFound` otherwise.

    `read`: children this request read already; only the others are read (in one query).
    """
    children = read_children(uow, child_ids, read=read)
    if not all(may_see_child(principal, child) for child in children):
        raise NotFound(CHILD_NOT_FOUND)
    return children


def read_children(uow: UnitOfWork, child_ids: Sequence[str], *, read: Sequence[Child] = ()) -> list[Child]:
    """The children (in the order given, each once), whoever asks; `NotFound` when one does not exist.

    For a use case that decides itself who sees what of them (the planning of a child enrolled in
    several organisations); `read`: children this request read already, only the others are read.
    """
    known = {child.id: child for child in read}
    wanted_ids = list(dict.fromkeys(child_ids))
    missing = [child_id for child_id in wanted_ids if child_id not in known]
    found = {**known, **uow.families.get_children(missing)} if missing else known
    children = [child for child_id in wanted_ids if (child := found.get(child_id)) is not None]
    if len(children) != len(wanted_ids):
        raise NotFound(CHILD_NOT_FOUND)
    return children


def family_record(uow: UnitOfWork, family_id: str, *, for_update: bool = False) -> FamilyRecord:
    """The whole record of a family (locked for the transaction when `for_update`)."""
    sections = uow.records.family_sections(family_id, for_update=for_update)
    return FamilyRecord(_found(uow.families.get(family_id), FAMILY_NOT_FOUND), sections)


def child_record(uow: UnitOfWork, child_id: str, *, for_update: bool = False) -> ChildRecord:
    """The whole record of a child (locked for the transaction when `for_update`)."""
    sections = uow.records.child_sections(child_id, for_update=for_update)
    return ChildRecord(_found(uow.families.get_child(child_id), CHILD_NOT_FOUND), sections)


def save_family_record(uow: UnitOfWork, read: FamilyRecord, changed: FamilyRecord) -> None:
    """Write back what changed of a family's record since it was `read` (the family, its sections)."""
    if changed.family != read.family:
        uow.records.update_family(changed.family)
    if changed.sections != read.sections:
        uow.records.save_family_sections(read.family.id, changed.sections)


def save_child_record(uow: UnitOfWork, read: ChildRecord, changed: ChildRecord) -> None:
    """Write back what changed of a child's record since it was `read` (the child, its sections)."""
    if changed.child != read.child:
        uow.records.update_child(changed.child)
    if changed.sections != read.sections:
        uow.records.save_child_sections(read.child.id, changed.sections)


def _found(found: _T | None, message: str) -> _T:
    """`found`, or `NotFound(message)` when nothing was."""
    if found is None:
        raise NotFound(message)
    return found


def pratiques_offered(uow: UnitOfWork, child: Child) -> tuple[str, ...]:
    """The menus the child's canteen offers, in the guide's order; « --Aucun-- » always.

    The child's canteen is, for now, every canteen of its organisation; once
    enrolments exist this is the one place to narrow it to the child's own.
    """
    offered = {NO_PRATIQUE}
    for structure in uow.organisations.structures(child.organisation_code):
        if structure.kind is StructureKind.CANTINE:
            offered.update(structure.pratiques)
    return tuple(p for p in PRATIQUES if p in offered) + tuple(sorted(offered - set(PRATIQUES)))
