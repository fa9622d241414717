"""The one reader of days and months typed by people or programs: strict, and bounded.

Everything the portal computes from a date (school years, holidays, the next month,
a billing run) is defined for the years `FIRST_YEAR`..`LAST_YEAR` only: the
calendar data and the organisations' school years live there. A day or a month
outside that window, or not written `AAAA-MM-JJ` / `AAAA-MM`, is refused where it
enters (API payloads and queries, page addresses and forms) with a French message
naming the field, never let through to fail deeper down.
"""

from __future__ import annotations

import re
from datetime import date

from famille.kernel.shared.errors import FieldError, ValidationFailed

FIRST_YEAR = 2000
LAST_YEAR = 2099
#: Dates of a family's record (a parent's birth, an allergy found long ago) may be older.
RECORD_FIRST_YEAR = 1900
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
DAY_FORMAT = f"une date AAAA-MM-JJ entre le 01/01/{FIRST_YEAR} et le 31/12/{LAST_YEAR}"
MONTH_FORMAT = f"un mois AAAA-MM entre {FIRST_YEAR}-01 et {LAST_YEAR}-12"


class DateRefused(ValueError):
    """Not a day (or month) of the window; `args[0]` says what is expected, in French."""


def read_day(value: object, *, since: int = FIRST_YEAR) -> date:
    """« 2026-12-05 » as a date of the window (from the year `since`), or `DateRefused`."""
    found = _DAY.fullmatch(value) if isinstance(value, str) else None
    expected = DAY_FORMAT if since == FIRST_YEAR else DAY_FORMAT.replace(str(FIRST_YEAR), str(since), 1)
    if found is None or not since <= int(found.group(1)) <= LAST_YEAR:
        raise DateRefused(expected)
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        raise DateRefused(expected) from None


def read_month(value: object) -> date:
    """« 2026-12 » as the first day of that month of the window, or `DateRefused`."""
    found = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if found is None or not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR or not 1 <= int(found.group(2)) <= 12:
        raise DateRefused(MONTH_FORMAT)
    return date(int(found.group(1)), int(found.group(2)), 1)


def is_month(value: object) -> bool:
    """Whether `value` is a month `read_month` takes."""
    try:
        read_month(value)
    except DateRefused:
        return False
    return True


def in_window(day: date) -> bool:
    """Whether `day` is one the portal can compute with."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def parse_day(value: object, field: str) -> date:
    """`read_day`, refusing with `ValidationFailed` on `field`."""
    try:
        return read_day(value)
    except DateRefused as refused:
        raise ValidationFailed([FieldError(field, f"« {field} » : {refused.args[0]}.")]) from None


def parse_month(value: object, field: str) -> date:
    """`read_month`, refusing with `ValidationFailed` on `field`."""
    try:
        return read_month(value)
    except DateRefused as refused:
        raise ValidationFailed([FieldError(field, f"« {field} » : {refused.args[0]}.")]) from None
