"""The guide's chapter 4 in a real browser, at desktop and phone sizes.

As the family: a person allowed to pick the child up, the données complémentaires,
a PAI, a new mobile number, all four pending in « Liste des demandes ». As the
agent: three accepted, the PAI refused with its reason. As the family again: the
answers with their dates, the decision notices in the inbox, the new person listed.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Visit
from tests.browser.test_family_walk import log_in, log_out

REASON = "merci de nous faire parvenir un certificat médical"


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name, exact=True).click()


def child_tab(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Pages de l'enfant").get_by_role("link", name=name).click()


def submit_request(page: Page) -> None:
    page.get_by_role("button", name="Enregistrer la demande").click()
    expect(page.get_by_role("status")).to_contain_text("Votre demande a été transmise au gestionnaire")


def test_a_family_asks_four_changes_an_agent_answers_and_the_family_reads_the_answers(
    portal: str, visit: Visit
) -> None:
    page = visit.page
    page.goto(portal + "/connexion")
    log_in(page, "ztest", "Portail2026")

    # Mes enfants → COMMUNE
    menu(page, "Mes enfants")
    expect(page.get_by_role("heading", name="Mes enfants")).to_be_visible()
    visit.check("enfants")
    page.get_by_role("link", name="COMMUNE ZTEST").click()
    expect(page.get_by_role("heading", name="Mon enfant")).to_be_visible()
    expect(page.get_by_text("381623867924")).to_be_visible()
    expect(page.get_by_role("link", name="Planning")).to_have_attribute("href", re.compile(r"/enfants/.+/planning$"))
    visit.check("enfant")

    # 4.1.1 a person allowed to pick the child up: refused without a telephone, then sent
    child_tab(page, "Autorisations")
    expect(page.get_by_text("Aucune personne autorisée pour l'instant.")).to_be_visible()
    visit.check("autorisations")
    page.get_by_role("link", name=re.compile("^Nouveau")).click()
    page.get_by_label("Nom (obligatoire)", exact=True).fill("ZTEST")
    page.get_by_label("Prénom (obligatoire)", exact=True).fill("MAMIE")
    page.get_by_label("Lien de parenté").select_option("Grand mère")
    page.get_by_role("button", name="Enregistrer la demande").click()
    expect(page.get_by_role("alert")).to_contain_text("Renseignez le téléphone ou le mobile de la personne")
    expect(page.locator("#resume-erreurs")).to_be_focused()
    expect(page.locator("#champ-telephone")).to_have_attribute("aria-invalid", "true")
    visit.check("autorisation-refusee")
    page.get_by_label("Mobile", exact=True).fill("06 98 76 54 32")
    submit_request(page)
    pending = page.get_by_role("region", name="Demandes d'ajout en cours", exact=True)
    expect(pending).to_contain_text("MAMIE")
    expect(pending).to_contain_text("06 98 76 54 32")
    expect(pending).to_contain_text("Grand mère")
    visit.check("autorisation-en-cours")

    # 4.1.2 données complémentaires
    child_tab(page, "Données complémentaires")
    page.get_by_role("link", name=re.compile("^Modifier")).click()
    page.get_by_role("group", name="Port de lunettes").get_by_label("Oui").check()
    page.get_by_label("Compagnie d'assurance").fill("MAIF")
    visit.check("complementaires-formulaire")
    submit_request(page)
    expect(page.get_by_role("region", name="Demandes de modifications en cours", exact=True)).to_contain_text("MAIF")
    visit.check("complementaires")

    # 4.1.3 a PAI, which the demo canteen offers
    child_tab(page, "Données sanitaires")
    expect(page.get_by_text("La cantine de COMMUNE propose : repas normal, Sans porc, PAI.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Modifier")).click()
    page.get_by_label("Pratique alimentaire").select_option("PAI")
    page.get_by_label("Commentaire").fill("fruits à coque")
    submit_request(page)
    pratiques = page.get_by_role("region", name="Demandes de pratique alimentaire en cours", exact=True)
    expect(pratiques).to_contain_text("PAI")
    expect(pratiques).to_contain_text("certificat médical")
    visit.check("sanitaires")

    # 4.2.1 a new mobile number
    menu(page, "Mon compte")
    expect(page.get_by_role("heading", name="Informations responsable")).to_be_visible()
    visit.check("mon-compte")
    page.get_by_role("link", name=re.compile("^Modifier")).click()
    page.get_by_label("Mobile", exact=True).fill("06 12 34 56 78")
    visit.check("mon-compte-formulaire")
    submit_request(page)
    expect(page.get_by_role("region", name="Demandes de modifications en cours", exact=True)).to_contain_text("06 12 34 56 78")

    menu(page, "Liste des demandes")
    expect(page.get_by_text("4 demandes, dont 4 en cours")).to_be_visible()
    visit.check("demandes-en-cours")
    log_out(page)

    # the agent: three accepted, the PAI refused with its reason
    log_in(page, "agent", "Agent2026x")
    menu(page, "Demandes à traiter")
    expect(page.get_by_text("4 demandes en attente")).to_be_visible()
    visit.check("agent-demandes")
    queue = page.locator("article.demande")
    expect(queue.locator("h2")).to_have_text([
        "Ajout d'une personne autorisée — COMMUNE ZTEST", "Données complémentaires — COMMUNE ZTEST",
        "Pratique alimentaire — COMMUNE ZTEST", "Informations responsable"])
    for title in ("Ajout d'une personne autorisée", "Données complémentaires", "Informations responsable"):
        request = queue.filter(has=page.get_by_role("heading", name=re.compile("^" + title)))
        request.get_by_role("button", name=re.compile("^Accepter")).click()
        expect(page.get_by_role("status")).to_contain_text("La demande est acceptée")
    pai = page.locator("article.demande").filter(has=page.get_by_role("heading", name=re.compile("^Pratique")))
    expect(pai.locator(".diff__apres").first).to_have_text(re.compile("PAI"))
    pai.get_by_role("button", name=re.compile("^Refuser")).click()
    expect(page.get_by_text("Indiquez le motif du refus : la famille le lira.")).to_be_visible()
    visit.check("agent-refus-sans-motif")
    pai = page.locator("article.demande").filter(has=page.get_by_role("heading", name=re.compile("^Pratique")))
    pai.get_by_label("Motif du refus").fill(REASON)
    pai.get_by_role("button", name=re.compile("^Refuser")).click()
    expect(page.get_by_role("status")).to_contain_text("La demande est refusée")
    expect(page.get_by_text("Toutes les demandes ont été traitées.")).to_be_visible()
    log_out(page)

    # the family reads the answers
    log_in(page, "ztest", "Portail2026")
    menu(page, "Liste des demandes")
    today = re.compile(r"\d{2}/\d{2}/\d{4}")
    sanitaires = page.locator("#sanitaires")
    expect(sanitaires.locator(".etat--refused")).to_contain_text("Demandes refusées")
    expect(sanitaires.get_by_role("cell", name=REASON)).to_be_visible()
    expect(sanitaires.locator("td[data-label='Date du refus']")).to_have_text(today)
    expect(page.locator("#autorisations td[data-label=\"Date d'acceptation\"]")).to_have_text(today)
    expect(page.locator("#responsable td[data-label=\"Date d'acceptation\"]")).to_have_text(today)
    expect(page.locator("#complementaires td[data-label=\"Date d'acceptation\"]")).to_have_text(today)
    visit.check("demandes-repondues")

    menu(page, "Boîte de réception")
    expect(page.get_by_role("heading", name="Demande refusée : Pratique alimentaire")).to_be_visible()
    expect(page.get_by_role("heading", name="Demande acceptée : Ajout d'une personne autorisée")).to_be_visible()
    expect(page.get_by_role("heading", name="Demande acceptée : Informations responsable")).to_be_visible()

    menu(page, "Mes enfants")
    page.get_by_role("link", name="COMMUNE ZTEST").click()
    child_tab(page, "Autorisations")
    people = page.get_by_role("table", name="Personnes autorisées à chercher COMMUNE ZTEST")
    expect(people).to_contain_text("MAMIE")
    expect(people).to_contain_text("Grand mère")
    visit.check("autorisations-acceptees")
    menu(page, "Mon compte")
    expect(page.get_by_text("06 12 34 56 78")).to_be_visible()
