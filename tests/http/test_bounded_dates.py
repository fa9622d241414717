"""Days and months out of the portal's years, or badly written, are 422 naming the field: never a 500.

The API and the pages read them through one bounded parser (`famille.kernel.shared.dates`).
"""

from __future__ import annotations

from collections.abc import Callable

import falcon.testing
import pytest

from tests.http.conftest import bearer
from tests.http.test_planning_api import AGENT_A, CHILD_A, FAMILY_A, Call, PlanningWorld

OUT_OF_RANGE_MONTHS = ["0000-01", "0001-01", "9999-12", "1999-12", "2100-01", "2026-13", "2026-1", "٢٠٢٦-١٢"]
OUT_OF_RANGE_DAYS = ["0001-01-01", "9999-12-31", "1999-12-31", "2026-02-30", "2026-12-5", "20261205"]


@pytest.fixture
def world() -> PlanningWorld:
    return PlanningWorld()


@pytest.fixture
def as_(client: falcon.testing.TestClient, token_of: Callable[[str], str]) -> Callable[[str], Call]:
    def caller(who: str) -> Call:
        token = token_of(who)
        return lambda method, path, **kwargs: client.simulate_request(method, path, headers=bearer(token), **kwargs)

    return caller


def _field(result: object, name: str) -> None:
    assert result.status_code == 422, result.text  # type: ignore[attr-defined]
    assert result.headers["Content-Type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert name in [error["field"] for error in result.json["errors"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize("month", OUT_OF_RANGE_MONTHS)
def test_a_billing_run_for_a_month_out_of_the_window_is_refused(as_: Callable[[str], Call], month: str) -> None:
    _field(as_(AGENT_A)("POST", "/api/v1/agent/billing/runs", json={"month": month}), "month")


@pytest.mark.parametrize("month", OUT_OF_RANGE_MONTHS)
def test_a_planning_month_out_of_the_window_is_refused(as_: Callable[[str], Call], month: str) -> None:
    _field(as_(FAMILY_A)("GET", f"/api/v1/children/{CHILD_A}/planning", params={"month": month}), "month")


@pytest.mark.parametrize("day", OUT_OF_RANGE_DAYS)
def test_headcounts_of_a_day_out_of_the_window_are_refused(as_: Callable[[str], Call], day: str) -> None:
    _field(as_(AGENT_A)("GET", "/api/v1/agent/headcounts", params={"date": day}), "date")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_booking_or_an_absence_out_of_the_window_is_refused(as_: Callable[[str], Call], day: str) -> None:
    family = as_(FAMILY_A)
    _field(family("POST", f"/api/v1/children/{CHILD_A}/bookings",
                  json={"service": "RESTAURATION", "date": day}), "date")
    _field(family("POST", f"/api/v1/children/{CHILD_A}/absences",
                  json={"service": "RESTAURATION", "date": day, "reason": "maladie"}), "date")
