"""Reading the inbox ("Boîte de réception")."""

from __future__ import annotations

from collections.abc import Sequence

from famille.kernel.accounts.model import Principal
from famille.kernel.families.inbox import InboxMessage
from famille.kernel.shared.errors import NotFound
from famille.ports.clock import Clock
from famille.ports.persistence import UnitOfWorkFactory


class Inbox:
    """The caller's messages; nobody reads another account's inbox."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def messages(self, principal: Principal) -> Sequence[InboxMessage]:
        """The caller's messages, newest first."""
        with self._uow() as uow:
            return list(uow.inbox.for_account(principal.account_id))

    def mark_read(self, principal: Principal, message_id: str) -> None:
        """Mark one of the caller's messages read (`NotFound` for anyone else's)."""
        with self._uow() as uow:
            if not uow.inbox.mark_read(principal.account_id, message_id, self._clock.now()):
                raise NotFound("Message introuvable.")
            uow.commit()
