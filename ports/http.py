"""The driving side: what the HTTP API, the web portal and embedding software may call.

The kernel owns this interface: `famille.kernel.application.Portal` implements it.
Driving adapters receive a `Portal` from the composition root and never build
use cases themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from famille.kernel.authentication import Authentication
    from famille.kernel.home import Home
    from famille.kernel.inbox_service import Inbox
    from famille.ports.clock import Clock
    from famille.ports.rules import Rules


class Application(Protocol):
    """The use cases a driving adapter calls (each is a kernel service object)."""

    @property
    def clock(self) -> Clock:
        """The portal's clock (for "today" on pages)."""
        ...

    @property
    def rules(self) -> Rules:
        """The rules in force (to explain a decision)."""
        ...

    @property
    def authentication(self) -> Authentication:
        """Login, sessions, passwords."""
        ...

    @property
    def home(self) -> Home:
        """The home page."""
        ...

    @property
    def inbox(self) -> Inbox:
        """The inbox."""
        ...
