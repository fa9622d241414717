"""A settable clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from famille.kernel.shared.time import PARIS, require_aware


class FakeClock:
    """A clock that stays where a test puts it."""

    def __init__(self, now: datetime | None = None) -> None:
        self._now = require_aware(now) if now else datetime(2026, 11, 28, 10, 0, tzinfo=PARIS)

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = require_aware(now)

    def advance(self, delta: timedelta) -> None:
        self._now = (self._now + delta).astimezone(PARIS)
