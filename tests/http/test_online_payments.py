"""Paying online through the routes on the fakes: opening, the service's messages, refusals, privacy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import falcon.testing
import pytest

from famille.kernel.billing.model import Invoice, InvoiceKind, PaymentMethod
from famille.kernel.portal.application import build_portal
from tests.fakes.payment_gateway import FakePaymentGateway
from tests.http.conftest import HASHER, PORTAL_URL, World, bearer

FAMILY_A, FAMILY_B, AGENT_A = "marie.dupont", "paul.martin", "agent.villeneuve"


def _invoice(id: str, family: str, org: str, number: str, total: str, issued: date) -> Invoice:
    return Invoice(id=id, organisation_code=org, family_id=family, month=f"{issued.year}-{issued.month - 1:02d}",
                   kind=InvoiceKind.INVOICE, lines=(), total=Decimal(total), number=number, issued_on=issued,
                   due_on=issued)


class PaymentWorld(World):
    """Two families of two organisations, each with issued invoices, and a payment service."""

    def __init__(self) -> None:
        super().__init__()
        self.gateway = FakePaymentGateway()
        self.uow.seed(invoices=[
            _invoice("inv-a1", "fam-a", "ville-a", "2026-000001", "30.00", date(2026, 10, 2)),
            _invoice("inv-a2", "fam-a", "ville-a", "2026-000002", "12.50", date(2026, 11, 2)),
            _invoice("inv-b1", "fam-b", "rpi-b", "2026-000001", "20.00", date(2026, 11, 2)),
        ])
        self.portal = build_portal(uow=self.uow, clock=self.clock, rules=self.rules, hasher=HASHER,
                                   notifier=self.notifier, portal_url=PORTAL_URL, payment_gateway=self.gateway)


@pytest.fixture
def world() -> World:
    return PaymentWorld()


def _start(client: falcon.testing.TestClient, token: str, invoices: list[str]) -> falcon.testing.Result:
    return client.simulate_post("/api/v1/payments", json={"invoices": invoices}, headers=bearer(token))


def _notify(client: falcon.testing.TestClient, payment_id: str, message: str) -> falcon.testing.Result:
    return client.simulate_post(f"/api/v1/payments/{payment_id}/notification", body=message,
                                content_type="application/x-www-form-urlencoded")


def test_a_family_pays_its_newer_invoice_and_that_invoice_is_the_one_settled(
    client: falcon.testing.TestClient, token_of: Callable[[str], str], world: PaymentWorld,
) -> None:
    token = token_of(FAMILY_A)

    opened = _start(client, token, ["inv-a2"])

    assert opened.status_code == 201, opened.text
    body = opened.json
    assert body["amount"] == "12.50" and body["status"] == "en_attente"
    assert body["url"].startswith("https://paiement.test/payer?t=")
    assert opened.headers["location"] == f"/api/v1/payments/{body['id']}"
    order = world.gateway.orders["tr-1"]
    assert order.notify_url == f"{PORTAL_URL}/api/v1/payments/{body['id']}/notification"
    assert order.return_url == f"{PORTAL_URL}/api/v1/payments/{body['id']}/return"
    assert order.email == "marie.dupont@example.fr" and order.reference == body["reference"]

    done = _notify(client, body["id"], world.gateway.message_for("tr-1"))

    assert done.status_code == 200, done.text
    assert done.json["status"] == "payee"
    (payment,) = world.uow.store.payments.values()
    assert payment.method is PaymentMethod.ONLINE and payment.amount == Decimal("12.50")
    me = client.simulate_get("/api/v1/me", headers=bearer(token)).json
    assert me["balance"] == "30.00"
    # The payment settles the invoice it was made for, not the oldest one.
    assert [i["number"] for i in me["unpaid_invoices"]] == ["2026-000001"]
    statement = client.simulate_get("/api/v1/statement", params={"from": "2026-09-01", "to": "2026-12-31"},
                                    headers=bearer(token)).json
    assert any(e["label"] == "Paiement en ligne" and e["credit"] == "12.50" for e in statement["entries"])


def test_a_notification_received_twice_and_the_return_record_one_payment(
    client: falcon.testing.TestClient, token_of: Callable[[str], str], world: PaymentWorld,
) -> None:
    payment = _start(client, token_of(FAMILY_A), ["inv-a1", "inv-a2"]).json
    message = world.gateway.message_for("tr-1")

    first, second = _notify(client, payment["id"], message), _notify(client, payment["id"], message)
    back = client.simulate_get(f"/api/v1/payments/{payment['id']}/return", query_string=message)

    assert first.json["status"] == second.json["status"] == "payee"
    assert back.status_code == 303 and back.headers["location"] == f"/paiements/{payment['id']}"
    assert [p.amount for p in world.uow.store.payments.values()] == [Decimal("42.50")]


@pytest.mark.parametrize(("change", "logged"), [
    ({"amount": "1.00"}, "montant 1.00 € au lieu de 42.50 €"),
    ({"reference": "FAMAUTRECHOSE"}, "référence"),
    ({"transaction": "tr-999"}, "transaction"),
    ({"signed": "0"}, "non authentifié"),
])
def test_a_message_that_does_not_match_is_refused_logged_and_records_nothing(
    client: falcon.testing.TestClient, token_of: Callable[[str], str], world: PaymentWorld,
    caplog: pytest.LogCaptureFixture, change: dict[str, str], logged: str,
) -> None:
    payment = _start(client, token_of(FAMILY_A), ["inv-a1", "inv-a2"]).json

    refused = _notify(client, payment["id"], world.gateway.message_for("tr-1", **change))

    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "Rien n'a été enregistré" in refused.json["detail"]
    assert logged in caplog.text and "avis de paiement refusé" in caplog.text
    assert world.uow.store.payments == {}
    assert world.uow.store.online_payments[payment["id"]].status.value == "en_attente"
    # The genuine message still settles it afterwards.
    assert _notify(client, payment["id"], world.gateway.message_for("tr-1")).json["status"] == "payee"


def test_a_failed_payment_records_nothing_and_a_later_paid_message_cannot_revive_it(
    client: falcon.testing.TestClient, token_of: Callable[[str], str], world: PaymentWorld,
) -> None:
    payment = _start(client, token_of(FAMILY_A), ["inv-a1"]).json
    waiting = _notify(client, payment["id"], world.gateway.message_for("tr-1", result="waiting"))
    assert waiting.json["status"] == "en_attente"

    failed = _notify(client, payment["id"], world.gateway.message_for("tr-1", result="failed"))
    late = _notify(client, payment["id"], world.gateway.message_for("tr-1"))

    assert failed.json["status"] == late.json["status"] == "echouee"
    assert world.uow.store.payments == {}


def test_nobody_pays_or_reads_another_family_or_organisation_invoices(
    client: falcon.testing.TestClient, token_of: Callable[[str], str], world: PaymentWorld,
) -> None:
    other = token_of(FAMILY_B)
    for invoices in (["inv-a1"], ["inv-b1", "inv-a2"]):
        refused = _start(client, other, invoices)
        assert refused.status_code == 404 and refused.json["detail"] == "Facture introuvable."
    assert world.gateway.orders == {}
    mine = _start(client, token_of(FAMILY_A), ["inv-a1"]).json
    assert client.simulate_get(f"/api/v1/payments/{mine['id']}", headers=bearer(other)).status_code == 404
    assert client.simulate_get(f"/api/v1/payments/{mine['id']}", headers=bearer(token_of("agent.deuxrives"))
                               ).status_code == 404
    agent = client.simulate_get(f"/api/v1/payments/{mine['id']}", headers=bearer(token_of(AGENT_A)))
    assert agent.status_code == 200 and agent.json["amount"] == "30.00"
    assert _start(client, token_of(AGENT_A), ["inv-a1"]).status_code == 403


@pytest.mark.parametrize(("body", "field"), [
    ({"invoices": []}, "invoices"),
    ({"invoices": ["inv-a1", "inv-a1"]}, "invoices"),
    ({"invoices": "inv-a1"}, "invoices"),
    ({"factures": ["inv-a1"]}, "factures"),
    ({}, "invoices"),
])
def test_a_bad_body_is_refused_with_its_field(client: falcon.testing.TestClient, token_of: Callable[[str], str],
                                              body: dict[str, object], field: str) -> None:
    result = client.simulate_post("/api/v1/payments", json=body, headers=bearer(token_of(FAMILY_A)))
    assert result.status_code == 422, result.text
    assert field in {e["field"] for e in result.json["errors"]}


def test_a_paid_invoice_cannot_be_paid_again(
    client: falcon.testing.TestClient, token_of: Callable[[str], str], world: PaymentWorld,
) -> None:
    token = token_of(FAMILY_A)
    payment = _start(client, token, ["inv-a1"]).json
    _notify(client, payment["id"], world.gateway.message_for("tr-1"))

    again = _start(client, token, ["inv-a2", "inv-a1"])

    assert again.status_code == 422
    assert again.json["errors"] == [{"field": "invoices[1]", "message": "La facture n° 2026-000001 est déjà réglée.",
                                     "rule_id": None}]


def test_an_organisation_without_online_payment_or_a_service_down_answers_503(
    client: falcon.testing.TestClient, token_of: Callable[[str], str], world: PaymentWorld,
) -> None:
    world.gateway.organisations = ("rpi-b",)
    refused = _start(client, token_of(FAMILY_A), ["inv-a1"])
    assert refused.status_code == 503 and "ne propose pas le paiement en ligne" in refused.json["detail"]
    world.gateway.organisations, world.gateway.down = ("ville-a",), True
    down = _start(client, token_of(FAMILY_A), ["inv-a1"])
    assert down.status_code == 503
    assert world.uow.store.online_payments == {}


def test_a_notification_for_an_unknown_payment_answers_404(client: falcon.testing.TestClient) -> None:
    assert _notify(client, "inconnu", "transaction=x&result=paid&signed=1").status_code == 404


def test_an_agent_cannot_record_an_online_payment_by_hand(
    client: falcon.testing.TestClient, token_of: Callable[[str], str],
) -> None:
    result = client.simulate_post("/api/v1/agent/payments", headers=bearer(token_of(AGENT_A)), json={
        "family": "fam-a", "amount": "10.00", "method": "en_ligne", "date": "2026-11-20"})
    assert result.status_code == 422 and result.json["errors"][0]["field"] == "method"
