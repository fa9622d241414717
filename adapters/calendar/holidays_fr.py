"""The holiday calendar from the `holidays` and `vacances-scolaires-france` packages.

Both ship their data: no network access. Answers are cached per year and zone.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

import holidays
from vacances_scolaires_france import SchoolHolidayDates, UnsupportedYearException

from famille.kernel.calendar.model import HolidayKind, HolidayPeriod, SchoolYear
from famille.ports.calendar import CalendarDataUnavailable, HolidayCalendar

#: `holidays` names Alsace (Bas-Rhin and Haut-Rhin) "6AE" and Moselle "57": both have the same days.
ALSACE_MOSELLE_SUBDIVISION = "57"
#: The name the school-holiday data gives the summer holidays, the only « grandes vacances ».
SUMMER_NAME = "Vacances d'été"
ZONES = ("A", "B", "C")


class FrenchHolidayCalendar:
    """Implements `famille.ports.calendar.HolidayCalendar` with the French data packages."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._school_dates: SchoolHolidayDates | None = None
        self._public: dict[tuple[int, bool], Mapping[date, str]] = {}
        self._school: dict[tuple[int, str], tuple[HolidayPeriod, ...]] = {}

    def load(self) -> None:
        """Read the shipped data now (about a quarter of a second), not in the first request that needs it."""
        with self._lock:
            if self._school_dates is None:
                self._school_dates = SchoolHolidayDates()
            holidays.country_holidays("FR")  # imports the countries' modules once

    def public_holidays(self, year: int, *, alsace_moselle: bool) -> Mapping[date, str]:
        """The public holidays of `year` in France (metropolitan, or Alsace-Moselle)."""
        key = (year, alsace_moselle)
        with self._lock:
            if key not in self._public:
                subdiv = ALSACE_MOSELLE_SUBDIVISION if alsace_moselle else None
                days = holidays.country_holidays("FR", subdiv=subdiv, years=year, language="fr")
                self._public[key] = MappingProxyType({day: str(name) for day, name in sorted(days.items())})
            return self._public[key]

    def school_holidays(self, school_year_start: int, zone: str) -> Sequence[HolidayPeriod]:
        """The school holidays of zone `zone` for the school year starting in `school_year_start`."""
        if zone not in ZONES:
            raise ValueError(f"zone scolaire inconnue : {zone!r} (A, B ou C)")
        key = (school_year_start, zone)
        with self._lock:
            if key not in self._school:
                self._school[key] = self._periods(SchoolYear.starting(school_year_start), zone)
            return self._school[key]

    def _periods(self, school_year: SchoolYear, zone: str) -> tuple[HolidayPeriod, ...]:
        if self._school_dates is None:
            self._school_dates = SchoolHolidayDates()
        named: dict[date, str] = {}
        try:
            for year in (school_year.start.year, school_year.end.year):
                for day, row in self._school_dates.holidays_for_year_and_zone(year, zone).items():
                    if school_year.contains(day):
                        named[day] = row["nom_vacances"]
        except UnsupportedYearException as error:
            raise CalendarDataUnavailable(f"pas de vacances scolaires connues pour {school_year.label}") from error
        if school_year.end.year > self._school_dates.max_year or not any(
            name == SUMMER_NAME and day.year == school_year.end.year for day, name in named.items()
        ):
            raise CalendarDataUnavailable(f"vacances scolaires incomplètes pour {school_year.label}")
        return tuple(_runs(named))


def _runs(named: Mapping[date, str]) -> list[HolidayPeriod]:
    """Group consecutive days of the same name into periods."""
    periods: list[HolidayPeriod] = []
    for day in sorted(named):
        name = named[day]
        last = periods[-1] if periods else None
        if last is not None and last.name == name and last.end + timedelta(1) == day:
            periods[-1] = HolidayPeriod(last.start, day, name, last.kind)
        else:
            kind = HolidayKind.GRANDES if name == SUMMER_NAME else HolidayKind.PETITES
            periods.append(HolidayPeriod(day, day, name, kind))
    return periods


if TYPE_CHECKING:
    _conforms: HolidayCalendar = FrenchHolidayCalendar()
