"""What each day is for each service of an organisation."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from famille.kernel.calendar.model import (
    Closure,
    DayKind,
    HolidayKind,
    HolidayPeriod,
    OrganisationCalendar,
    SchoolYear,
)
from tests.fakes.calendar import FakeHolidayCalendar

CANTEEN, GARDERIE = "RESTAURATION", "GARDERIE MATIN"
WEEKDAYS_CANTEEN, WEEKDAYS_GARDERIE = {0, 1, 3, 4}, {0, 1, 2, 3, 4}


def _calendar(*closures: Closure) -> OrganisationCalendar:
    source = FakeHolidayCalendar(
        {date(2025, 11, 11): "Armistice", date(2025, 12, 25): "Noël", date(2026, 5, 14): "Ascension"},
        alsace_moselle_extra={date(2025, 12, 26): "Saint-Étienne"},
        school={"A": [
            HolidayPeriod(date(2025, 12, 20), date(2026, 1, 4), "Vacances de Noël", HolidayKind.PETITES),
            HolidayPeriod(date(2026, 7, 4), date(2026, 8, 31), "Vacances d'été", HolidayKind.GRANDES),
        ]},
    )
    return OrganisationCalendar.from_source(
        source, school_year=SchoolYear.starting(2025), zone="A", alsace_moselle=False,
        opening_weekdays={CANTEEN: WEEKDAYS_CANTEEN, GARDERIE: WEEKDAYS_GARDERIE}, closures=closures,
    )


def test_the_school_year_starts_on_1_september_and_ends_on_31_august() -> None:
    assert SchoolYear.containing(date(2025, 9, 1)) == SchoolYear(date(2025, 9, 1), date(2026, 8, 31))
    assert SchoolYear.containing(date(2026, 8, 31)) == SchoolYear.starting(2025)
    assert SchoolYear.starting(2025).label == "2025-2026"


def test_the_canteen_does_not_open_on_wednesday_but_the_garderie_does() -> None:
    calendar = _calendar()
    wednesday = date(2025, 12, 3)
    assert calendar.day_kind(wednesday, CANTEEN) is DayKind.NON_OUVRE
    assert calendar.day_kind(wednesday, GARDERIE) is DayKind.OPEN
    assert calendar.is_bookable(wednesday, GARDERIE) and not calendar.is_bookable(wednesday, CANTEEN)


def test_christmas_is_a_public_holiday_inside_the_petites_vacances() -> None:
    calendar = _calendar()
    assert calendar.day_kind(date(2025, 12, 25), CANTEEN) is DayKind.JOUR_FERIE
    assert calendar.day_kind(date(2025, 12, 22), CANTEEN) is DayKind.PETITES_VACANCES
    assert calendar.day_kind(date(2025, 12, 27), CANTEEN) is DayKind.PETITES_VACANCES
    assert calendar.day_kind(date(2026, 7, 6), CANTEEN) is DayKind.GRANDES_VACANCES


def test_weekends_outside_holidays_and_days_outside_the_school_year_are_named() -> None:
    calendar = _calendar()
    assert calendar.day_kind(date(2025, 12, 6), GARDERIE) is DayKind.WEEKEND
    assert calendar.day_kind(date(2025, 8, 29), GARDERIE) is DayKind.HORS_ANNEE


def test_a_closure_of_one_service_leaves_the_others_open_and_the_day_working() -> None:
    calendar = _calendar(Closure(date(2025, 12, 5), CANTEEN, "Grève du personnel de cantine"))
    assert calendar.day_kind(date(2025, 12, 5), CANTEEN) is DayKind.FERMETURE
    assert calendar.day_kind(date(2025, 12, 5), GARDERIE) is DayKind.OPEN
    assert calendar.is_working_day(date(2025, 12, 5))


def test_a_closure_of_every_service_is_not_a_working_day() -> None:
    calendar = _calendar(Closure(date(2025, 12, 5), None, "Pont"))
    assert calendar.day_kind(date(2025, 12, 5), GARDERIE) is DayKind.FERMETURE
    assert not calendar.is_working_day(date(2025, 12, 5))


def test_school_holidays_are_working_days_but_weekends_and_public_holidays_are_not() -> None:
    calendar = _calendar()
    assert calendar.is_working_day(date(2025, 12, 22))
    assert not calendar.is_working_day(date(2025, 12, 25))
    assert not calendar.is_working_day(date(2025, 12, 20))


def test_alsace_moselle_adds_26_december_to_the_calendar() -> None:
    source = FakeHolidayCalendar({}, alsace_moselle_extra={date(2025, 12, 26): "Saint-Étienne"}, school={"A": []})
    calendar = OrganisationCalendar.from_source(
        source, school_year=SchoolYear.starting(2025), zone="A", alsace_moselle=True,
        opening_weekdays={CANTEEN: WEEKDAYS_CANTEEN},
    )
    assert calendar.day_kind(date(2025, 12, 26), CANTEEN) is DayKind.JOUR_FERIE


def test_an_unknown_service_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        _calendar().day_kind(date(2025, 12, 5), "PISCINE")


def test_opening_weekdays_outside_monday_to_sunday_are_refused() -> None:
    with pytest.raises(ValueError, match="0 \\(Monday\\)"):
        OrganisationCalendar(SchoolYear.starting(2025), {CANTEEN: {7}})


def test_the_kernel_does_not_import_the_holiday_data_packages() -> None:
    kernel = Path(__file__).resolve().parents[3] / "kernel"
    imported = set()
    for path in kernel.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert not imported & {"holidays", "vacances_scolaires_france"}
