"""A family's visit in a real browser, at desktop and phone sizes: log in, home, inbox, password, log out."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AXE, Visit
from tests.support.smtp import LocalSmtpServer


def log_in(page: Page, login: str, password: str) -> None:
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Connexion").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Déconnexion").click()
    expect(page).to_have_url(re.compile(r"/connexion\?message=deconnexion$"))
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")


def test_accessibility_checks_can_run() -> None:
    if not AXE.exists():
        assert not os.environ.get("FAMILLE_REQUIRE_BROWSER"), "axe-core absent : npm ci"
        pytest.skip("axe-core absent (node_modules) : lancez `npm ci` à la racine du dépôt")


def test_a_family_reads_its_home_page_and_inbox_changes_its_password_and_logs_out(
    portal: str, visit: Visit
) -> None:
    page = visit.page
    page.goto(portal + "/")
    expect(page).to_have_url(re.compile(r"/connexion$"))
    expect(page.get_by_role("heading", name="Accès famille")).to_be_visible()
    visit.check("connexion")

    log_in(page, "ztest", "Portail2026")
    expect(page).to_have_url(re.compile(r"/accueil$"))
    expect(page.get_by_text("Bienvenue PAYS ZTEST, vous avez 1 nouveau message")).to_be_visible()
    children = page.locator(".enfant__nom")
    expect(children).to_have_text(["COMMUNE ZTEST", "CRECHE ZTEST", "PRINCESSE ZTEST"])
    expect(page.get_by_text("381623867924")).to_be_visible()
    visit.check("accueil")

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Boîte de réception").click()
    expect(page.get_by_role("heading", name="Boîte de réception")).to_be_visible()
    expect(page.get_by_text("1 nouveau message")).to_be_visible()
    visit.check("boite-de-reception")
    page.get_by_role("button", name=re.compile("^Lire")).click()
    expect(page.get_by_role("heading", name="Bienvenue sur le portail famille")).to_be_visible()
    expect(page.get_by_text("vérifiez dès maintenant les informations")).to_be_visible()
    visit.check("message")
    page.get_by_role("link", name="Accueil", exact=True).click()
    expect(page.get_by_text("Bienvenue PAYS ZTEST, vous avez 0 nouveau message")).to_be_visible()

    page.get_by_role("link", name="Changer mot de passe").first.click()
    expect(page.get_by_role("heading", name="Modification du mot de passe")).to_be_visible()
    expect(page.get_by_label("Identifiant")).to_have_value("ztest")
    page.get_by_label("Mot de passe actuel").fill("Portail2026")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("court")
    page.get_by_label("Retapez le nouveau mot de passe").fill("court")
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Le mot de passe doit contenir au moins 8 caractères.")
    expect(summary).to_contain_text("au moins une lettre majuscule")
    expect(summary).to_contain_text("au moins un chiffre")
    expect(page.locator("#resume-erreurs")).to_be_focused()
    visit.check("mot-de-passe-refuse")

    page.get_by_label("Mot de passe actuel").fill("Portail2026")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("Rentree2027")
    page.get_by_label("Retapez le nouveau mot de passe").fill("Rentree2027")
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(page).to_have_url(re.compile(r"/accueil\?message=mot-de-passe-modifie$"))
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été modifié.")

    log_out(page)
    visit.check("deconnecte")
    log_in(page, "ztest", "Portail2026")
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect.")
    log_in(page, "ztest", "Rentree2027")
    expect(page).to_have_url(re.compile(r"/accueil$"))
    log_out(page)
    page.goto(portal + "/accueil")
    expect(page).to_have_url(re.compile(r"/connexion\?suite=%2Faccueil$"))


def test_ten_wrong_passwords_lock_the_account_and_point_to_mot_de_passe_oublie(
    portal: str, visit: Visit
) -> None:
    page = visit.page
    page.goto(portal + "/connexion")
    for _ in range(9):
        log_in(page, "ztest", "Mauvais2026")
        expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect.")
    log_in(page, "ztest", "Mauvais2026")

    locked = page.get_by_role("alert")
    expect(locked).to_contain_text("Compte verrouillé")
    expect(locked).to_contain_text("Votre compte est verrouillé pour 15 minutes après 10 tentatives")
    expect(locked).to_contain_text("« Mot de passe oublié »")
    visit.check("compte-verrouille")
    log_in(page, "ztest", "Portail2026")
    expect(page.get_by_role("alert")).to_contain_text("Compte verrouillé")
    locked.get_by_role("link", name="Mot de passe oublié").click()
    expect(page.get_by_role("heading", name="Mot de passe oublié")).to_be_visible()


def test_a_forgotten_password_is_replaced_through_the_link_of_a_real_email(
    demo_env: dict[str, str], port: int, visit: Visit
) -> None:
    from tests.support.server import running_portal

    with LocalSmtpServer() as smtp:
        env = {**demo_env, "FAMILLE_SMTP_HOST": smtp.host, "FAMILLE_SMTP_PORT": str(smtp.port)}
        with running_portal(env, port=port) as portal:
            page = visit.page
            page.goto(portal + "/connexion")
            page.get_by_role("link", name="Mot de passe oublié").click()
            expect(page.get_by_role("heading", name="Mot de passe oublié")).to_be_visible()
            visit.check("mot-de-passe-oublie")
            page.get_by_label("Identifiant").fill("ztest")
            page.get_by_role("button", name="Recevoir le lien").click()
            expect(page.get_by_role("status")).to_contain_text("Si cet identifiant correspond à un compte")
            visit.check("lien-envoye")

            [mail] = smtp.wait_for(1)
            assert mail["To"] == "payss@ztest.fr"
            link = re.search(r"http://\S+/mot-de-passe/nouveau\?jeton=[\w-]+", mail.get_content()).group(0)
            assert link.startswith(portal)
            page.goto(link)
            expect(page.get_by_role("heading", name="Choisir un nouveau mot de passe")).to_be_visible()
            expect(page.get_by_text("Le mot de passe doit contenir au moins une lettre majuscule.")).to_be_visible()
            visit.check("nouveau-mot-de-passe")
            page.get_by_label("Nouveau mot de passe", exact=True).fill("rentree2027")
            page.get_by_label("Retapez le nouveau mot de passe").fill("rentree2027")
            page.get_by_role("button", name="Enregistrer le mot de passe").click()
            expect(page.get_by_role("alert")).to_contain_text("au moins une lettre majuscule")
            page.get_by_label("Nouveau mot de passe", exact=True).fill("Rentree2027")
            page.get_by_label("Retapez le nouveau mot de passe").fill("Rentree2027")
            page.get_by_role("button", name="Enregistrer le mot de passe").click()

            expect(page).to_have_url(re.compile(r"/connexion\?message=mot-de-passe-enregistre$"))
            expect(page.get_by_role("status")).to_contain_text("Votre nouveau mot de passe est enregistré")
            log_in(page, "ztest", "Rentree2027")
            expect(page).to_have_url(re.compile(r"/accueil$"))
            page.goto(link)
            page.get_by_label("Nouveau mot de passe", exact=True).fill("Autre2028x")
            page.get_by_label("Retapez le nouveau mot de passe").fill("Autre2028x")
            page.get_by_role("button", name="Enregistrer le mot de passe").click()
            expect(page.get_by_role("alert")).to_contain_text("invalide, déjà utilisé ou expiré")
