"""Which of a child's enrolments a principal sees and acts on: a child may be enrolled in several organisations.

A family sees and acts on every enrolment of its children, whatever the organisation. An agent
sees a child's planning when the child belongs to its organisation or is enrolled in one of its
structures, and then only the rows, bookings, absences and pointage of its own organisation.
The child's records (health data among them) stay under `families.access`: only the agents of
the child's own organisation read them, never those of an organisation where it is only enrolled.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.families import access
from famille.kernel.families.model import Child
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.shared.errors import NotFound
from famille.ports.persistence import UnitOfWork


@attrs.frozen
class PlanningScope:
    """A child seen by one principal: its enrolments that principal may see, and the organisation it is
    limited to (None: every organisation, for the child's family)."""

    child: Child
    enrolments: tuple[Enrolment, ...]
    organisation: str | None

    def includes(self, organisation_code: str) -> bool:
        """Whether a row, booking or pointage of `organisation_code` is within the scope."""
        return self.organisation is None or self.organisation == organisation_code

    def organisations(self, first: date, last: date) -> tuple[str, ...]:
        """The organisations whose rows show from `first` to `last`: the child's own first (when in scope),
        then those of its enrolments in that period, by code."""
        home = (self.child.organisation_code,) if self.includes(self.child.organisation_code) else ()
        others = sorted({e.organisation_code for e in self.enrolments if e.organisation_code
                         and e.overlaps(first, last)} - set(home))
        return home + tuple(others)

    def organisation_of(self, service_code: str, day: date) -> str:
        """The organisation of the enrolment covering the cell; else the scope's own (the child's for a family)."""
        found = enrolment_covering(self.enrolments, service_code, day)
        if found is not None and found.organisation_code:
            return found.organisation_code
        return self.organisation or self.child.organisation_code


def enrolment_covering(enrolments: Iterable[Enrolment], service_code: str, day: date) -> Enrolment | None:
    """The enrolment covering the cell (one at most: a child is in one place per service code and day)."""
    return next((e for e in enrolments if e.covers(day, service_code)), None)


def planning_scope(uow: UnitOfWork, principal: Principal, child_id: str) -> PlanningScope:
    """The child's planning as `principal` may see it; `NotFound` when it may see none of it."""
    child = uow.families.get_child(child_id)
    return scope_of(principal, child, uow.planning.enrolments_of(child.id) if child is not None else ())


def scope_of(principal: Principal, child: Child | None, enrolments: Iterable[Enrolment]) -> PlanningScope:
    """`planning_scope` from the child and its enrolments (in every organisation) already read."""
    if child is None:
        raise NotFound(access.CHILD_NOT_FOUND)
    if not principal.is_agent:
        if not access.may_see_child(principal, child):
            raise NotFound(access.CHILD_NOT_FOUND)
        return PlanningScope(child, tuple(enrolments), None)
    organisation = principal.organisation_code
    ours = tuple(e for e in enrolments if e.organisation_code == organisation)
    if child.organisation_code != organisation and not ours:
        raise NotFound(access.CHILD_NOT_FOUND)
    return PlanningScope(child, ours, organisation)
