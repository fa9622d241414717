"""The holiday calendar port: French public holidays and school holidays, as data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from famille.kernel.calendar.model import HolidayPeriod


class CalendarDataUnavailable(LookupError):
    """The source has no data for the year or zone asked for."""


class HolidayCalendar(Protocol):
    """Tells the public holidays of a year and the school holidays of a school year.

    Contract:
    - `public_holidays(year, alsace_moselle=...)` maps each public holiday (jour férié)
      of the civil year `year` to its French name. With `alsace_moselle`, the two
      extra days of Bas-Rhin, Haut-Rhin and Moselle are included (Vendredi saint,
      Saint-Étienne on 26 December).
    - `school_holidays(school_year_start, zone)` lists, sorted, the school holidays
      of zone "A", "B" or "C" for the school year starting in September of
      `school_year_start`, clipped to 1 September .. 31 August; each period has
      both ends included, a French name, and the kind `grandes` for the summer
      holidays, `petites` for all the others.
    - Both raise `CalendarDataUnavailable` when the source does not cover the
      request, and `ValueError` for an unknown zone. No network access; answers may
      be cached; safe to call from several threads.
    """

    def public_holidays(self, year: int, *, alsace_moselle: bool) -> Mapping[date, str]:
        """The public holidays of `year`, with their French names."""
        ...

    def school_holidays(self, school_year_start: int, zone: str) -> Sequence[HolidayPeriod]:
        """The school holidays of a school year in a zone, sorted."""
        ...
