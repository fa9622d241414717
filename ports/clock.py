"""The clock port: the kernel never reads the time itself."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the current instant.

    Contract: `now()` returns an aware datetime in Europe/Paris (`tzinfo` is
    `famille.kernel.shared.time.PARIS`). Two calls never go backwards.
    """

    def now(self) -> datetime:
        """The current instant, aware, Europe/Paris."""
        ...
