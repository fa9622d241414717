"""Paying online: the family opens a payment; the payment service notifies and sends the family back.

- `POST /payments {"invoices": [ids]}` (family) → 201, the payment with `url`, where to send the family
  (200 and the same payment when these invoices' payment is still pending; 409 when the family's
  pending payment is of other invoices: one pending payment per family);
- `GET /agent/online-payments?status=` (agent) → the organisation's online payments and their state;
- `GET /payments/{id}` (the family, or an agent of its organisation) → where it stands;
- `POST|GET /payments/{id}/notification` (public: the service, server to server) → 200 with the
  status, 400 if the message does not match the payment (nothing recorded);
- `POST|GET /payments/{id}/return` (public: the family's browser, sent back by the service) →
  reads the message the same way, then 303 to the page `/paiements/{id}`.
"""

from __future__ import annotations

import contextlib
from typing import Any

import falcon

from famille.adapters.http.auth import AGENT, AUTHENTICATED, FAMILY, PUBLIC
from famille.adapters.http.billing.payloads import OnlinePaymentBody
from famille.adapters.http.payloads import load
from famille.adapters.http.routes import Route
from famille.kernel.billing.online import (
    NOT_FOUND,
    NoticeRefused,
    OnlinePayment,
    OnlinePayments,
    OnlineStatus,
)
from famille.kernel.shared.errors import FieldError, NotFound, ValidationFailed

API = "/api/v1"
#: A message of the payment service is a few hundred bytes; anything much longer is not one.
MESSAGE_MAX = 8192


def payment_view(payment: OnlinePayment) -> dict[str, Any]:
    """A payment as the API shows it (amounts as strings with two decimals)."""
    return {"id": payment.id, "reference": payment.reference, "status": payment.status.value,
            "amount": str(payment.amount), "url": payment.url,
            "invoices": [{"id": invoice_id, "amount": str(amount)} for invoice_id, amount in payment.invoices],
            "created_at": payment.created_at.isoformat(),
            "settled_at": payment.settled_at.isoformat() if payment.settled_at else None}


def _message(req: falcon.Request) -> str:
    """What the service sent: the form body of a POST, else the query string."""
    if req.method == "POST" and (req.content_type or "").startswith("application/x-www-form-urlencoded"):
        raw = req.bounded_stream.read(MESSAGE_MAX + 1)
    else:
        raw = req.query_string.encode("utf-8")
    if len(raw) > MESSAGE_MAX:
        raise NoticeRefused("Avis de paiement refusé : message trop long.")
    return raw.decode("utf-8", errors="replace")


def status_param(raw: str | None, *, blank_is_all: bool = False) -> OnlineStatus | None:
    """The `status` filter: one of the statuses, or none (absent; blank too with `blank_is_all`, as the page's
    « Tous » sends it); anything else is a 422 naming the field."""
    if raw is None or (blank_is_all and not raw):
        return None
    try:
        return OnlineStatus(raw)
    except ValueError:
        raise ValidationFailed([FieldError("status", "Champ « status » : doit être l'une des valeurs : "
                                                     + ", ".join(s.value for s in OnlineStatus) + ".")]) from None


def _payment_id(payment_id: str) -> str:
    if len(payment_id) > 64:
        raise NotFound(NOT_FOUND)
    return payment_id


class PaymentsResource(Route[OnlinePayments]):
    """`POST /payments`."""

    auth = FAMILY

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Open a payment of what remains on the chosen invoices (201), or give back the same invoices'
        payment still pending (200); 409 while the family's pending payment is of other invoices."""
        body = load(req, OnlinePaymentBody)
        opened = self._use_case.open(req.context.principal, body.invoices)
        resp.status = falcon.HTTP_200 if opened.resumed else falcon.HTTP_201
        resp.location = f"{API}/payments/{opened.payment.id}"
        resp.media = payment_view(opened.payment)


class AgentPaymentsResource(Route[OnlinePayments]):
    """`GET /agent/online-payments?status=`: the organisation's online payments, newest first."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Each payment with its family; `status` (en_attente, payee, echouee) filters."""
        status = status_param(req.get_param("status"))
        listed = self._use_case.listed(req.context.principal, status)
        resp.media = {"payments": [{**payment_view(p.payment), "detail": p.payment.detail,
                                    "family": {"id": p.payment.family_id, "number": p.family_number,
                                               "name": p.family_name}} for p in listed]}


class PaymentResource(Route[OnlinePayments]):
    """`GET /payments/{id}`."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response, payment_id: str) -> None:
        """Where the payment stands."""
        resp.media = payment_view(self._use_case.get(req.context.principal, _payment_id(payment_id)))


class NotificationResource(Route[OnlinePayments]):
    """`POST|GET /payments/{id}/notification`: the service's server-to-server message."""

    auth = PUBLIC

    def on_post(self, req: falcon.Request, resp: falcon.Response, payment_id: str) -> None:
        """Settle the payment once; answer its status."""
        payment = self._use_case.settle(_payment_id(payment_id), _message(req), channel="notification")
        resp.media = {"id": payment.id, "status": payment.status.value}

    on_get = on_post


class ReturnResource(Route[OnlinePayments]):
    """`POST|GET /payments/{id}/return`: the family's browser, back from the payment page."""

    auth = PUBLIC

    def on_post(self, req: falcon.Request, resp: falcon.Response, payment_id: str) -> None:
        """Settle the payment if the notification has not yet, then show its page."""
        payment_id = _payment_id(payment_id)
        # A refused message is logged by the kernel; the page shows the payment as it truly stands.
        with contextlib.suppress(NoticeRefused):
            self._use_case.settle(payment_id, _message(req), channel="retour")
        resp.status = falcon.HTTP_303
        resp.location = f"/paiements/{payment_id}"

    on_get = on_post


def add_online_payment_routes(app: falcon.App, payments: OnlinePayments) -> None:
    """Route the online payments on `app`."""
    app.add_route(f"{API}/payments", PaymentsResource(payments))
    app.add_route(f"{API}/agent/online-payments", AgentPaymentsResource(payments))
    app.add_route(f"{API}/payments/{{payment_id}}", PaymentResource(payments))
    app.add_route(f"{API}/payments/{{payment_id}}/notification", NotificationResource(payments))
    app.add_route(f"{API}/payments/{{payment_id}}/return", ReturnResource(payments))
