"""The calendar of an organisation for a school year, built from its services, closures and holidays."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from famille.kernel.calendar.model import Closure, HolidayPeriod, OrganisationCalendar, SchoolYear
from famille.kernel.shared.errors import DomainError
from famille.kernel.shared.organisations import Organisation, Service
from famille.ports.calendar import CalendarDataUnavailable, HolidayCalendar


class CalendarUnavailable(DomainError):
    """The holiday data do not cover the school year asked for."""

    title = "Calendrier indisponible"


class NoHolidays:
    """A holiday source with no holidays at all: the default when none is wired (tests, embedding)."""

    def public_holidays(self, year: int, *, alsace_moselle: bool) -> Mapping[date, str]:
        """No public holiday."""
        return {}

    def school_holidays(self, school_year_start: int, zone: str) -> Sequence[HolidayPeriod]:
        """No school holiday."""
        return ()


def build_calendar(
    source: HolidayCalendar,
    organisation: Organisation,
    services: Iterable[Service],
    closures: Iterable[Closure],
    school_year: SchoolYear,
) -> OrganisationCalendar:
    """The organisation's calendar of `school_year` (closures outside it are ignored)."""
    try:
        return OrganisationCalendar.from_source(
            source,
            school_year=school_year,
            zone=organisation.school_zone,
            alsace_moselle=organisation.alsace_moselle,
            opening_weekdays={service.code: service.weekdays for service in services},
            closures=closures,
        )
    except CalendarDataUnavailable:
        raise CalendarUnavailable(
            f"Le calendrier de l'année scolaire {school_year.label} (jours fériés et vacances scolaires) "
            "n'est pas connu du portail : ni réservation ni facturation ne sont possibles sur cette année "
            "tant qu'il manque."
        ) from None
