"""French names of days and months, written here so that no locale is needed."""

from __future__ import annotations

from datetime import date, datetime

from famille.kernel.shared.time import require_aware

#: Weekday names, Monday first (the index is `date.weekday()`).
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
#: Month names, January first (the index is `date.month - 1`).
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
#: The two-letter weekday abbreviations of the planning grid header (« Lu 01 »).
WEEKDAY_ABBREVIATIONS = ("Lu", "Ma", "Me", "Je", "Ve", "Sa", "Di")


def describe_date(day: date) -> str:
    """« jeudi 4 décembre 2025 », « lundi 1er septembre 2025 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"


def describe_instant(moment: datetime) -> str:
    """« jeudi 4 décembre 2025 à 23h59 », read in Europe/Paris."""
    local = require_aware(moment)
    return f"{describe_date(local.date())} à {local.hour:02d}h{local.minute:02d}"


def month_title(month: date) -> str:
    """« Décembre 2014 », the title of a monthly planning."""
    name = MONTHS[month.month - 1]
    return f"{name[0].upper()}{name[1:]} {month.year}"


def day_header(day: date) -> str:
    """« Lu 01 », the header of a day column in the planning grid."""
    return f"{WEEKDAY_ABBREVIATIONS[day.weekday()]} {day.day:02d}"
