"""What the planning pages read from addresses and forms: months, days, services, repeated checkboxes.

Nothing read here is shown as is: a value is parsed into a date or checked against
a list the kernel gave (services, reasons, children) before any page uses it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from typing import Any
from urllib.parse import urlencode

import falcon

from famille.adapters.web.forms import FORM_URLENCODED
from famille.kernel.shared import dates
from famille.kernel.shared.dates import DateRefused, read_day
from famille.kernel.shared.french_dates import WEEKDAYS

CODE_MAX = 40
#: A range of days (absence of the whole child, a booking pattern) covers at most this many days.
MAX_SPAN_DAYS = 400
#: The weekdays a pattern offers (the services open on school days).
SCHOOL_WEEKDAYS = WEEKDAYS[:5]


def parse_day(value: str | None) -> date | None:
    """« 2026-12-05 » as a date of the portal's window, None when absent or not such a date."""
    try:
        return read_day(value)
    except DateRefused:
        return None


def query_day(req: falcon.Request, name: str, today: date) -> date:
    """A day in the address (`?date=`): `today` when absent, 422 naming it when not a day of the window."""
    value = req.get_param(name)
    return today if value is None or value == "" else dates.parse_day(value, name)


def parse_month(value: str | None, today: date) -> date:
    """`?mois=YYYY-MM` as the first of the month; this month when absent, 422 naming it when wrong."""
    if value is None or value == "":
        return today.replace(day=1)
    return dates.parse_month(value, "mois")


def parse_time(value: str | None) -> time | None:
    """« 07:45 » as a time, None when blank; ValueError when not an hour."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if len(value) != 5:
        raise ValueError(value)
    return time.fromisoformat(value)


def short_text(value: str | None, limit: int = CODE_MAX) -> str | None:
    """A short printable text (a service code, an id), None otherwise."""
    if not value or len(value) > limit or not value.isprintable():
        return None
    return value


def month_key(month: date) -> str:
    """« 2026-12 »."""
    return month.strftime("%Y-%m")


def shift_month(month: date, months: int) -> date:
    """The first of the month `months` after (or before) `month`."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def address(path: str, **query: str | None) -> str:
    """`path` with the non-empty query parameters."""
    kept = {key: value for key, value in query.items() if value}
    return f"{path}?{urlencode(kept)}" if kept else path


def posted_all(req: falcon.Request, name: str) -> list[str]:
    """Every value posted for `name` (a group of checkboxes); [] for any other body."""
    if not (req.content_type or "").startswith(FORM_URLENCODED):
        return []
    media: Any = req.get_media(default_when_empty={}) or {}
    value = media.get(name)
    values = value if isinstance(value, list) else [value] if value is not None else []
    return [v for v in values if isinstance(v, str)]


def chosen(values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The values that are among `allowed`, in the order of `allowed`, once each."""
    wanted = set(values)
    return [value for value in dict.fromkeys(allowed) if value in wanted]


def day_range(first: date | None, last: date | None) -> str | None:
    """Why a range of days is not acceptable, or None when it is."""
    if first is None or last is None:
        return "Indiquez les deux dates (du … au …)."
    if last < first:
        return "La date de fin doit suivre la date de début."
    if last - first > timedelta(MAX_SPAN_DAYS):
        return f"Au plus {MAX_SPAN_DAYS} jours à la fois."
    return None
