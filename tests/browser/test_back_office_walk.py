"""The agents' back office in a real browser, at desktop and phone sizes, on the demo data.

As the agent of Saint-Vérand: the home page shows the day (what waits, today's headcounts,
missing pointage, last month's billing); « Familles » finds the ZTEST family by a child's
first name typed without its case; the family's file lists its children, account and
requests; from a child's planning the agent books a free day for the family (past the
family's deadline or not: the page says which), and the grid reads « Réservé ».
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import Visit
from tests.browser.test_family_walk import log_in
from tests.browser.test_planning_walk import menu, next_month

FREE = re.compile(r", [A-Z ]+ : Libre")


def test_an_agent_finds_a_family_reads_its_file_and_books_for_it(portal: str, visit: Visit) -> None:
    page = visit.page
    page.goto(portal + "/connexion")
    log_in(page, "agent", "Agent2026x")

    expect(page.get_by_role("heading", name="À traiter")).to_be_visible()
    expect(page.get_by_role("heading", name="Effectifs du jour")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Pointages manquants depuis le"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Facturation de "))).to_be_visible()
    expect(page.get_by_text("Bientôt disponible")).to_have_count(0)
    visit.check("agent-accueil")

    menu(page, "Familles")
    page.get_by_label("Rechercher une famille").fill("ztest")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name="Familles", exact=True)).to_be_visible()
    row = page.get_by_role("row", name=re.compile("ZTEST"))
    expect(row).to_have_count(1)
    visit.check("agent-familles")
    row.get_by_role("link").click()

    expect(page.get_by_role("heading", name=re.compile("^Famille "))).to_be_visible()
    expect(page.get_by_role("heading", name="Enfants, inscriptions et planning")).to_be_visible()
    expect(page.get_by_role("heading", name="Compte et factures")).to_be_visible()
    expect(page.get_by_role("heading", name="Demandes de la famille")).to_be_visible()
    visit.check("agent-dossier-famille")

    page.get_by_role("link", name=re.compile("^Planning de ")).first.click()
    expect(page.get_by_role("heading", name="Inscriptions en cours")).to_be_visible()
    grid = page.get_by_role("region", name=re.compile("^Planning mensuel"))
    for _ in range(4):  # this month, or the next with a free day (holidays have none)
        if grid.get_by_role("link", name=FREE).count():
            break
        next_month(page)
    free = grid.get_by_role("link", name=FREE).first
    label = (free.get_attribute("href") or "")
    free.click()
    button = page.get_by_role("button", name="Réserver pour la famille")
    expect(button).to_be_visible()
    expect(page.get_by_text(re.compile("^(Vous pouvez réserver|Le délai de la famille est passé).* à votre nom"))
           ).to_be_visible()
    visit.check("agent-case")
    button.click()

    expect(page.get_by_role("status")).to_contain_text("« Réservé »")
    booked = page.locator(f'a[href="{label}"]')
    expect(booked).to_contain_text("Réservé")
