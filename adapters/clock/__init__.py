"""The system clock adapter."""

from __future__ import annotations

from datetime import datetime

from famille.kernel.shared.time import PARIS


class SystemClock:
    """The machine's clock, read as an aware Europe/Paris instant."""

    def now(self) -> datetime:
        """The current instant in Europe/Paris."""
        return datetime.now(PARIS)
