"""An agent creates a family from the pages, in a real browser at desktop and phone sizes (axe-core on
each form, with and without errors): « Nouvelle famille », « Ajouter un enfant », « Inscrire », then
« Envoyer le lien d'activation » from the family's file."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import Visit
from tests.browser.test_family_walk import log_in
from tests.browser.test_planning_walk import menu


def test_an_agent_creates_a_family_adds_and_enrols_a_child_and_sends_the_link(portal: str, visit: Visit) -> None:
    page = visit.page
    page.goto(portal + "/connexion")
    log_in(page, "agent", "Agent2026x")
    menu(page, "Familles")
    page.get_by_role("link", name="Nouvelle famille").click()
    expect(page.get_by_role("heading", name="Nouvelle famille")).to_be_visible()
    visit.check("nouvelle-famille")

    responsable = page.get_by_role("region", name="Responsable")
    responsable.get_by_label("Prénom").fill("Nadia")
    responsable.get_by_label("Courriel").fill("pas-une-adresse")
    page.get_by_role("button", name="Créer la famille").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Saisissez : nom du responsable.")
    expect(summary).to_contain_text("Cette adresse de courriel n'est pas valide")
    visit.check("nouvelle-famille-erreurs")
    summary.get_by_role("link", name=re.compile("^Cette adresse de courriel")).click()
    expect(page.locator("#champ-responsable-email")).to_be_focused()

    responsable = page.get_by_role("region", name="Responsable")
    responsable.get_by_label(re.compile(r"^Nom\b")).fill("BRUN")
    responsable.get_by_label("Courriel").fill("nadia.brun@example.org")
    responsable.get_by_label("Mobile").fill("06 98 76 54 32")
    page.get_by_role("button", name="Créer la famille").click()
    expect(page.get_by_role("heading", name="Famille Nadia BRUN")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("La famille est créée")
    expect(page.get_by_text("compte pas encore activé")).to_be_visible()

    page.get_by_role("link", name="Ajouter un enfant").click()
    expect(page.get_by_role("heading", name="Ajouter un enfant à la famille Nadia BRUN")).to_be_visible()
    visit.check("nouvel-enfant")
    page.get_by_label(re.compile(r"^Nom\b")).fill("BRUN")
    page.get_by_label("Prénom").fill("Élise")
    page.get_by_label("Sexe").select_option("F")
    page.get_by_label("Date de naissance").fill("2019-05-14")
    page.get_by_role("button", name="Ajouter l'enfant").click()
    expect(page.get_by_role("status")).to_contain_text("L'enfant est ajouté à la famille.")

    page.get_by_role("link", name="Inscrire Élise").click()
    expect(page.get_by_role("heading", name="Inscrire Élise BRUN")).to_be_visible()
    page.get_by_role("button", name="Inscrire").click()
    expect(page.get_by_role("alert")).to_contain_text("Choisissez le service.")
    visit.check("inscription-erreur")
    page.get_by_label("Service et structure").select_option(label="RESTAURATION — Restaurant scolaire — Commune de Saint-Vérand")
    page.get_by_role("button", name="Inscrire").click()
    expect(page.get_by_role("status")).to_contain_text("L'inscription est enregistrée")
    expect(page.get_by_role("row").filter(has_text="Élise BRUN")).to_contain_text("RESTAURATION (du 01/09/2025)")

    page.get_by_role("button", name="Envoyer le lien d'activation").click()
    expect(page.get_by_role("status")).to_contain_text("Le lien d'activation est envoyé par courriel")
    visit.check("dossier-lien-envoye")
