"""The background port: work done after the request has been answered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Background(Protocol):
    """Runs work off the request path.

    Contract: `submit` returns at once, whatever the work is, so that what the
    caller answers (and how long it takes) tells nothing of what the work will
    find. The work runs later, in another thread or process; an exception it
    raises is logged with its traceback by the adapter, never lost and never
    raised to the caller.
    """

    def submit(self, work: Callable[[], None]) -> None:
        """Run `work` later."""
        ...
