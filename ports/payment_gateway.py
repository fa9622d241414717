"""The online payment service (PayFIP for communes): start a payment, then read what it says of it.

Contract:
- `start` asks the service for a transaction of exactly `order.amount` euros under
  `order.reference`, and gives the address to send the family to; the service will call
  `order.notify_url` (server to server) and send the family back to `order.return_url`;
- `verify` reads a message the service sent (the notification's body or the return's
  query string) *as the service vouches for it* (a signature checked, or the service asked
  back over its own API) and says which transaction it is about, its outcome, and the
  amount and reference the service holds; it never trusts a field it cannot check
  (`signed` False then);
- `status` asks the service what it says of a transaction now (no message received: the
  portal's reconciliation of payments left pending), checked as `verify` checks a message;
  None when the service offers no way to ask (eopayment's dummy);
- all three raise `PaymentServiceUnavailable` (kernel) when the service cannot be reached or
  an organisation has no online payment configured, and never record anything themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from famille.kernel.billing.online import Checkout, PaymentNotice, PaymentOrder


class PaymentGateway(Protocol):
    """The payment service of each organisation."""

    def offers(self, organisation_code: str) -> bool:
        """Whether the organisation takes payments online."""
        ...

    def start(self, order: PaymentOrder) -> Checkout:
        """Open a transaction for `order`; the service's transaction id and where to send the family."""
        ...

    def verify(self, organisation_code: str, message: str) -> PaymentNotice:
        """What the service says in `message` (URL-encoded fields), checked with the service."""
        ...

    def status(self, organisation_code: str, transaction_id: str) -> PaymentNotice | None:
        """What the service says of the transaction when asked, or None when it cannot be asked."""
        ...
