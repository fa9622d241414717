"""Paying online in a real browser, at desktop and phone sizes: the demo commune takes payments through
PayFIP, played by a local server (tests/support/payment_service.py) that calls the portal back.

Set-up through the API: COMMUNE ZTEST's canteen days of a past month booked and pointed, the month
billed. Then, in Chromium: the family opens « Relevé de compte », « Payer en ligne », pays on the
(local) PayFIP page, comes back to the portal, reads « Paiement … enregistré » and a zero balance.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from famille.demo import DEMO_ORGANISATION
from tests.browser.conftest import Visit
from tests.browser.test_billing_walk import billed, prepare_month, token
from tests.browser.test_family_walk import log_in
from tests.browser.test_planning_walk import menu
from tests.support.payment_service import PaymentService, running_payment_service
from tests.support.server import running_portal


@pytest.fixture
def paying_portal(demo_env: dict[str, str], port: int, tmp_path: Path) -> Iterator[tuple[str, PaymentService]]:
    """The demo portal whose commune takes payments through the local PayFIP."""
    with running_payment_service() as service:
        payments = tmp_path / "paiements.yaml"
        payments.write_text(
            f"{DEMO_ORGANISATION}:\n  backend: payfip_ws\n  numcli: '123456'\n  saisie: T\n"
            f"  soap_url: {service.base}/tpa/services/securite\n  payment_url: {service.base}/tpa/paiementws.web\n",
            encoding="utf-8")
        with running_portal({**demo_env, "FAMILLE_PAYMENTS_FILE": str(payments)}, port=port) as base:
            yield base, service


def test_a_family_pays_its_invoice_online_and_comes_back_to_a_zero_balance(
    paying_portal: tuple[str, PaymentService], visit: Visit,
) -> None:
    portal, service = paying_portal
    month, _ = prepare_month(portal)
    run = billed(portal, token(portal, "agent", "Agent2026x"), {"month": month, "final": True, "accept_flagged": True})
    (number,) = [i["number"] for i in run["invoices"] if i["number"]]
    page = visit.page
    page.goto(portal + "/connexion")
    log_in(page, "ztest", "Portail2026")

    menu(page, "Relevé de compte")
    section = page.get_by_role("region", name="Payer en ligne")
    expect(section).to_be_visible()
    expect(section.get_by_role("checkbox", name=re.compile(f"^Facture n° {number}"))).to_be_checked()
    visit.check("releve-payer-en-ligne")
    section.get_by_role("button", name="Payer en ligne").click()
    expect(page.get_by_role("heading", name="Payer en ligne")).to_be_visible()
    visit.check("payer-en-ligne-depart")
    page.get_by_role("link", name=re.compile("^Payer .* sur PayFIP$")).click()

    # The (local) PayFIP page: the family pays; PayFIP notifies the portal, then offers the way back.
    expect(page.get_by_role("button", name="Retour au site")).to_be_visible()
    (idop,) = service.transactions
    assert service.notified == [(idop, 200)]
    page.get_by_role("button", name="Retour au site").click()

    expect(page.get_by_role("heading", name="Paiement en ligne")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("enregistré")
    expect(page.locator(".solde-ligne")).to_have_text("0,00\u00a0€")
    visit.check("paiement-enregistre")
    page.get_by_role("link", name="Retour au relevé de compte").click()
    expect(page.get_by_text("Paiement en ligne", exact=True).first).to_be_visible()
    expect(page.get_by_role("region", name="Payer en ligne")).to_have_count(0)
