"""The calendar of an organisation: which days each service opens, and why the others are shut.

Pure values: the public and school holidays come in as data (the `HolidayCalendar`
port fetches them); nothing here knows where they come from.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from famille.ports.calendar import HolidayCalendar

#: The month and day the French school year is taken to start (and the day before, to end).
SCHOOL_YEAR_START_MONTH = 9


class HolidayKind(enum.Enum):
    """Short school holidays (Toussaint, Noël, hiver, printemps, pont) or the summer ones."""

    PETITES = "petites"
    GRANDES = "grandes"


@attrs.frozen
class HolidayPeriod:
    """School holidays from `start` to `end`, both days included, e.g. « Vacances de Noël »."""

    start: date
    end: date
    name: str
    kind: HolidayKind

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"holiday period ends before it starts: {self.start} > {self.end}")

    def contains(self, day: date) -> bool:
        """Whether `day` falls within the period."""
        return self.start <= day <= self.end


@attrs.frozen
class SchoolYear:
    """A school year, `start` and `end` included; by convention 1 September to 31 August."""

    start: date
    end: date

    @classmethod
    def starting(cls, year: int) -> SchoolYear:
        """The school year that starts in September of `year` (2025 → 2025-2026)."""
        return cls(date(year, SCHOOL_YEAR_START_MONTH, 1), date(year + 1, SCHOOL_YEAR_START_MONTH, 1) - timedelta(1))

    @classmethod
    def containing(cls, day: date) -> SchoolYear:
        """The school year `day` belongs to: from September on, the one that starts that year."""
        return cls.starting(day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1)

    @property
    def label(self) -> str:
        """The usual French name, « 2025-2026 »."""
        return f"{self.start.year}-{self.end.year}"

    def contains(self, day: date) -> bool:
        """Whether `day` belongs to this school year."""
        return self.start <= day <= self.end

    def month_starts(self) -> list[date]:
        """The first day of each of its months, in order (September to August)."""
        return [date(self.start.year + (month < self.start.month), month, 1)
                for month in (*range(self.start.month, 13), *range(1, self.start.month))]


@attrs.frozen
class Closure:
    """A day a service (or, with `service_code` None, every service) is closed, with its French reason."""

    day: date
    service_code: str | None
    reason: str

    def applies_to(self, service_code: str) -> bool:
        """Whether the closure shuts `service_code`."""
        return self.service_code is None or self.service_code == service_code


class DayKind(enum.Enum):
    """What a day is for one service; the French label is what a person reads."""

    OPEN = "ouvert"
    WEEKEND = "week-end"
    JOUR_FERIE = "jour férié"
    PETITES_VACANCES = "petites vacances"
    GRANDES_VACANCES = "grandes vacances"
    FERMETURE = "fermeture"
    NON_OUVRE = "non ouvré"
    HORS_ANNEE = "hors année scolaire"

    @property
    def label(self) -> str:
        """French label, capitalised."""
        return self.value[0].upper() + self.value[1:]


def _frozen_weekdays(value: Mapping[str, Iterable[int]]) -> Mapping[str, frozenset[int]]:
    weekdays = {code: frozenset(days) for code, days in value.items()}
    for code, days in weekdays.items():
        if not days <= set(range(7)):
            raise ValueError(f"opening weekdays of {code!r} must be 0 (Monday) to 6 (Sunday): {sorted(days)}")
    return MappingProxyType(weekdays)


def _frozen_holidays(value: Mapping[date, str]) -> Mapping[date, str]:
    return MappingProxyType(dict(value))


def _periods(value: Iterable[HolidayPeriod]) -> tuple[HolidayPeriod, ...]:
    return tuple(sorted(value, key=lambda period: period.start))


def _closures(value: Iterable[Closure]) -> tuple[Closure, ...]:
    return tuple(value)


@attrs.frozen
class OrganisationCalendar:
    """The calendar of one organisation for one school year.

    `opening_weekdays` maps each service code to the weekdays it opens (0 = Monday),
    e.g. the canteen {0, 1, 3, 4} and a garderie also open on Wednesday {0, 1, 2, 3, 4}.
    `public_holidays` must cover every day the callers ask about (the school year,
    and the weeks before it where booking deadlines may fall).
    """

    school_year: SchoolYear
    opening_weekdays: Mapping[str, frozenset[int]] = attrs.field(converter=_frozen_weekdays)
    public_holidays: Mapping[date, str] = attrs.field(factory=dict, converter=_frozen_holidays)
    school_holidays: tuple[HolidayPeriod, ...] = attrs.field(default=(), converter=_periods)
    closures: tuple[Closure, ...] = attrs.field(default=(), converter=_closures)

    @classmethod
    def from_source(
        cls,
        source: HolidayCalendar,
        *,
        school_year: SchoolYear,
        zone: str,
        alsace_moselle: bool,
        opening_weekdays: Mapping[str, Iterable[int]],
        closures: Iterable[Closure] = (),
    ) -> OrganisationCalendar:
        """Build the calendar with the holidays `source` knows for the school year and zone."""
        holidays: dict[date, str] = {}
        for year in range(school_year.start.year, school_year.end.year + 1):
            holidays.update(source.public_holidays(year, alsace_moselle=alsace_moselle))
        return cls(
            school_year=school_year,
            opening_weekdays=opening_weekdays,
            public_holidays=holidays,
            school_holidays=source.school_holidays(school_year.start.year, zone),
            closures=closures,
        )

    @property
    def service_codes(self) -> tuple[str, ...]:
        """The services this calendar knows, in the order given."""
        return tuple(self.opening_weekdays)

    def holiday_period(self, day: date) -> HolidayPeriod | None:
        """The school holidays `day` falls in, if any."""
        return next((period for period in self.school_holidays if period.contains(day)), None)

    def closure(self, day: date, service_code: str) -> Closure | None:
        """The closure that shuts `service_code` on `day`, if any (a closure of every service first)."""
        found = [c for c in self.closures if c.day == day and c.applies_to(service_code)]
        return min(found, key=lambda c: c.service_code is not None, default=None)

    def day_kind(self, day: date, service_code: str) -> DayKind:
        """What `day` is for `service_code`, by this precedence (the first that holds wins).

        HORS_ANNEE (outside the school year), JOUR_FERIE, GRANDES_VACANCES or
        PETITES_VACANCES, WEEKEND (Saturday or Sunday the service does not open),
        NON_OUVRE (another weekday it does not open), FERMETURE (a closure), OPEN.
        Raises KeyError for a service the calendar does not know.
        """
        weekdays = self.opening_weekdays[service_code]
        if not self.school_year.contains(day):
            return DayKind.HORS_ANNEE
        if day in self.public_holidays:
            return DayKind.JOUR_FERIE
        period = self.holiday_period(day)
        if period is not None:
            return DayKind.GRANDES_VACANCES if period.kind is HolidayKind.GRANDES else DayKind.PETITES_VACANCES
        if day.weekday() not in weekdays:
            return DayKind.WEEKEND if day.weekday() >= 5 else DayKind.NON_OUVRE
        if self.closure(day, service_code) is not None:
            return DayKind.FERMETURE
        return DayKind.OPEN

    def is_bookable(self, day: date, service_code: str) -> bool:
        """Whether `service_code` takes children on `day` (deadlines aside)."""
        return self.day_kind(day, service_code) is DayKind.OPEN

    def is_working_day(self, day: date) -> bool:
        """A jour ouvré: not a weekend, not a public holiday, not a closure of every service.

        School holidays are working days (the town hall works): deadlines count them.
        """
        if day.weekday() >= 5 or day in self.public_holidays:
            return False
        return not any(c.day == day and c.service_code is None for c in self.closures)

    def with_closures(self, *closures: Closure) -> OrganisationCalendar:
        """The same calendar with more closures."""
        return attrs.evolve(self, closures=self.closures + closures)
