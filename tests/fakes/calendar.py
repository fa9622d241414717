"""A holiday calendar holding the days a test gives it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from famille.kernel.calendar.model import HolidayPeriod, SchoolYear
from famille.ports.calendar import CalendarDataUnavailable


class FakeHolidayCalendar:
    """Public holidays and school holidays as given; Alsace-Moselle adds `alsace_moselle_extra`."""

    def __init__(
        self,
        public: Mapping[date, str] | None = None,
        *,
        alsace_moselle_extra: Mapping[date, str] | None = None,
        school: Mapping[str, Iterable[HolidayPeriod]] | None = None,
    ) -> None:
        self._public = dict(public or {})
        self._extra = dict(alsace_moselle_extra or {})
        self._school = {zone: tuple(periods) for zone, periods in (school or {}).items()}
        self.calls = 0

    def public_holidays(self, year: int, *, alsace_moselle: bool) -> Mapping[date, str]:
        self.calls += 1
        days = {**self._public, **(self._extra if alsace_moselle else {})}
        return {day: name for day, name in days.items() if day.year == year}

    def school_holidays(self, school_year_start: int, zone: str) -> Sequence[HolidayPeriod]:
        self.calls += 1
        if zone not in self._school:
            raise CalendarDataUnavailable(f"zone {zone}")
        year = SchoolYear.starting(school_year_start)
        return [p for p in self._school[zone] if year.contains(p.start) or year.contains(p.end)]
