"""The kernel's use cases gathered in one object, built from the ports."""

from __future__ import annotations

import attrs

from famille.kernel.authentication import Authentication
from famille.kernel.home import Home
from famille.kernel.inbox_service import Inbox
from famille.ports.clock import Clock
from famille.ports.notification import Notifier
from famille.ports.password_hashing import PasswordHasher
from famille.ports.persistence import UnitOfWorkFactory
from famille.ports.rules import Rules


@attrs.frozen
class Portal:
    """Every use case of the portal; what driving adapters (HTTP, CLI, embedding software) call."""

    clock: Clock
    rules: Rules
    authentication: Authentication
    home: Home
    inbox: Inbox


def build_portal(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rules: Rules,
    hasher: PasswordHasher,
    notifier: Notifier,
    portal_url: str,
) -> Portal:
    """Wire the use cases on the given ports."""
    return Portal(
        clock=clock,
        rules=rules,
        authentication=Authentication(uow, clock, rules, hasher, notifier, portal_url=portal_url),
        home=Home(uow, clock),
        inbox=Inbox(uow, clock),
    )
