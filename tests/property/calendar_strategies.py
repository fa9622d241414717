"""Hypothesis strategies for the calendar properties: random calendars, specs and months."""

from __future__ import annotations

from datetime import date, time, timedelta

from hypothesis import strategies as st

from famille.kernel.calendar.deadlines import DeadlineKind, DeadlineSpec
from famille.kernel.calendar.model import (
    Closure,
    HolidayKind,
    HolidayPeriod,
    OrganisationCalendar,
    SchoolYear,
)

SERVICES = ("GARDERIE MATIN", "GARDERIE SOIR", "RESTAURATION")
DAYS = st.dates(date(2024, 1, 1), date(2028, 12, 31))
TIMES = st.sampled_from([time(0, 0), time(2, 0), time(2, 30), time(3, 0), time(9, 0), time(12, 0), time(23, 59)])

#: The known edges: 29 February, the Europe/Paris DST Sundays, Christmas, the rentrée, 14 July.
EDGE_DAYS = (date(2026, 3, 29), date(2026, 3, 30), date(2026, 10, 25), date(2026, 10, 26),
             date(2028, 2, 29), date(2025, 12, 25), date(2025, 12, 26), date(2025, 9, 1), date(2026, 7, 14))


@st.composite
def calendars(draw: st.DrawFn, year: int | None = None) -> OrganisationCalendar:
    """A calendar of a random school year with random holidays and closures."""
    start = draw(st.integers(2023, 2028)) if year is None else year
    school_year = SchoolYear.starting(start)
    days_in_year = st.dates(school_year.start - timedelta(60), school_year.end)
    holidays = draw(st.sets(days_in_year, max_size=15))
    periods = []
    for first in draw(st.lists(st.dates(school_year.start, school_year.end), max_size=4)):
        periods.append(HolidayPeriod(first, first + timedelta(draw(st.integers(0, 16))),
                                     "Vacances", draw(st.sampled_from(HolidayKind))))
    closures = [Closure(day, draw(st.sampled_from((None, *SERVICES))), "Fermeture")
                for day in draw(st.lists(days_in_year, max_size=15))]
    weekdays = {service: draw(st.sets(st.integers(0, 6), min_size=1)) for service in SERVICES}
    return OrganisationCalendar(school_year, weekdays, public_holidays=dict.fromkeys(holidays, "Férié"),
                                school_holidays=periods, closures=closures)


@st.composite
def specs(draw: st.DrawFn, kinds: tuple[DeadlineKind, ...] = tuple(DeadlineKind)) -> DeadlineSpec:
    """A deadline spec of one of `kinds`."""
    kind = draw(st.sampled_from(kinds))
    days = draw(st.integers(1, 10)) if kind in (DeadlineKind.CALENDAR_DAYS_BEFORE,
                                                DeadlineKind.WORKING_DAYS_BEFORE) else 0
    weekday = draw(st.integers(0, 6)) if kind is DeadlineKind.PREVIOUS_WEEKDAY else None
    return DeadlineSpec(kind, draw(TIMES), days, weekday, rule_id=f"regle-{kind.value}")
