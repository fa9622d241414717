"""The payment gateway on Entr'ouvert's `eopayment`: PayFIP (`payfip_ws`) in production, `dummy` for tests.

Each organisation has its own backend and options (PayFIP: the commune's `numcli` and
`saisie` T/X/W), read once from the payments file (see `load_payment_settings`).

- PayFIP: `start` asks PayFIP's SOAP service for an `idop` (creerPaiementSecurise) with the
  order's reference as REFDET and the amount in cents; PayFIP then POSTs `idOp` to the
  notification address and sends the family back to the return address. `verify` never
  trusts what it receives: it asks PayFIP back (recupererDetailPaiementSecurise) for the
  result, amount (MONTANT) and reference (REFDET) of that `idop`; `status` asks the same of
  a payment left pending (P5, not paid yet, reads as waiting; P1, unknown, as failed).
- dummy: the test service of eopayment; its messages say `signed` themselves (for tests
  and demos only, never in production).

`service_url` (dummy) or `soap_url` and `payment_url` (PayFIP) point the backend at another
address than the real service (a test server on this machine); eopayment 3.15 fixes both
in module constants, so the adapter replaces them itself.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import attrs
import eopayment
import eopayment.dummy
import eopayment.payfip_ws
import yaml
import zeep.transports

from famille.kernel.billing.online import (
    Checkout,
    Outcome,
    PaymentNotice,
    PaymentOrder,
    PaymentServiceUnavailable,
)
from famille.kernel.shared.errors import FieldError, ValidationFailed

log = logging.getLogger("famille.paiements")
BACKENDS = ("payfip_ws", "dummy")
UNAVAILABLE = "Le service de paiement ne répond pas : réessayez dans quelques minutes."


class PaymentSettingsError(ValueError):
    """A payments file that cannot be used (French message naming the organisation and the field)."""


@attrs.frozen
class PaymentSettings:
    """One organisation's payment backend and its eopayment options."""

    backend: str
    options: Mapping[str, str]
    service_url: str | None = None  # dummy: where its test service runs
    soap_url: str | None = None  # payfip_ws: another SOAP endpoint than PayFIP's
    payment_url: str | None = None  # payfip_ws: another payment page than PayFIP's


def load_payment_settings(path: Path) -> dict[str, PaymentSettings]:
    """The payments file: `{organisation: {backend: payfip_ws, numcli: "123456", saisie: W}}`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise PaymentSettingsError(f"Fichier des paiements en ligne {path} illisible : {error}") from None
    if not isinstance(data, dict):
        raise PaymentSettingsError(f"{path} : une organisation par clé, avec son « backend ».")
    settings = {}
    for organisation, entry in data.items():
        if not isinstance(entry, dict) or entry.get("backend") not in BACKENDS:
            raise PaymentSettingsError(f"{path}, organisation {organisation} : « backend » doit valoir "
                                       f"{' ou '.join(BACKENDS)}.")
        options = {str(k): str(v) for k, v in entry.items()
                   if k not in {"backend", "service_url", "soap_url", "payment_url"}}
        if entry["backend"] == "payfip_ws":
            numcli = options.get("numcli", "")
            if not (numcli.isdigit() and len(numcli) == 6):
                raise PaymentSettingsError(f"{path}, organisation {organisation} : « numcli » doit être le numéro "
                                           "client PayFIP à 6 chiffres donné par la DGFiP.")
            if options.get("saisie", "T") not in {"T", "X", "W"}:
                raise PaymentSettingsError(f"{path}, organisation {organisation} : « saisie » vaut T (test), "
                                           "X (activation) ou W (production).")
        settings[str(organisation)] = PaymentSettings(
            entry["backend"], options, entry.get("service_url"), entry.get("soap_url"), entry.get("payment_url"))
    return settings


class _Endpoint(zeep.transports.Transport):
    """A zeep transport that posts every SOAP call to one address (a test server, a proxy)."""

    def __init__(self, address: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._address = address

    def post(self, address: str, message: Any, headers: Any) -> Any:
        """Post to the configured address instead of the WSDL's."""
        return super().post(self._address, message, headers)


def _field(fields: Mapping[str, list[str]], name: str) -> str | None:
    """A field of a message, its name compared case-insensitively (PayFIP sends idOp, eopayment reads idop)."""
    for key, values in fields.items():
        if key.lower() == name.lower() and values:
            return values[0]
    return None


class EopaymentGateway:
    """`famille.ports.payment_gateway.PaymentGateway` on eopayment, one backend per organisation."""

    def __init__(self, settings: Mapping[str, PaymentSettings]) -> None:
        self._settings = dict(settings)

    def offers(self, organisation_code: str) -> bool:
        """Whether the payments file configures this organisation."""
        return organisation_code in self._settings

    def _backend(self, organisation_code: str, order: PaymentOrder | None = None) -> tuple[Any, PaymentSettings]:
        settings = self._settings.get(organisation_code)
        if settings is None:
            raise PaymentServiceUnavailable("Votre commune ne propose pas le paiement en ligne.")
        options: dict[str, Any] = dict(settings.options)
        if order is not None:
            options.update(normal_return_url=order.return_url, automatic_return_url=order.notify_url)
        else:  # reading a message: the addresses are not used, but the backend requires them
            options.setdefault("normal_return_url", "https://localhost/")
            options.setdefault("automatic_return_url", "https://localhost/")
        if settings.backend == "dummy":
            options.setdefault("origin", "Portail famille")
        payment = eopayment.Payment(settings.backend, options, logger=log)
        if settings.backend == "payfip_ws" and settings.soap_url:
            payment.backend.payfip = eopayment.payfip_ws.PayFiP(
                zeep_client_kwargs={"transport": _Endpoint(settings.soap_url)})
        return payment, settings

    def start(self, order: PaymentOrder) -> Checkout:
        """Open the transaction and give the address of the payment page."""
        payment, settings = self._backend(order.organisation_code, order)
        amount = str(order.amount)
        minimum = payment.get_minimal_amount()
        if minimum is not None and order.amount < minimum:
            raise ValidationFailed([FieldError("invoices", f"Le paiement en ligne commence à {minimum:.2f} € : "
                                                           "réglez ce montant au guichet.".replace(".", ",", 1))])
        if payment.is_email_required and not (order.email and "@" in order.email and 6 <= len(order.email) <= 80):
            raise ValidationFailed([FieldError("email", "Le service de paiement demande votre adresse e-mail : "
                                                        "renseignez-la dans « Mon compte », puis réessayez.")])
        try:
            if settings.backend == "payfip_ws":
                transaction_id, _, url = payment.request(amount, email=order.email or "", refdet=order.reference,
                                                         exer=str(order.year), subject=order.label)
            else:
                transaction_id, _, url = payment.request(amount, email=order.email, orderid=order.reference,
                                                         subject=order.label)
        except eopayment.PaymentException as error:
            log.error("paiement en ligne : le service n'a pas ouvert la transaction %s : %s", order.reference, error)
            raise PaymentServiceUnavailable(UNAVAILABLE) from error
        url = self._page(settings, str(url))
        return Checkout(str(transaction_id), url)

    @staticmethod
    def _page(settings: PaymentSettings, url: str) -> str:
        """The payment page's address, moved to the configured service when there is one."""
        for constant, moved in ((eopayment.payfip_ws.PAYMENT_URL, settings.payment_url),
                                (eopayment.dummy.SERVICE_URL, settings.service_url)):
            if moved and url.startswith(constant):
                return moved + url[len(constant):]
        return url

    def verify(self, organisation_code: str, message: str) -> PaymentNotice:
        """What the service says of the transaction `message` names, asked back to PayFIP itself."""
        payment, settings = self._backend(organisation_code)
        fields = parse_qs(message, keep_blank_values=True)
        try:
            if settings.backend == "payfip_ws":
                idop = _field(fields, "idop")
                if not idop:
                    return PaymentNotice("", Outcome.FAILED, signed=False, detail="idop absent")
                response = payment.response(urlencode({"idop": idop}))
            else:
                response = payment.response(message)
        except eopayment.ResponseError as error:
            return PaymentNotice("", Outcome.FAILED, signed=False, detail=f"message illisible : {error}")
        except eopayment.PaymentException as error:
            log.error("paiement en ligne : le service ne répond pas sur %r : %s", message[:200], error)
            raise PaymentServiceUnavailable(UNAVAILABLE) from error
        outcome = {eopayment.PAID: Outcome.PAID, eopayment.WAITING: Outcome.WAITING}.get(response.result,
                                                                                       Outcome.FAILED)
        data = response.bank_data or {}
        if settings.backend == "payfip_ws":
            amount = _cents(data.get("montant"))
            reference = data.get("refdet")
            if data.get("numcli") not in (None, settings.options.get("numcli")):
                return PaymentNotice(str(response.order_id), outcome, signed=False,
                                     detail=f"numcli {data.get('numcli')} d'une autre collectivité")
            transaction = response.order_id
        else:
            amount = _euros(_field(data, "amount"))
            reference = _field(data, "orderid")
            transaction = response.transaction_id
        return PaymentNotice(str(transaction or ""), outcome, signed=bool(response.signed), amount=amount,
                             reference=str(reference) if reference is not None else None,
                             detail=str(response.bank_status or ""))


    def status(self, organisation_code: str, transaction_id: str) -> PaymentNotice | None:
        """PayFIP asked about the transaction (its idop), as for a notification; dummy cannot be asked."""
        settings = self._settings.get(organisation_code)
        if settings is None:
            raise PaymentServiceUnavailable("Votre commune ne propose pas le paiement en ligne.")
        if settings.backend != "payfip_ws":
            return None
        return self.verify(organisation_code, urlencode({"idop": transaction_id}))


def _cents(value: Any) -> Decimal | None:
    try:
        return (Decimal(str(value)) / 100).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _euros(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        return None
