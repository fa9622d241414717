"""The one time zone of the portal: every instant is aware, Europe/Paris."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def require_aware(moment: datetime) -> datetime:
    """Return `moment` in Europe/Paris; refuse a naive datetime (a programming error)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: every instant of the portal is aware")
    return moment.astimezone(PARIS)
