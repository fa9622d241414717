"""A payment service in memory: records the orders, reads messages the tests write."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlencode

from famille.kernel.billing.online import (
    Checkout,
    Outcome,
    PaymentNotice,
    PaymentOrder,
    PaymentServiceUnavailable,
)


class FakePaymentGateway:
    """Offers online payment to `organisations`; a message is `transaction=…&result=paid|failed|waiting
    &amount=…&reference=…&signed=1` (what `message_for` writes for an order)."""

    def __init__(self, organisations: tuple[str, ...] = ("ville-a", "rpi-b"), *, down: bool = False) -> None:
        self.organisations = organisations
        self.down = down
        self.orders: dict[str, PaymentOrder] = {}
        #: What `status` answers of a transaction (a message as `message_for` writes it); absent: waiting.
        self.answers: dict[str, str] = {}
        self.askable = True

    def offers(self, organisation_code: str) -> bool:
        return organisation_code in self.organisations

    def start(self, order: PaymentOrder) -> Checkout:
        if self.down:
            raise PaymentServiceUnavailable("Le service de paiement ne répond pas.")
        transaction = f"tr-{len(self.orders) + 1}"
        self.orders[transaction] = order
        return Checkout(transaction, f"https://paiement.test/payer?{urlencode({'t': transaction})}")

    def verify(self, organisation_code: str, message: str) -> PaymentNotice:
        fields = {k: v[0] for k, v in parse_qs(message).items()}
        amount = fields.get("amount")
        return PaymentNotice(fields.get("transaction", ""), Outcome(fields.get("result", "failed")),
                             signed=fields.get("signed") == "1", amount=Decimal(amount) if amount else None,
                             reference=fields.get("reference"), detail="test")

    def status(self, organisation_code: str, transaction_id: str) -> PaymentNotice | None:
        if self.down:
            raise PaymentServiceUnavailable("Le service de paiement ne répond pas.")
        if not self.askable:
            return None
        return self.verify(organisation_code, self.answers.get(transaction_id)
                           or self.message_for(transaction_id, "waiting"))

    def message_for(self, transaction_id: str, result: str = "paid", **changes: str) -> str:
        """The service's message for one of its transactions, as it would send it (`changes` tamper)."""
        order = self.orders[transaction_id]
        fields = {"transaction": transaction_id, "result": result, "amount": str(order.amount),
                  "reference": order.reference, "signed": "1", **changes}
        return urlencode(fields)
