"""The billing repository: runs, invoices and credit notes, payments, number counters, payers.

Part of the unit of work (`UnitOfWork.billing`); the same transaction rules apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from famille.kernel.billing import BillingRun, Invoice, PayerProfile, Payment


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
      are given back when it rolls back.
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

    def claim_final(self, run_id: str, at: datetime, by: str) -> bool:
        """Make a draft run final; True only for the caller whose write did it."""
        ...

    def allocate_numbers(self, organisation_code: str, series: str, count: int) -> int:
        """Reserve `count` numbers of the series; return the first (numbers start at 1)."""
        ...

    def issue(self, invoice_id: str, number: str, issued_on: date, due_on: date) -> None:
        """Give a draft invoice its number, date and due date."""
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
        """The organisation's issued invoices (not credit notes) of a month, by number."""
        ...

    def add_credit_note(self, note: Invoice) -> None:
        """Store an issued credit note."""
        ...

    def add_payment(self, payment: Payment) -> None:
        """Store a payment."""
        ...

    def payments_of_family(self, family_id: str) -> Sequence[Payment]:
        """The family's payments, by date."""
        ...
