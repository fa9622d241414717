"""A rules or calendar failure is a logged 503 problem in French, never a different decision.

On the real portal (SQL, `DurableRules` on the shipped rules, the French holiday calendar):
an engine that fails is not « no rule for this service », and holiday data that are missing
do not bill the month as if it had no holiday.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import pytest

from famille.adapters.calendar.holidays_fr import FrenchHolidayCalendar
from famille.kernel.calendar.model import HolidayPeriod
from famille.kernel.shared.time import PARIS
from famille.ports.calendar import CalendarDataUnavailable
from famille.ports.rules import RulesUnavailable
from tests.http.test_billing_end_to_end import CHILD, NOW, seed
from tests.support.real_portal import RealPortal, real_portal, run_month

FAMILY, AGENT = "marie.dupont", "agent.villeneuve"


class Holidays:
    """The French holiday calendar, until a test says its data are gone."""

    def __init__(self) -> None:
        self.real = FrenchHolidayCalendar()
        self.missing = False

    def public_holidays(self, year: int, *, alsace_moselle: bool) -> Mapping[date, str]:
        if self.missing:
            raise CalendarDataUnavailable(f"pas de jours fériés connus pour {year}")
        return self.real.public_holidays(year, alsace_moselle=alsace_moselle)

    def school_holidays(self, school_year_start: int, zone: str) -> Sequence[HolidayPeriod]:
        if self.missing:
            raise CalendarDataUnavailable(f"pas de vacances scolaires connues pour {school_year_start}")
        return self.real.school_holidays(school_year_start, zone)


@pytest.fixture
def holidays() -> Holidays:
    return Holidays()


@pytest.fixture
def real(tmp_path: Path, holidays: Holidays) -> Iterator[RealPortal]:
    with real_portal("sqlite", tmp_path, seed, NOW, holidays=holidays) as portal:
        yield portal


def _assert_logged_503(answer: object, caplog: pytest.LogCaptureFixture, slug: str, words: str) -> None:
    assert answer.status_code == 503, answer.text  # type: ignore[attr-defined]
    assert answer.headers["Content-Type"] == "application/problem+json"  # type: ignore[attr-defined]
    problem = answer.json  # type: ignore[attr-defined]
    assert problem["type"] == f"urn:famille:problem:{slug}" and words in problem["detail"]
    assert any(record.levelno >= logging.ERROR for record in caplog.records), caplog.text


def test_an_engine_failure_answers_503_instead_of_a_grid_where_nothing_can_be_booked(
    real: RealPortal, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real.call(FAMILY, "GET", "/api/v1/me")  # logged in while the engine works

    def broken(policy: str, facts: object, *, organisation: str | None = None) -> None:
        raise RulesUnavailable("booking_deadlines : erreur du moteur de règles : moteur en panne")

    monkeypatch.setattr(real.rules, "decide", broken)  # the rules port fails, as the engine would
    grid = real.call(FAMILY, "GET", f"/api/v1/children/{CHILD}/planning", params={"month": "2026-12"})
    _assert_logged_503(grid, caplog, "rules-unavailable", "règles du portail n'ont pas pu être consultées")
    booking = real.call(FAMILY, "POST", f"/api/v1/children/{CHILD}/bookings",
                        json={"cells": [{"service": "RESTAURATION", "date": "2026-12-07"}]})
    assert booking.status_code == 503, booking.text
    monkeypatch.undo()
    grid = real.call(FAMILY, "GET", f"/api/v1/children/{CHILD}/planning", params={"month": "2026-12"}).json
    meals = next(row for row in grid["rows"] if row["service"] == "RESTAURATION")
    assert next(c for c in meals["cells"] if c["date"] == "2026-12-07")["status"]["label"] == "Libre"  # nothing kept


def test_missing_holiday_data_fail_the_billing_job_with_the_reason_instead_of_billing_without_holidays(
    real: RealPortal, holidays: Holidays, caplog: pytest.LogCaptureFixture
) -> None:
    booked = real.call(FAMILY, "POST", f"/api/v1/children/{CHILD}/bookings",
                       json={"cells": [{"service": "RESTAURATION", "date": "2026-12-07"}]})
    assert booked.status_code == 200 and booked.json["done"], booked.text
    real.at(datetime(2027, 1, 4, 9, 0, tzinfo=PARIS))
    holidays.missing = True

    asked = real.call(AGENT, "POST", "/api/v1/agent/billing/runs", json={"month": "2026-12"})

    assert asked.status_code == 202, asked.text
    job = real.call(AGENT, "GET", asked.headers["location"]).json
    assert job["state"] == "failed" and job["run"] is None and "2026-2027" in job["errors"][0]
    assert any("2026-2027" in record.getMessage() and record.levelno >= logging.WARNING
               for record in caplog.records), caplog.text
    holidays.missing = False
    assert run_month(real, AGENT, "2026-12").json["status"] == "draft"
