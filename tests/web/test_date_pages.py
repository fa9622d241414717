"""Pages name a day or a month out of the portal's years (or badly written) with a 422: never a 500."""

from __future__ import annotations

import pytest

from tests.http.test_planning_api import AGENT_A, CHILD_A, FAMILY_A, PlanningWorld
from tests.web.conftest import PageClient, text_of


@pytest.fixture
def world() -> PlanningWorld:
    return PlanningWorld()


@pytest.fixture
def agent_page(browser: PageClient) -> PageClient:
    browser.get("/connexion")
    browser.post("/connexion", {"login": AGENT_A, "password": "Cantine2026"})
    return browser


@pytest.fixture
def family_page(browser: PageClient) -> PageClient:
    browser.get("/connexion")
    browser.post("/connexion", {"login": FAMILY_A, "password": "Cantine2026"})
    return browser


@pytest.mark.parametrize("path", ["/agent/effectifs?date={day}", "/agent/pointage?date={day}",
                                  "/agent/effectifs/csv?date={day}"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "demain"])
def test_agent_pages_name_a_wrong_day_instead_of_failing(agent_page: PageClient, path: str, day: str) -> None:
    result = agent_page.get(path.format(day=day))

    assert result.status_code == 422
    assert "« date »" in text_of(result)


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13"])
def test_the_family_grid_names_a_wrong_month_instead_of_failing(family_page: PageClient, month: str) -> None:
    result = family_page.get(f"/enfants/{CHILD_A}/planning?mois={month}")

    assert result.status_code == 422
    assert "« mois »" in text_of(result)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_day_page_of_a_cell_out_of_the_window_is_refused(family_page: PageClient, day: str) -> None:
    result = family_page.get(f"/enfants/{CHILD_A}/planning/jour?date={day}&service=RESTAURATION")

    assert result.status_code in (404, 422)
    assert "Erreur inattendue" not in text_of(result)
