"""Paying invoices online (« Payer en ligne »): PayFIP for communes, behind the payment gateway port.

A family chooses unpaid invoices; the portal opens a transaction of what remains on them
with the organisation's payment service and sends the family there. The service then
tells the portal the outcome twice: server to server (the notification) and through the
family's browser (the return). Both go through `settle`, which asks the gateway to check
the message, refuses (and logs) a message whose transaction, reference or amount does not
match the payment opened, and records the payment once: the first message that finds it
pending settles it (a conditional write), any later one reads what was decided.

The payment is recorded among the family's payments (method « paiement en ligne »),
allocated to the invoices it was opened for, so the balance and the relevé follow.

One payment at a time per family (a unique index keeps it, even for two requests at once): a
family that asks again for the same invoices while their payment is pending is sent back to it;
a payment of other invoices is refused (409) until the pending one ends. A payment the service never told the portal about is asked
for (`reconcile`, the `famille payments reconcile` command): settled by the service's answer
through the same conditional write as the messages, or, once `PAYMENT_WINDOW` has passed with
no decision, closed as expired (a payment the service reports paid later is still recorded).
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.billing.account import position
from famille.kernel.billing.model import ZERO, Invoice, InvoiceKind, Payment, PaymentMethod
from famille.kernel.shared.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from famille.kernel.shared.french_dates import describe_date
from famille.ports.clock import Clock
from famille.ports.payment_gateway import PaymentGateway
from famille.ports.persistence import UnitOfWorkFactory

log = logging.getLogger("famille.paiements")

#: At most this many invoices in one payment.
MAX_INVOICES = 24
#: Who recorded a payment settled online (no agent did).
RECORDED_BY = "paiement-en-ligne"
NOT_FOUND = "Paiement introuvable."
#: PayFIP's transaction (idop) can be paid for 15 minutes after it is opened: a payment still
#: undecided after this window will not be paid, and its invoices may be paid again.
PAYMENT_WINDOW = timedelta(minutes=20)
#: `reconcile` leaves alone the payments younger than this: their notification is still expected.
QUIET = timedelta(minutes=5)
#: The detail of a payment closed by the portal when its window passed without a decision.
EXPIRED = "expiré : aucune décision du service de paiement dans le délai"
#: At most this many payments on the agents' list.
LIST_MAX = 500


class PaymentServiceUnavailable(DomainError):
    """The organisation takes no payment online, or its payment service cannot be reached."""

    title = "Paiement en ligne indisponible"


class NoticeRefused(DomainError):
    """A message of the payment service that does not match the payment opened: nothing recorded."""

    title = "Avis de paiement refusé"


class OnlineStatus(enum.Enum):
    """Where an online payment stands."""

    PENDING = "en_attente"
    PAID = "payee"
    FAILED = "echouee"


class Outcome(enum.Enum):
    """What the payment service says of a transaction."""

    PAID = "paid"
    FAILED = "failed"  # refused, cancelled, expired
    WAITING = "waiting"  # not decided yet


@attrs.frozen
class PaymentOrder:
    """What the portal asks the payment service for."""

    organisation_code: str
    payment_id: str
    reference: str
    amount: Decimal
    email: str | None
    label: str
    year: int  # the budget year (PayFIP's EXER)
    return_url: str
    notify_url: str


@attrs.frozen
class Checkout:
    """The service's transaction and the address where the family pays."""

    transaction_id: str
    url: str


@attrs.frozen
class PaymentNotice:
    """What the payment service says of a transaction, once checked by the gateway."""

    transaction_id: str
    outcome: Outcome
    signed: bool
    amount: Decimal | None = None
    reference: str | None = None
    detail: str = ""


@attrs.frozen
class OnlinePayment:
    """A payment opened online for some invoices of a family, and how it ended."""

    id: str
    reference: str
    organisation_code: str
    family_id: str
    invoices: tuple[tuple[str, Decimal], ...]  # (invoice id, amount paid on it)
    amount: Decimal
    status: OnlineStatus
    created_at: datetime
    created_by: str
    transaction_id: str
    url: str
    settled_at: datetime | None = None
    payment_id: str | None = None
    detail: str = ""


@attrs.frozen
class Opened:
    """The payment a family is sent to: just opened, or the same invoices' payment still pending (`resumed`)."""

    payment: OnlinePayment
    resumed: bool = False


@attrs.frozen
class ListedPayment:
    """A payment on the agents' list, with the family it is for."""

    payment: OnlinePayment
    family_number: str
    family_name: str


@attrs.frozen
class ReconcileReport:
    """What `reconcile` did: payments asked about, and how many ended paid, failed or expired, or still wait."""

    asked: int = 0
    paid: int = 0
    failed: int = 0
    expired: int = 0
    waiting: int = 0
    unanswered: int = 0  # the service could not be reached: asked again next time


def reference_of(payment_id: str) -> str:
    """The order reference given to the service: 20 letters and digits (PayFIP's REFDET allows 30)."""
    return "FAM" + payment_id.replace("-", "")[:17].upper()


class OnlinePayments:
    """Opening payments for a family's invoices and settling them from the service's messages."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, gateway: PaymentGateway, *, portal_url: str) -> None:
        self._uow = uow
        self._clock = clock
        self._gateway = gateway
        self._portal_url = portal_url.rstrip("/")

    def offered(self, organisation_code: str) -> bool:
        """Whether families of this organisation can pay online."""
        return self._gateway.offers(organisation_code)

    def start(self, principal: Principal, invoice_ids: Sequence[str]) -> OnlinePayment:
        """The payment the family pays its chosen invoices by (see `open`)."""
        return self.open(principal, invoice_ids).payment

    def open(self, principal: Principal, invoice_ids: Sequence[str]) -> Opened:
        """Open a payment of what remains on the calling family's chosen invoices.

        The same invoices' payment still pending within `PAYMENT_WINDOW` is given back (`resumed`);
        a pending payment of other invoices is a `Conflict`. A pending payment older than the window
        is first asked about (`reconcile_one`), which closes it.
        """
        if principal.is_agent or principal.family_id is None:
            raise NotFound("Famille introuvable.")
        wanted = list(invoice_ids)
        if not wanted or len(wanted) > MAX_INVOICES or len(set(wanted)) != len(wanted):
            raise ValidationFailed([FieldError("invoices", f"Choisissez de 1 à {MAX_INVOICES} factures, chacune "
                                                           "une seule fois.")])
        with self._uow() as uow:
            stale = [p for p in uow.billing.online_payments(family_id=principal.family_id, status=OnlineStatus.PENDING)
                     if self._clock.now() - p.created_at >= PAYMENT_WINDOW]
        for payment in stale:
            self.reconcile_one(payment)
        today = self._clock.now()
        with self._uow() as uow:
            family = uow.families.get(principal.family_id)
            account = uow.accounts.get(principal.account_id)
            if family is None:
                raise NotFound("Famille introuvable.")
            documents = uow.billing.issued_of_family(family.id)
            unpaid = {o.invoice.id: o for o in position(documents, uow.billing.payments_of_family(family.id),
                                                        today.date()).unpaid}
            pending = uow.billing.online_payments(family_id=family.id, status=OnlineStatus.PENDING)
        own = {d.id: d for d in documents if d.kind is InvoiceKind.INVOICE}
        errors = []
        for n, invoice_id in enumerate(wanted):
            if invoice_id not in own:
                raise NotFound("Facture introuvable.")
            if invoice_id not in unpaid:
                errors.append(FieldError(f"invoices[{n}]", f"La facture n° {own[invoice_id].number} est déjà réglée."))
        if errors:
            raise ValidationFailed(errors)
        running = _running(pending, wanted, own, today)
        if running is not None:
            return running
        if not self._gateway.offers(family.organisation_code):
            raise PaymentServiceUnavailable("Votre commune ne propose pas le paiement en ligne : réglez au guichet "
                                            "ou par prélèvement.")
        shares = tuple((i, unpaid[i].remaining) for i in wanted)
        amount = sum((share for _, share in shares), ZERO)
        payment_id = str(uuid.uuid4())
        reference = reference_of(payment_id)
        numbers = ", ".join(str(own[i].number) for i in wanted)
        order = PaymentOrder(
            organisation_code=family.organisation_code, payment_id=payment_id, reference=reference, amount=amount,
            email=account.email if account else None, label=f"Factures {numbers}"[:100], year=today.year,
            return_url=f"{self._portal_url}/api/v1/payments/{payment_id}/return",
            notify_url=f"{self._portal_url}/api/v1/payments/{payment_id}/notification")
        checkout = self._gateway.start(order)
        payment = OnlinePayment(payment_id, reference, family.organisation_code, family.id, shares, amount,
                                OnlineStatus.PENDING, today, principal.account_id, checkout.transaction_id,
                                checkout.url)
        with self._uow() as uow:
            if not uow.billing.add_online_payment(payment):
                # Another request opened one meanwhile: the family goes to it (ours is never paid).
                uow.rollback()
                running = _running(uow.billing.online_payments(family_id=family.id, status=OnlineStatus.PENDING),
                                   wanted, own, today)
                if running is not None:
                    return running
                raise Conflict("Un autre paiement en ligne vient d'être ouvert pour votre famille : réessayez.")
            uow.commit()
        log.info("paiement en ligne ouvert %s (%s) : %s € pour la famille %s", payment.id, reference, amount,
                 family.id)
        return Opened(payment)

    def get(self, principal: Principal, payment_id: str) -> OnlinePayment:
        """One of the calling family's payments (or, for an agent, of its organisation)."""
        with self._uow() as uow:
            payment = uow.billing.online_payment(payment_id)
        if payment is None or not (payment.family_id == principal.family_id if not principal.is_agent
                                   else payment.organisation_code == principal.organisation_code):
            raise NotFound(NOT_FOUND)
        return payment

    def settle(self, payment_id: str, message: str, *, channel: str) -> OnlinePayment:
        """Read a message of the service about a payment (`channel`: notification or retour), once.

        Refused, logged and nothing recorded: a message the service does not vouch for, or whose
        transaction, reference or amount is not the payment's.
        """
        with self._uow() as uow:
            payment = uow.billing.online_payment(payment_id)
        if payment is None:
            log.warning("avis de paiement refusé (%s) : paiement %r inconnu", channel, payment_id[:80])
            raise NotFound(NOT_FOUND)
        notice = self._gateway.verify(payment.organisation_code, message)
        problem = self._mismatch(payment, notice)
        if problem:
            log.warning("avis de paiement refusé (%s) pour %s (%s) : %s ; avis : %r", channel, payment.id,
                        payment.reference, problem, notice)
            raise NoticeRefused(f"Avis de paiement refusé : {problem}. Rien n'a été enregistré.")
        return self._apply(payment, notice, channel)

    def _apply(self, payment: OnlinePayment, notice: PaymentNotice, channel: str) -> OnlinePayment:
        """Record what the service decided, once: a pending payment ends paid or failed; a payment the
        portal closed as expired is still recorded when the service says it was paid."""
        late = payment.status is OnlineStatus.FAILED and payment.detail == EXPIRED and notice.outcome is Outcome.PAID
        if not (payment.status is OnlineStatus.PENDING or late) or notice.outcome is Outcome.WAITING:
            return payment
        now = self._clock.now()
        with self._uow() as uow:
            if notice.outcome is Outcome.PAID:
                recorded = Payment(id=str(uuid.uuid4()), organisation_code=payment.organisation_code,
                                   family_id=payment.family_id, amount=payment.amount, method=PaymentMethod.ONLINE,
                                   paid_on=now.date(), recorded_by=RECORDED_BY, recorded_at=now,
                                   reference=payment.reference, allocations=payment.invoices)
                settled = attrs.evolve(payment, status=OnlineStatus.PAID, settled_at=now, payment_id=recorded.id,
                                       detail=notice.detail)
            else:
                recorded = None
                settled = attrs.evolve(payment, status=OnlineStatus.FAILED, settled_at=now, detail=notice.detail)
            if recorded is not None:
                uow.billing.add_payment(recorded)
            if not uow.billing.settle_online_payment(settled, was=payment.status):  # settled first elsewhere
                uow.rollback()
                current = uow.billing.online_payment(payment.id)
                assert current is not None
                return current
            uow.commit()
        if late:
            log.warning("paiement en ligne %s (%s) payé après son expiration : enregistré par %s", payment.id,
                        payment.reference, channel)
        log.info("paiement en ligne %s (%s) : %s par %s", payment.id, payment.reference, settled.status.value,
                 channel)
        return settled

    def reconcile_one(self, payment: OnlinePayment) -> OnlinePayment:
        """Ask the service about a pending payment and record its answer as a message would be; close it
        as expired when `PAYMENT_WINDOW` has passed without a decision. `PaymentServiceUnavailable` when
        the service cannot be reached (nothing changes)."""
        notice = self._gateway.status(payment.organisation_code, payment.transaction_id)
        if notice is not None:
            problem = self._mismatch(payment, notice)
            if problem:
                log.warning("relance refusée pour %s (%s) : %s ; réponse : %r", payment.id, payment.reference,
                            problem, notice)
                notice = None
            elif notice.outcome is not Outcome.WAITING:
                return self._apply(payment, notice, "relance")
        if self._clock.now() - payment.created_at < PAYMENT_WINDOW:
            return payment
        expired = attrs.evolve(payment, status=OnlineStatus.FAILED, settled_at=self._clock.now(), detail=EXPIRED)
        with self._uow() as uow:
            if not uow.billing.settle_online_payment(expired, was=OnlineStatus.PENDING):
                current = uow.billing.online_payment(payment.id)
                assert current is not None
                return current
            uow.commit()
        log.info("paiement en ligne %s (%s) : expiré sans décision du service", payment.id, payment.reference)
        return expired

    def reconcile(self, organisation_code: str | None = None) -> ReconcileReport:
        """Ask the service about every payment left pending for `QUIET` or longer (of one organisation, or
        all); safe to run at any time, and alongside the notifications (each payment is settled once)."""
        before = self._clock.now() - QUIET
        with self._uow() as uow:
            if organisation_code is not None and uow.organisations.get(organisation_code) is None:
                raise NotFound(f"Organisation « {organisation_code} » introuvable.")
            pending = [p for p in uow.billing.online_payments(organisation_code, status=OnlineStatus.PENDING)
                       if p.created_at <= before]
        counts = dict.fromkeys(("paid", "failed", "expired", "waiting", "unanswered"), 0)
        for payment in pending:
            try:
                after = self.reconcile_one(payment)
            except PaymentServiceUnavailable as error:
                log.warning("relance du paiement %s (%s) impossible : %s", payment.id, payment.reference,
                            error.message)
                counts["unanswered"] += 1
                continue
            key = ("waiting" if after.status is OnlineStatus.PENDING else "paid" if after.status is OnlineStatus.PAID
                   else "expired" if after.detail == EXPIRED else "failed")
            counts[key] += 1
        return ReconcileReport(len(pending), **counts)

    def listed(self, agent: Principal, status: OnlineStatus | None = None) -> tuple[ListedPayment, ...]:
        """The online payments of the agent's organisation, newest first (`LIST_MAX` at most), with their family."""
        if not agent.is_agent:
            raise Forbidden("Cette page est réservée aux agents.")
        with self._uow() as uow:
            found = uow.billing.online_payments(agent.organisation_code, status=status, limit=LIST_MAX)
            families = {family_id: uow.families.get(family_id) for family_id in {p.family_id for p in found}}
        out = []
        for payment in found:
            family = families[payment.family_id]
            out.append(ListedPayment(payment, family.number if family else "",
                                     family.responsable.full_name if family else ""))
        return tuple(out)

    @staticmethod
    def _mismatch(payment: OnlinePayment, notice: PaymentNotice) -> str | None:
        if not notice.signed:
            return "message non authentifié par le service de paiement"
        if notice.transaction_id != payment.transaction_id:
            return f"transaction {notice.transaction_id!r} au lieu de {payment.transaction_id!r}"
        if notice.reference is not None and notice.reference != payment.reference:
            return f"référence {notice.reference!r} au lieu de {payment.reference!r}"
        if notice.outcome is Outcome.PAID and notice.amount != payment.amount:
            return f"montant {notice.amount} € au lieu de {payment.amount} €"
        return None


def _running(pending: Sequence[OnlinePayment], wanted: Sequence[str], own: dict[str, Invoice],
             now: datetime) -> Opened | None:
    """The family's pending payment of exactly these invoices, to send it back to; `Conflict` when its
    pending payment is of other invoices; None when none is running."""
    for payment in pending:
        if now - payment.created_at >= PAYMENT_WINDOW:
            continue
        if {i for i, _ in payment.invoices} == set(wanted):
            return Opened(payment, resumed=True)
        held = ", ".join(str(own[i].number) for i, _ in payment.invoices if i in own)
        until = payment.created_at + PAYMENT_WINDOW
        raise Conflict(f"Un paiement en ligne (facture n° {held}) est déjà en cours (ouvert le "
                       f"{describe_date(payment.created_at.date())} à {payment.created_at:%H:%M}) : terminez-le sur "
                       f"la page du service de paiement, ou réessayez après {until:%H:%M}.")
    return None


class NoOnlinePayment:
    """A gateway for a portal where no organisation takes payments online."""

    def offers(self, organisation_code: str) -> bool:
        """Never."""
        return False

    def start(self, order: PaymentOrder) -> Checkout:
        """Refused."""
        raise PaymentServiceUnavailable("Le paiement en ligne n'est pas proposé.")

    def verify(self, organisation_code: str, message: str) -> PaymentNotice:
        """Refused."""
        raise PaymentServiceUnavailable("Le paiement en ligne n'est pas proposé.")

    def status(self, organisation_code: str, transaction_id: str) -> PaymentNotice | None:
        """Refused."""
        raise PaymentServiceUnavailable("Le paiement en ligne n'est pas proposé.")
