"""Who is calling, and the child the request is about, in one read.

Most requests of a family are about one of its children (its planning, a booking). The session,
its account and that child are read together (`FamilyRepository.caller_with_child`); the use case
then takes the child as read (`access.visible_child(..., read=...)`) instead of reading it again.
"""

from __future__ import annotations

from famille.kernel.accounts.authentication import Authentication
from famille.kernel.accounts.model import Principal, token_digest
from famille.kernel.families.access import may_see_child
from famille.kernel.families.model import Child
from famille.ports.persistence import UnitOfWorkFactory


class Callers:
    """Authenticates a session token, with the child a request names when it names one."""

    def __init__(self, uow: UnitOfWorkFactory, authentication: Authentication) -> None:
        self._uow = uow
        self._authentication = authentication

    def caller(self, token: str, child_id: str | None = None) -> tuple[Principal, Child | None]:
        """The caller (`Unauthenticated` as `Authentication.authenticate`) and the child `child_id`, when the
        caller may see it (None otherwise: the use case then answers as it would have, `NotFound`)."""
        if child_id is None:
            return self._authentication.authenticate(token), None
        with self._uow(read_only=True) as uow:
            found = uow.families.caller_with_child(token_digest(token), child_id)
        principal = self._authentication.principal_of(found[:2] if found is not None else None)
        child = found[2] if found is not None else None
        return principal, child if child is not None and may_see_child(principal, child) else None
