"""Billing values: runs, invoices and their lines, credit notes, payments, payers.

Money is `Decimal` in euros with two decimals (cents), rounded ROUND_HALF_UP where
a percentage or a share makes it necessary; never a float.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import attrs

from famille.kernel.shared import dates

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: A whole share: the family pays all of the day.
FULL_SHARE = Decimal("100")
_IDS = uuid.UUID("6b1f8a52-55c7-4a44-9a57-6a3b0e1f9c11")


def cents(value: Decimal) -> Decimal:
    """`value` rounded to the cent, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_month(text: str) -> tuple[int, int]:
    """(year, month) of "YYYY-MM" within the portal's years, or `ValidationFailed` on field `month`."""
    first = dates.parse_month(text, "month")
    return first.year, first.month


def month_ended(month: str, today: date) -> bool:
    """Whether every day of `month` ("YYYY-MM") is before `today`."""
    year, number = parse_month(month)
    return today >= (date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1))


def stable_id(*parts: str) -> str:
    """A uuid derived from `parts`: the same run gives the same ids (a re-run replaces, never adds)."""
    return str(uuid.uuid5(_IDS, "/".join(parts)))


class Billed(enum.Enum):
    """How the eligibility rules bill a day."""

    FULL = "full"
    PERCENT = "percent"
    FIXED = "fixed"
    SURCHARGE = "surcharge"
    NONE = "none"
    FLAG = "flag"  # not billed: an agent must check the day first


class RunStatus(enum.Enum):
    """A run is reviewed as a draft, then made final once."""

    DRAFT = "draft"
    FINAL = "final"


class InvoiceKind(enum.Enum):
    """An invoice, or a credit note (avoir) that corrects an issued invoice."""

    INVOICE = "facture"
    CREDIT_NOTE = "avoir"


class PaymentMethod(enum.Enum):
    """How a family paid."""

    COUNTER = "guichet"
    CARD = "carte"
    CHEQUE = "cheque"
    CESU = "cesu"
    DIRECT_DEBIT = "prelevement"
    ONLINE = "en_ligne"  # paid through the organisation's payment service (PayFIP), never by an agent

    @property
    def label(self) -> str:
        """How the relevé de compte names it."""
        return "Paiement en ligne" if self is PaymentMethod.ONLINE else f"Paiement ({self.value})"


class InvoiceLine(NamedTuple):
    """One day of one service of one child, with why it is billed or not.

    `rule_id` and `message` come from billing_eligibility; `detail` adds what the
    rule cannot say (the deadline, the price rule, the share paid by this family).
    `share` is the percentage of the day this family pays (two decimals at most).
    `rules_version` is the version of the rule files that decided the line and `reason` the
    day's absence reason: storage keeps the message once per (version, organisation, rule,
    reason) and finds it again by them (a line stored before that has its own text and no version).
    A named tuple, immutable like the other values (`_replace` evolves one): a month's run makes
    about a million lines, and a tuple is made several times faster than a frozen attrs instance.
    """

    child_id: str
    child_name: str
    service_code: str
    day: date
    rule_id: str
    message: str
    status: str
    billed: Billed
    unit_price: Decimal
    amount: Decimal
    share: Decimal = FULL_SHARE
    detail: str = ""
    rules_version: str = ""
    reason: str = ""

    @property
    def flagged(self) -> bool:
        """Whether an agent must check this day."""
        return self.billed is Billed.FLAG


@attrs.frozen
class Invoice:
    """An invoice (or a credit note) of one family (one responsable).

    A draft has no number; issuing gives it its number, date and due date, after
    which it never changes: a correction is a credit note. A credit note's
    `total` is the amount credited (positive) and `credited_invoice_id` the
    invoice it corrects.
    """

    id: str
    organisation_code: str
    family_id: str
    month: str
    kind: InvoiceKind
    lines: tuple[InvoiceLine, ...]
    total: Decimal
    run_id: str | None = None
    number: str | None = None
    issued_on: date | None = None
    due_on: date | None = None
    credited_invoice_id: str | None = None
    reason: str | None = None

    @property
    def issued(self) -> bool:
        """Whether it has its number."""
        return self.number is not None

    @property
    def flagged_lines(self) -> tuple[InvoiceLine, ...]:
        """The days an agent must check."""
        return tuple(line for line in self.lines if line.flagged)


def percent_text(share: Decimal | int) -> str:
    """« 50 % », « 33,33 % »: a share as a family reads it."""
    value = Decimal(share).quantize(CENT)
    text = f"{value:f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} %"


def invoice_total(lines: tuple[InvoiceLine, ...]) -> Decimal:
    """The exact sum of the lines."""
    return sum((line.amount for line in lines), ZERO)


@attrs.frozen
class BillingRun:
    """The monthly run of an organisation: a draft to review, then final (numbered invoices)."""

    id: str
    organisation_code: str
    month: str
    status: RunStatus
    created_at: datetime
    created_by: str
    rules_version: str = ""
    finalised_at: datetime | None = None
    finalised_by: str | None = None


@attrs.frozen
class RunReview:
    """A run with its invoices, totals and flagged days, as an agent reviews it."""

    run: BillingRun
    invoices: tuple[Invoice, ...]
    #: A draft of a month that has not ended: days still to come may change it.
    provisional: bool = False

    @property
    def total(self) -> Decimal:
        """The sum of every invoice of the run."""
        return sum((invoice.total for invoice in self.invoices), ZERO)

    @property
    def flagged(self) -> tuple[tuple[Invoice, InvoiceLine], ...]:
        """Every flagged day, with its invoice."""
        return tuple((invoice, line) for invoice in self.invoices for line in invoice.flagged_lines)

    @property
    def line_count(self) -> int:
        """How many lines the run has."""
        return sum(len(invoice.lines) for invoice in self.invoices)


@attrs.frozen
class RunTotals:
    """A run's counts and total, computed by the database rather than from loaded lines."""

    invoices: int = 0
    lines: int = 0
    flagged: int = 0
    total: Decimal = ZERO
    issued: int = 0


@attrs.frozen
class RunSummary:
    """A run without its lines: what a command line or a progress page shows."""

    run: BillingRun
    totals: RunTotals
    first_number: str | None = None
    last_number: str | None = None


@attrs.frozen
class Payment:
    """A payment a family made, recorded by an agent (or a direct debit, or online).

    `allocations` names the invoices it pays and how much of it goes to each (a payment
    online pays the invoices chosen); what it does not allocate settles the oldest invoices.
    """

    id: str
    organisation_code: str
    family_id: str
    amount: Decimal
    method: PaymentMethod
    paid_on: date
    recorded_by: str
    recorded_at: datetime
    reference: str | None = None
    allocations: tuple[tuple[str, Decimal], ...] = ()


@attrs.frozen
class BankDetails:
    """What a SEPA direct debit needs of a family."""

    iban: str
    bic: str
    holder: str
    mandate_reference: str
    mandate_signed_on: date


@attrs.frozen
class PayerProfile:
    """What billing needs of a family: prices (QF, residence), address, bank details.

    `wants_direct_debit`: the family chose prélèvement in its bank record; `direct_debit` is
    set only when it also has an IBAN and a signed mandate (else it is left out of the SEPA file).
    """

    family_id: str
    number: str
    name: str
    address: tuple[str, ...] = ()
    quotient_familial: int | None = None
    resident: bool = True
    direct_debit: BankDetails | None = None
    wants_direct_debit: bool = False
