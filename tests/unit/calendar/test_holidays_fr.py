"""The holiday calendar adapter on the data the French packages ship."""

from __future__ import annotations

from datetime import date

import pytest

from famille.adapters.calendar.holidays_fr import FrenchHolidayCalendar
from famille.kernel.calendar.model import HolidayKind
from famille.ports.calendar import CalendarDataUnavailable

SOURCE = FrenchHolidayCalendar()


def test_christmas_and_bastille_day_are_public_holidays_with_french_names() -> None:
    days = SOURCE.public_holidays(2025, alsace_moselle=False)
    assert days[date(2025, 12, 25)] == "Noël"
    assert days[date(2025, 7, 14)] == "Fête nationale"
    assert len(days) == 11


def test_alsace_moselle_adds_good_friday_and_26_december() -> None:
    metropole = SOURCE.public_holidays(2026, alsace_moselle=False)
    alsace = SOURCE.public_holidays(2026, alsace_moselle=True)
    assert set(alsace) - set(metropole) == {date(2026, 4, 3), date(2026, 12, 26)}
    assert alsace[date(2026, 4, 3)] == "Vendredi saint"


def test_the_three_zones_start_their_february_holidays_on_different_saturdays() -> None:
    starts = {
        zone: next(p.start for p in SOURCE.school_holidays(2025, zone) if p.name == "Vacances d'hiver")
        for zone in "ABC"
    }
    assert starts == {"A": date(2026, 2, 7), "B": date(2026, 2, 14), "C": date(2026, 2, 21)}


def test_the_summer_holidays_are_the_only_grandes_vacances_and_end_on_31_august() -> None:
    periods = SOURCE.school_holidays(2025, "A")
    grandes = [p for p in periods if p.kind is HolidayKind.GRANDES]
    assert [(p.start, p.end) for p in grandes] == [(date(2026, 7, 4), date(2026, 8, 31))]
    assert [p.start for p in periods] == sorted(p.start for p in periods)
    christmas = next(p for p in periods if p.name == "Vacances de Noël")
    assert (christmas.start, christmas.end, christmas.kind) == (date(2025, 12, 20), date(2026, 1, 4), HolidayKind.PETITES)


def test_a_late_rentree_keeps_the_first_days_of_september_in_the_summer_holidays() -> None:
    first = SOURCE.school_holidays(2024, "C")[0]
    assert (first.start, first.end, first.kind) == (date(2024, 9, 1), date(2024, 9, 1), HolidayKind.GRANDES)


def test_a_school_year_beyond_the_shipped_data_is_unavailable() -> None:
    with pytest.raises(CalendarDataUnavailable):
        SOURCE.school_holidays(2028, "A")


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="zone"):
        SOURCE.school_holidays(2025, "D")


def test_answers_are_cached_per_year_and_zone() -> None:
    source = FrenchHolidayCalendar()
    assert source.school_holidays(2025, "B") is source.school_holidays(2025, "B")
    assert source.public_holidays(2025, alsace_moselle=True) is source.public_holidays(2025, alsace_moselle=True)
