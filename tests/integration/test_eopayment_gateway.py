"""The eopayment adapter against the local payment service (real HTTP, real SOAP through zeep)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from famille.adapters.payment.eopayment_gateway import EopaymentGateway, PaymentSettings
from famille.kernel.billing.online import Outcome, PaymentOrder, PaymentServiceUnavailable
from famille.kernel.shared.errors import ValidationFailed
from tests.support.payment_service import PaymentService, running_payment_service
from tests.support.server import free_port


def _gateway(base: str, numcli: str = "123456") -> EopaymentGateway:
    return EopaymentGateway({
        "ville": PaymentSettings("payfip_ws", {"numcli": numcli, "saisie": "T"},
                                 soap_url=f"{base}/tpa/services/securite", payment_url=f"{base}/tpa/paiementws.web"),
        "rpi": PaymentSettings("dummy", {}, service_url=f"{base}/dummy/"),
    })


def _order(organisation: str = "ville", amount: str = "42.50", email: str | None = "marie@example.fr") -> PaymentOrder:
    return PaymentOrder(organisation, "pay-1", "FAMABCDEF0123456789", Decimal(amount), email, "Factures 2026-000001",
                        2026, "http://127.0.0.1:9/retour", "http://127.0.0.1:9/notification")


@pytest.fixture
def service() -> PaymentService:
    with running_payment_service() as running:
        yield running  # type: ignore[misc]


def test_payfip_opens_a_transaction_in_cents_and_reads_its_result_back_from_payfip(service: PaymentService) -> None:
    gateway = _gateway(service.base)

    checkout = gateway.start(_order())

    asked = service.transactions[checkout.transaction_id]
    assert checkout.url == f"{service.base}/tpa/paiementws.web?idop={checkout.transaction_id}"
    assert (asked["montant"], asked["refdet"], asked["exer"], asked["mel"]) == ("4250", "FAMABCDEF0123456789",
                                                                               "2026", "marie@example.fr")
    waiting = gateway.verify("ville", f"idOp={checkout.transaction_id}")
    assert waiting.outcome is Outcome.WAITING
    service.tamper(checkout.transaction_id, result="P")
    paid = gateway.verify("ville", f"idOp={checkout.transaction_id}&montant=1")  # the message's own fields count for nothing
    assert (paid.outcome, paid.signed, paid.amount, paid.reference) == (Outcome.PAID, True, Decimal("42.50"),
                                                                       "FAMABCDEF0123456789")
    service.tamper(checkout.transaction_id, result="A")
    assert gateway.verify("ville", f"idOp={checkout.transaction_id}").outcome in (Outcome.FAILED, Outcome.WAITING)


def test_a_payfip_answer_about_another_commune_or_without_idop_is_not_vouched_for(service: PaymentService) -> None:
    checkout = _gateway(service.base).start(_order())
    service.tamper(checkout.transaction_id, result="P", numcli="999999")
    assert _gateway(service.base).verify("ville", f"idOp={checkout.transaction_id}").signed is False
    assert _gateway(service.base).verify("ville", "autre=1").signed is False


def test_the_dummy_backend_round_trip(service: PaymentService) -> None:
    gateway = _gateway(service.base)
    checkout = gateway.start(_order("rpi"))
    assert checkout.url.startswith(f"{service.base}/dummy/?")
    notice = gateway.verify("rpi", f"transaction_id={checkout.transaction_id}&ok=1&signed=1&amount=42.50"
                                   "&orderid=FAMABCDEF0123456789")
    assert (notice.transaction_id, notice.outcome, notice.signed, notice.amount) == (
        checkout.transaction_id, Outcome.PAID, True, Decimal("42.50"))


def test_payfip_refuses_less_than_one_euro_and_needs_an_email(service: PaymentService) -> None:
    gateway = _gateway(service.base)
    with pytest.raises(ValidationFailed) as small:
        gateway.start(_order(amount="0.80"))
    assert small.value.errors[0].field == "invoices" and "1,00 €" in small.value.errors[0].message
    with pytest.raises(ValidationFailed) as no_mail:
        gateway.start(_order(email=None))
    assert no_mail.value.errors[0].field == "email"
    assert service.transactions == {}


def test_a_service_that_does_not_answer_is_unavailable_and_an_unknown_organisation_too() -> None:
    gateway = _gateway(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(PaymentServiceUnavailable):
        gateway.start(_order())
    with pytest.raises(PaymentServiceUnavailable):
        gateway.verify("ville", "idOp=abc")
    with pytest.raises(PaymentServiceUnavailable):
        gateway.start(_order("inconnue"))
    assert not gateway.offers("inconnue") and gateway.offers("ville")


def test_payfip_is_asked_about_a_transaction_without_any_message(service: PaymentService) -> None:
    gateway = _gateway(service.base)
    checkout = gateway.start(_order())

    waiting = gateway.status("ville", checkout.transaction_id)  # PayFIP's P5: not paid yet
    service.tamper(checkout.transaction_id, result="P")
    paid = gateway.status("ville", checkout.transaction_id)
    unknown = gateway.status("ville", "inconnu")  # PayFIP's P1: no such idop (or cleaned at night)

    assert waiting is not None and waiting.outcome is Outcome.WAITING
    assert paid is not None and (paid.transaction_id, paid.outcome, paid.signed, paid.amount, paid.reference) == (
        checkout.transaction_id, Outcome.PAID, True, Decimal("42.50"), "FAMABCDEF0123456789")
    assert unknown is not None and unknown.outcome is Outcome.FAILED
    assert gateway.status("rpi", "tr") is None  # eopayment's dummy cannot be asked
    with pytest.raises(PaymentServiceUnavailable):
        gateway.status("inconnue", "tr")
