"""From a CSV file to an invoice paid online, in a real browser, at desktop and phone sizes.

The demo commune takes payments through PayFIP (the local server of tests/support/payment_service.py)
and sends its e-mails to a local SMTP server. On the walks' clock (Monday 24 November 2025):
the agent imports two families from « Importer des familles » (a trial first), sends the activation
links (one family has no address: counted); the family opens the link of the e-mail it received,
chooses its password, logs in and books its child's canteen on Tuesday 2 December.
The portal then restarts on Monday 5 January 2026, the same database, so that December is billable:
the day is pointed (API), the agent bills December from « Facturation »; the family pays its
invoice online; the agent sees the payment in « Paiements en ligne » and in the family's file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from famille.adapters.families_csv import COLUMNS
from famille.demo import DEMO_ORGANISATION
from famille.kernel.shared.time import PARIS
from tests.browser.conftest import CLOCK, Visit
from tests.browser.test_billing_walk import api, draft_shown, token
from tests.browser.test_family_walk import log_in, log_out
from tests.browser.test_planning_walk import book_from_dialog, cell, menu
from tests.support.payment_service import PaymentService, running_payment_service
from tests.support.server import running_portal
from tests.support.smtp import LocalSmtpServer

CANTEEN = "Restaurant scolaire — Commune de Saint-Vérand"
EMAIL = "claire.fabre@example.org"
PASSWORD = "Rentree2027"
DAY = "2025-12-02"
#: After December: the month is billable.
JANUARY = datetime(2026, 1, 5, 9, 0, tzinfo=PARIS)


def families_csv(path: Path) -> Path:
    rows = [
        ["IMP-1", "Madame", "FABRE", "Claire", EMAIL, "06 11 22 33 44", "3 rue du Lavoir", "38160", "Saint-Vérand",
         "FABRE", "Léon", "M", "12/03/2018", "RESTAURATION", CANTEEN],
        ["IMP-2", "Monsieur", "GIRARD", "Paul", "", "", "8 chemin des Vignes", "38160", "Saint-Vérand",
         "GIRARD", "Inès", "F", "30/01/2019", "RESTAURATION", CANTEEN],
        ["IMP-3", "Madame", "ROUX", "Lise", "lise.roux@example.org", "", "", "", "", "ROUX", "Max", "M",
         "31/02/2019", "RESTAURATION", CANTEEN],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows([list(COLUMNS), *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def services(demo_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[dict[str, str], LocalSmtpServer,
                                                                         PaymentService]]:
    """The demo's environment with a local SMTP server and a local PayFIP for the demo commune."""
    with LocalSmtpServer() as smtp, running_payment_service() as payfip:
        payments = tmp_path / "paiements.yaml"
        payments.write_text(
            f"{DEMO_ORGANISATION}:\n  backend: payfip_ws\n  numcli: '123456'\n  saisie: T\n"
            f"  soap_url: {payfip.base}/tpa/services/securite\n  payment_url: {payfip.base}/tpa/paiementws.web\n",
            encoding="utf-8")
        env = {**demo_env, "FAMILLE_SMTP_HOST": smtp.host, "FAMILLE_SMTP_PORT": str(smtp.port),
               "FAMILLE_PAYMENTS_FILE": str(payments)}
        yield env, smtp, payfip


def upload(page: Page, path: Path, button: str) -> None:
    page.get_by_label("Fichier CSV").set_input_files(str(path))
    page.get_by_role("button", name=button).click()


def test_a_commune_goes_from_a_csv_file_to_an_invoice_paid_online(
    services: tuple[dict[str, str], LocalSmtpServer, PaymentService], port: int, tmp_path: Path, visit: Visit,
) -> None:
    env, smtp, payfip = services
    page = visit.page
    csv_path = families_csv(tmp_path / "familles.csv")

    with running_portal(env, port=port) as portal:
        # The agent imports the file: a trial, then the import, then the activation links.
        page.goto(portal + "/connexion")
        log_in(page, "agent", "Agent2026x")
        menu(page, "Familles")
        page.get_by_role("link", name="Importer des familles").click()
        expect(page.get_by_role("heading", name="Importer des familles")).to_be_visible()
        visit.check("import")
        upload(page, csv_path, "Essayer (rien n'est enregistré)")
        report = page.get_by_role("region", name=re.compile("^Essai de « familles.csv »"))
        expect(report).to_contain_text("2 familles à créer")
        refused = page.get_by_role("table", name="Lignes refusées").get_by_role("row").filter(has_text="31/02/2019")
        expect(refused.get_by_role("cell").first).to_have_text("4")
        expect(refused).to_contain_text("enfant_naissance « 31/02/2019 » invalide (JJ/MM/AAAA)")
        visit.check("import-essai")
        upload(page, csv_path, "Importer")
        expect(page.get_by_role("region", name="Import de « familles.csv » terminé")).to_contain_text(
            "2 familles créées")
        page.get_by_role("button", name="Envoyer les liens d'activation").click()
        sent = page.get_by_role("region", name="Liens d'activation", exact=True)
        expect(sent).to_contain_text("1 lien d'activation envoyé par courriel.")
        expect(sent).to_contain_text("1 famille sans adresse électronique (N° famille) : IMP-2.")
        visit.check("import-liens")
        log_out(page)

        # The family: the link of the e-mail, its password, then a booking on the grid.
        [mail] = smtp.wait_for(1)
        assert mail["To"] == EMAIL and mail["Subject"] == "Activez votre compte du portail famille"
        link = re.search(r"http://\S+/mot-de-passe/nouveau\?jeton=[\w-]+", mail.get_content())
        assert link is not None and link.group(0).startswith(portal)
        page.goto(link.group(0))
        expect(page.get_by_role("heading", name="Choisir un nouveau mot de passe")).to_be_visible()
        page.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
        page.get_by_label("Retapez le nouveau mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Enregistrer le mot de passe").click()
        expect(page.get_by_role("status")).to_contain_text("Votre nouveau mot de passe est enregistré")
        log_in(page, EMAIL, PASSWORD)
        expect(page).to_have_url(re.compile(r"/accueil$"))
        menu(page, "Mes enfants")
        page.get_by_role("link", name="Léon FABRE").click()
        page.get_by_role("navigation", name="Pages de l'enfant").get_by_role("link", name="Planning").click()
        page.locator("a[rel=next]").click()  # CLOCK is in November: December is the next month
        expect(page.get_by_role("heading", name="Planning mensuel — Décembre 2025")).to_be_visible()
        book_from_dialog(page, visit, cell(page, r"^mardi 2 décembre, RESTAURATION : Libre"), "import-reservation")
        log_out(page)
    assert CLOCK < JANUARY

    with running_portal({**env, "FAMILLE_CLOCK": JANUARY.isoformat()}, port=port) as portal:
        # December is over: Léon was there on the 2nd (pointed through the API), the agent bills the month.
        agent = token(portal, "agent", "Agent2026x")
        family = token(portal, EMAIL, PASSWORD)
        (child,) = [c["id"] for c in api(portal, "GET", "/me", token=family)["children"]]
        api(portal, "POST", "/agent/attendance", token=agent,
            body={"child": child, "service": "RESTAURATION", "date": DAY, "status": "present"})
        page.goto(portal + "/connexion")
        log_in(page, "agent", "Agent2026x")
        menu(page, "Facturation")
        page.get_by_label("Mois", exact=True).select_option("2025-12")
        page.get_by_role("button", name="Calculer le brouillon").click()
        draft_shown(page)
        page.get_by_role("button", name="Valider la facturation").click()
        flagged = page.get_by_role("checkbox", name=re.compile("^Ne pas facturer les"))
        if flagged.count():  # other demo families' days without pointage: not billed
            flagged.check()
            page.get_by_role("button", name="Valider la facturation").click()
        expect(page.get_by_role("status")).to_contain_text("La facturation est définitive")
        log_out(page)

        # The family pays its invoice online, on the (local) PayFIP page.
        log_in(page, EMAIL, PASSWORD)
        menu(page, "Relevé de compte")
        section = page.get_by_role("region", name="Payer en ligne")
        section.get_by_role("button", name="Payer en ligne").click()
        page.get_by_role("link", name=re.compile("^Payer .* sur PayFIP$")).click()
        page.get_by_role("button", name="Retour au site").click()
        expect(page.get_by_role("status")).to_contain_text("enregistré")
        expect(page.locator(".solde-ligne")).to_have_text("0,00\u00a0€")
        (idop,) = payfip.transactions
        assert payfip.notified == [(idop, 200)]
        log_out(page)

        # The agent sees the payment: « Paiements en ligne », then the family's file.
        log_in(page, "agent", "Agent2026x")
        menu(page, "Paiements")
        page.get_by_role("link", name="Paiements en ligne des familles (PayFIP)").click()
        row = page.get_by_role("row").filter(has_text="IMP-1")
        expect(row).to_contain_text("Claire FABRE")
        expect(row).to_contain_text("Payé")
        visit.check("paiements-en-ligne")
        row.get_by_role("link", name=re.compile("IMP-1")).click()
        expect(page.get_by_role("heading", name="Famille Claire FABRE")).to_be_visible()
        expect(page.get_by_text(re.compile(r"\(Paiement en ligne\), réf\. FAM"))).to_be_visible()
        expect(page.get_by_text("compte activé")).to_be_visible()
        visit.check("dossier-paye-en-ligne")
