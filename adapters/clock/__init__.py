"""The clock adapters: the machine's clock, and a clock started at a set instant for walks and demos."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from famille.kernel.shared.time import PARIS, require_aware


class SystemClock:
    """The machine's clock, read as an aware Europe/Paris instant."""

    def now(self) -> datetime:
        """The current instant in Europe/Paris."""
        return datetime.now(PARIS)


class StartedClock:
    """A clock that reads `start` when it is made, then runs at the machine's pace.

    Used only when `FAMILLE_CLOCK` is set (end-to-end walks, demonstrations of a given day):
    each process that builds the portal starts again from `start`. Time keeps moving, so
    sessions, lockouts and the order of events behave as on the real clock.
    """

    def __init__(self, start: datetime) -> None:
        self._start = require_aware(start).astimezone(PARIS)
        self._origin = time.monotonic()

    def now(self) -> datetime:
        """`start` plus the time elapsed since this clock was made, in Europe/Paris."""
        return (self._start + timedelta(seconds=time.monotonic() - self._origin)).astimezone(PARIS)
