"""The guide's chapters 5 and 6 in a real browser, at desktop and phone sizes, on the walks' clock.

The portal's clock starts at `CLOCK` (24 November 2025). As the family ztest, on COMMUNE's
planning for December of that school year: book a GARDERIE MATIN day by clicking its cell
(5 December, as in the guide), see it « Réservé »; book the last
GARDERIE SOIR day the page offers before the holidays (19 December in the guide),
then declare an absence on it for « AUTRES »: the cell then says « Absent excusé ». As the agent: no request waits, the
attendance of the booked morning is recorded, a closure is added and shows on the
family's grid (on the commune's rows, not on the evening garderie COMMUNE goes to at the RPI de
Varacieux), the headcounts are downloaded as CSV.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import CLOCK, Visit
from tests.browser.test_family_walk import log_in, log_out

FREE = r"(\w+ (\d+|1er) décembre), {service} : Libre \(réservation possible\)$"


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name, exact=True).click()


def december() -> date:
    """December of the school year of the portal's clock (a school year starts in September)."""
    today = CLOCK.date()
    return date(today.year if today.month >= 8 else today.year - 1, 12, 1)


def open_planning(page: Page, portal: str, month: date) -> None:
    menu(page, "Mes enfants")
    page.get_by_role("link", name="COMMUNE ZTEST").click()
    page.get_by_role("navigation", name="Pages de l'enfant").get_by_role("link", name="Planning").click()
    expect(page.get_by_role("heading", name="Inscriptions en cours")).to_be_visible()
    # The month navigation: forward until December.
    for _ in range(12):
        if page.get_by_role("heading", name=f"Planning mensuel — Décembre {month.year}").count():
            break
        next_month(page)
    expect(page.get_by_role("heading", name=f"Planning mensuel — Décembre {month.year}")).to_be_visible()


def next_month(page: Page) -> None:
    """Follow « mois suivant » and wait for the next month's grid: the click returns before the page changed, and
    a page read at once would still be the month before."""
    heading = page.get_by_role("heading", name=re.compile("^Planning mensuel — "))
    shown = heading.inner_text()
    page.locator("a[rel=next]").click()
    expect(heading).not_to_have_text(shown)


def cell(page: Page, pattern: str) -> Locator:
    return page.get_by_role("region", name=re.compile("^Planning mensuel")).get_by_role(
        "link", name=re.compile(pattern))


def book_from_dialog(page: Page, visit: Visit, link: Locator, name: str) -> None:
    link.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Vous pouvez réserver jusqu'au")
    expect(dialog).to_contain_text("règle « ")
    visit.check(name)
    dialog.get_by_role("button", name="Demande de réservation").click()
    expect(page.get_by_role("status")).to_contain_text("la case est maintenant « Réservé »")


def test_a_family_books_and_cancels_on_the_grid_and_an_agent_points_closes_and_counts(
    portal: str, visit: Visit
) -> None:
    page = visit.page
    month = december()
    page.goto(portal + "/connexion")
    log_in(page, "ztest", "Portail2026")
    open_planning(page, portal, month)
    visit.check("planning")

    # 5/ a booking in GARDERIE MATIN on 5 December, as in the guide
    morning = cell(page, FREE.format(service="GARDERIE MATIN").replace(r"(\w+ (\d+|1er) décembre)",
                                                                       r"(\w+ 5 décembre)"))
    morning_label = morning.inner_text().strip() or morning.get_attribute("href") or ""
    href = morning.get_attribute("href") or ""
    morning_day = re.search(r"date=(\d{4}-\d{2}-\d{2})", href).group(1)  # type: ignore[union-attr]
    assert morning_day == f"{month.year}-12-05", morning_day
    assert morning_label
    book_from_dialog(page, visit, morning, "planning-reservation")
    expect(cell(page, r", GARDERIE MATIN : Réservé").first).to_be_visible()
    booked = page.locator(f'a[href*="date={morning_day}&service=GARDERIE+MATIN"]')
    expect(booked).to_contain_text("✓")
    visit.check("planning-reserve")

    # 6/ the last GARDERIE SOIR day before the holidays (19 December in the guide), booked then cancelled
    evening = cell(page, FREE.format(service="GARDERIE SOIR")).last
    evening_href = evening.get_attribute("href") or ""
    evening_day = re.search(r"date=(\d{4}-\d{2}-\d{2})", evening_href).group(1)  # type: ignore[union-attr]
    assert evening_day == f"{month.year}-12-19", evening_day  # the last day before the Christmas holidays
    book_from_dialog(page, visit, evening, "planning-soir")
    page.locator(f'a[href*="date={evening_day}&service=GARDERIE+SOIR"]').click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Vous pouvez déclarer une absence jusqu'au")
    dialog.get_by_label("AUTRES", exact=True).check()
    visit.check("planning-absence")
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("la réservation est annulée, la case est maintenant "
                                                       "« Absent excusé »")
    # The absence stays on its cell (the guide's « Absent excusé »), no longer « Libre »
    expect(page.locator(f'a[href*="date={evening_day}&service=GARDERIE+SOIR"]')).to_contain_text("E")
    expect(cell(page, r"19 décembre, GARDERIE SOIR : Absent excusé")).to_have_count(1)
    expect(page.get_by_role("region", name="Légende")).to_contain_text("Passé, non réservé")

    # Without the dialog: the cell's own page, reached with the keyboard
    page.goto(portal + evening_href)
    expect(page.get_by_role("heading", level=1)).to_contain_text("GARDERIE SOIR")
    visit.check("planning-jour")
    log_out(page)

    # The agent: the queue, attendance, a closure, the headcounts
    log_in(page, "agent", "Agent2026x")
    menu(page, "Réservations")
    expect(page.get_by_role("heading", name="Réservations et absences à traiter")).to_be_visible()
    visit.check("agent-reservations")

    menu(page, "Pointage")
    page.get_by_label("Jour", exact=True).fill(morning_day)
    page.get_by_label("Service", exact=True).select_option("GARDERIE MATIN")
    page.get_by_role("button", name="Afficher").click()
    row = page.get_by_role("row", name=re.compile("ZTEST COMMUNE"))
    row.get_by_label("Présent", exact=True).check()
    row.get_by_label(re.compile("^Arrivée")).fill("07:45")
    row.get_by_label(re.compile("^Départ")).fill("08:20")
    page.get_by_role("button", name="Enregistrer le pointage").click()
    # The portal's clock is in November: a December day is still to come, and its pointage is
    # refused with the reason, beside the day (attendance only up to today).
    expect(page.get_by_role("alert")).to_contain_text("Le pointage d'un jour à venir est impossible")
    visit.check("agent-pointage")

    menu(page, "Fermetures")
    page.get_by_label("Jour", exact=True).fill(evening_day)
    page.get_by_label("Motif (lu par les familles)").fill("Travaux dans l'école")
    page.get_by_role("button", name="Ajouter la fermeture").click()
    expect(page.get_by_role("status")).to_contain_text("La fermeture est enregistrée")
    expect(page.get_by_role("cell", name="Travaux dans l'école")).to_be_visible()
    visit.check("agent-fermetures")

    menu(page, "Effectifs")
    page.get_by_label("Jour", exact=True).fill(morning_day)
    page.get_by_role("button", name="Afficher").click()
    visit.check("agent-effectifs")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger (CSV)").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Date;Structure;Service;Enfants attendus;Pratique alimentaire;Repas" in content
    assert re.search(r"GARDERIE MATIN;1", content), content
    log_out(page)

    # The family sees the closure on its grid
    log_in(page, "ztest", "Portail2026")
    open_planning(page, portal, month)
    expect(page.locator(f'a[href*="date={evening_day}&service=RESTAURATION"]')).to_contain_text("×")
    expect(cell(page, r", GARDERIE MATIN : Fermeture$")).to_have_count(1)
    # COMMUNE's evening garderie is the RPI de Varacieux's: the commune's closure does not close it,
    # and the absence declared on it stays there
    expect(cell(page, r"19 décembre, GARDERIE SOIR : Absent excusé")).to_have_count(1)
    visit.check("planning-fermeture")
