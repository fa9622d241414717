"""« Payer en ligne » from the relevé de compte, and the payment's page after the service sends the family back."""

from __future__ import annotations

import re

import pytest

from tests.http.test_online_payments import PaymentWorld
from tests.web.conftest import PageClient
from tests.web.conftest import text_of as page_text


def text_of(result: object) -> str:
    """The page's text with French typography's no-break spaces read as spaces."""
    return page_text(result).replace("\u202f", " ").replace("\xa0", " ")  # type: ignore[arg-type]


@pytest.fixture
def world() -> PaymentWorld:
    return PaymentWorld()


def test_the_statement_offers_to_pay_the_unpaid_invoices_online_and_the_payment_page_shows_the_result(
    family: PageClient, world: PaymentWorld,
) -> None:
    statement = family.get("/releve-de-compte")
    page = text_of(statement)
    assert "Payer en ligne" in page
    assert "Facture n° 2026-000001 (2026-09) : 30,00 €" in page and "Facture n° 2026-000002 (2026-10) : 12,50 €" in page

    sent = family.post("/releve-de-compte/paiement", {"factures": "inv-a2"})

    # A link to the payment page, not a redirect (the CSP's form-action 'self' would block it).
    assert sent.status_code == 200 and 'href="https://paiement.test/payer?t=tr-1"' in sent.text
    assert "Payer 12,50 € sur PayFIP" in text_of(sent)
    (order,) = world.gateway.orders.values()
    assert order.amount == __import__("decimal").Decimal("12.50")
    payment_id = order.payment_id
    pending = text_of(family.get(f"/paiements/{payment_id}"))
    assert "Paiement en cours de traitement" in pending

    back = family.client.simulate_post(f"/api/v1/payments/{payment_id}/return",
                                       body=world.gateway.message_for("tr-1"),
                                       content_type="application/x-www-form-urlencoded")
    assert back.status_code == 303 and back.headers["location"] == f"/paiements/{payment_id}"
    done = text_of(family.get(back.headers["location"]))
    assert "Paiement de 12,50 € enregistré" in done and "n° 2026-000002 (12,50 €)" in done
    assert "Solde de votre compte 30,00 €" in done
    assert "Paiement en ligne" in text_of(family.get("/releve-de-compte?du=2026-09-01&au=2026-12-31"))


def test_paying_nothing_or_an_invoice_already_paid_shows_the_statement_with_the_reason(
    family: PageClient, world: PaymentWorld,
) -> None:
    family.get("/releve-de-compte")
    nothing = family.post("/releve-de-compte/paiement", {})
    assert nothing.status_code == 422 and "Cochez au moins une facture à payer." in text_of(nothing)
    family.post("/releve-de-compte/paiement", {"factures": "inv-a1"})
    world.portal.payments.settle(next(iter(world.uow.store.online_payments)), world.gateway.message_for("tr-1"),
                                 channel="notification")
    family.get("/releve-de-compte")
    again = family.post("/releve-de-compte/paiement", {"factures": "inv-a1"})
    assert again.status_code == 422 and "La facture n° 2026-000001 est déjà réglée." in text_of(again)


def test_without_the_form_token_or_for_another_family_nothing_is_opened(
    browser: PageClient, world: PaymentWorld,
) -> None:
    browser.login("marie.dupont")
    browser.get("/releve-de-compte")
    assert browser.post("/releve-de-compte/paiement", {"factures": "inv-a1"}, csrf="faux").status_code == 403
    assert world.gateway.orders == {}
    browser.post("/releve-de-compte/paiement", {"factures": "inv-a1"})
    (order,) = world.gateway.orders.values()
    other = PageClient(browser.client.app)
    other.login("paul.martin")
    assert other.get(f"/paiements/{order.payment_id}").status_code == 404
    other.get("/releve-de-compte")
    refused = other.post("/releve-de-compte/paiement", {"factures": "inv-a2"})
    assert refused.status_code == 404 and len(world.gateway.orders) == 1


def test_no_offer_to_pay_online_where_the_organisation_has_no_payment_service(
    family: PageClient, world: PaymentWorld,
) -> None:
    world.gateway.organisations = ()
    assert "Payer en ligne" not in text_of(family.get("/releve-de-compte"))
    assert re.search("Relevé de compte", family.get("/releve-de-compte").text)


def test_asking_again_sends_the_family_back_to_its_pending_payment_and_an_overlap_says_until_when(
    family: PageClient, world: PaymentWorld,
) -> None:
    family.get("/releve-de-compte")
    first = family.post("/releve-de-compte/paiement", {"factures": "inv-a1"})
    family.get("/releve-de-compte")

    again = family.post("/releve-de-compte/paiement", {"factures": "inv-a1"})
    overlap = family.client.simulate_post(
        "/releve-de-compte/paiement", body=f"factures=inv-a1&factures=inv-a2&csrf={family.csrf}",
        content_type="application/x-www-form-urlencoded", cookies=family.cookies)

    assert first.status_code == again.status_code == 200 and len(world.gateway.orders) == 1
    assert 'href="https://paiement.test/payer?t=tr-1"' in again.text
    assert "Le paiement de ces factures est déjà ouvert depuis" in text_of(again)
    assert overlap.status_code == 409
    assert "Un paiement en ligne (facture n° 2026-000001) est déjà en cours" in text_of(overlap)
    assert len(world.gateway.orders) == 1
