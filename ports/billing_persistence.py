"""The billing repository: runs, invoices and credit notes, payments, number counters, payers.

Part of the unit of work (`UnitOfWork.billing`); the same transaction rules apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from famille.kernel.billing.model import (
        BillingRun,
        Invoice,
        InvoiceLine,
        PayerProfile,
        Payment,
        RunTotals,
    )
    from famille.kernel.billing.online import OnlinePayment, OnlineStatus
    from famille.kernel.billing.setup import Creditor, FamilyBilling


class BillingRepository(Protocol):
    """Stores what billing issues.

    Contract:
    - an issued invoice or credit note is never changed nor deleted;
    - `replace_draft` removes the run's previous draft invoices and stores the new ones;
    - `claim_final` is a conditional write: of two callers finalising the same draft at
      once, only one gets True;
    - `allocate_numbers` reserves `count` consecutive numbers of an organisation's series
      in the caller's transaction, atomically (a row lock on PostgreSQL, the write lock
      on SQLite): numbers have no gap and no duplicate when the transaction commits, and
      are given back when it rolls back;
    - `settle_online_payment` is a conditional write: of two messages (or a message and the
      reconciliation) settling the same payment at once, only one gets True;
    - a streamed draft is `begin_draft`, then `add_draft_invoices` and `add_draft_lines` in
      batches (an invoice before its lines; a draft may be stored before it is known to get any),
      then `settle_draft_totals`, all in one transaction.
    """

    def payer_profiles(self, organisation_code: str) -> Mapping[str, PayerProfile]:
        """The organisation's families as billing needs them, by family id."""
        ...

    def run(self, run_id: str) -> BillingRun | None:
        """The run with this id, or None."""
        ...

    def replace_draft(self, run: BillingRun, invoices: Sequence[Invoice]) -> None:
        """Store (or replace) a draft run and its invoices."""
        ...

    def begin_draft(self, run: BillingRun) -> None:
        """Remove the run's previous draft invoices and lines, and store the (draft) run."""
        ...

    def add_draft_invoices(self, invoices: Sequence[Invoice]) -> None:
        """Store draft invoices without their lines (their total is settled by `settle_draft_totals`)."""
        ...

    def add_draft_lines(self, lines: Sequence[tuple[str, int, InvoiceLine]]) -> None:
        """Store lines given as (invoice id, position in the invoice, line)."""
        ...

    def add_rule_messages(self, organisation_code: str, messages: Mapping[tuple[str, str, str], str]) -> None:
        """Keep each rule message by (rules version, rule id, reason) for the organisation, once: a line
        stored with a rules version is read back with the message kept under its version, its invoice's
        organisation, its rule id and its reason (a key already kept is left as it is)."""
        ...

    def settle_draft_totals(self, run_id: str) -> RunTotals:
        """Set each draft invoice's total to the sum of its lines, remove the drafts left without a line;
        the run's counts and total."""
        ...

    def run_totals(self, run_id: str) -> RunTotals:
        """How many invoices, lines and flagged lines the run has, and its total."""
        ...

    def issue_run(self, run_id: str, series: str, first: int, issued_on: date, due_on: date) -> int:
        """Number the run's draft invoices above 0, in family id order, from `first` of the series
        (`<series>-000001`), with their date and due date; how many were numbered."""
        ...

    def billable_count(self, run_id: str) -> int:
        """How many of the run's invoices have a total above 0."""
        ...

    def child_shares(self, child_id: str) -> Mapping[str, Decimal | None]:
        """Each family's recorded share of the child's costs (None: not set), by family id."""
        ...

    def set_child_shares(self, child_id: str, shares: Mapping[str, Decimal]) -> None:
        """Record each family's share of the child's costs."""
        ...

    def family_billing(self, family_id: str) -> FamilyBilling:
        """The family's residence and SEPA mandate."""
        ...

    def set_family_billing(self, organisation_code: str, settings: FamilyBilling) -> None:
        """Store the family's residence and mandate (None removes the mandate)."""
        ...

    def mandate_holder(self, organisation_code: str, reference: str) -> str | None:
        """The family of the organisation whose mandate has this reference (RUM), or None."""
        ...

    def creditor(self, organisation_code: str) -> Creditor | None:
        """The organisation's SEPA creditor data, or None."""
        ...

    def set_creditor(self, organisation_code: str, creditor: Creditor) -> None:
        """Store (or replace) the organisation's SEPA creditor data."""
        ...

    def claim_final(self, run_id: str, at: datetime, by: str) -> bool:
        """Make a draft run final; True only for the caller whose write did it."""
        ...

    def allocate_numbers(self, organisation_code: str, series: str, count: int) -> int:
        """Reserve `count` numbers of the series; return the first (numbers start at 1)."""
        ...

    def issue(self, invoice_id: str, number: str, issued_on: date, due_on: date) -> None:
        """Give a draft invoice its number, date and due date (an invoice already issued is left as it is)."""
        ...

    def invoices_of_run(self, run_id: str) -> Sequence[Invoice]:
        """The invoices of a run, by family id."""
        ...

    def invoice(self, invoice_id: str) -> Invoice | None:
        """The invoice or credit note with this id, or None."""
        ...

    def issued_of_family(self, family_id: str) -> Sequence[Invoice]:
        """The family's issued invoices and credit notes, by date of issue then number."""
        ...

    def issued_of_month(self, organisation_code: str, month: str) -> Sequence[Invoice]:
        """The organisation's issued invoices (not credit notes) of a month, by number, without their lines."""
        ...

    def add_credit_note(self, note: Invoice) -> None:
        """Store an issued credit note."""
        ...

    def add_payment(self, payment: Payment) -> None:
        """Store a payment."""
        ...

    def payments_of_family(self, family_id: str) -> Sequence[Payment]:
        """The family's payments, by date, then by the instant they were recorded."""
        ...

    def add_online_payment(self, payment: OnlinePayment) -> bool:
        """Store a payment opened online (pending); False, storing nothing, when the family already has
        one pending (one pending payment per family, kept by the storage even for concurrent writers)."""
        ...

    def online_payment(self, payment_id: str) -> OnlinePayment | None:
        """The payment opened online with this id, or None."""
        ...

    def online_payments(self, organisation_code: str | None = None, *, family_id: str | None = None,
                        status: OnlineStatus | None = None, limit: int | None = None) -> Sequence[OnlinePayment]:
        """The payments opened online of an organisation (or all), of a family, in a status: newest first,
        `limit` at most."""
        ...

    def settle_online_payment(self, payment: OnlinePayment, *, was: OnlineStatus) -> bool:
        """Store how a payment ended (status, when, payment recorded, detail); True only for the
        caller whose write found it still in status `was` (pending; failed for an expired one paid late)."""
        ...
