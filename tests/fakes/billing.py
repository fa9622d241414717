"""The billing repository and a service-day source, in memory."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import attrs

from famille.kernel.billing import BillingRun, Invoice, InvoiceKind, PayerProfile, Payment, RunStatus
from famille.kernel.billing_days import ServiceDay
from famille.kernel.billing_payers import payer_profile
from famille.kernel.records import FamilySections


class FakeBilling:
    def __init__(self, store: Any) -> None:
        self.s = store

    def payer_profiles(self, organisation_code: str) -> Mapping[str, PayerProfile]:
        return {f.id: payer_profile(f, self.s.family_sections.get(f.id, FamilySections()))
                for f in self.s.families.values() if f.organisation_code == organisation_code}

    def run(self, run_id: str) -> BillingRun | None:
        return self.s.billing_runs.get(run_id)

    def replace_draft(self, run: BillingRun, invoices: Sequence[Invoice]) -> None:
        for key in [k for k, v in self.s.invoices.items() if v.run_id == run.id]:
            del self.s.invoices[key]
        self.s.billing_runs[run.id] = run
        for invoice in invoices:
            self.s.invoices[invoice.id] = invoice

    def claim_final(self, run_id: str, at: datetime, by: str) -> bool:
        run = self.s.billing_runs.get(run_id)
        if run is None or run.status is not RunStatus.DRAFT:
            return False
        self.s.billing_runs[run_id] = attrs.evolve(run, status=RunStatus.FINAL, finalised_at=at, finalised_by=by)
        return True

    def allocate_numbers(self, organisation_code: str, series: str, count: int) -> int:
        key = (organisation_code, series)
        first = self.s.counters.get(key, 0) + 1
        self.s.counters[key] = first + count - 1
        return first

    def issue(self, invoice_id: str, number: str, issued_on: date, due_on: date) -> None:
        invoice = self.s.invoices[invoice_id]
        self.s.invoices[invoice_id] = attrs.evolve(invoice, number=number, issued_on=issued_on, due_on=due_on)

    def invoices_of_run(self, run_id: str) -> Sequence[Invoice]:
        return sorted((i for i in self.s.invoices.values() if i.run_id == run_id), key=lambda i: i.family_id)

    def invoice(self, invoice_id: str) -> Invoice | None:
        return self.s.invoices.get(invoice_id)

    def issued_of_family(self, family_id: str) -> Sequence[Invoice]:
        return sorted((i for i in self.s.invoices.values() if i.family_id == family_id and i.issued),
                      key=lambda i: (i.issued_on, i.number))

    def issued_of_month(self, organisation_code: str, month: str) -> Sequence[Invoice]:
        return sorted((i for i in self.s.invoices.values() if i.organisation_code == organisation_code
                       and i.month == month and i.issued and i.kind is InvoiceKind.INVOICE),
                      key=lambda i: i.number or "")

    def add_credit_note(self, note: Invoice) -> None:
        self.s.invoices[note.id] = note

    def add_payment(self, payment: Payment) -> None:
        self.s.payments[payment.id] = payment

    def payments_of_family(self, family_id: str) -> Sequence[Payment]:
        return sorted((p for p in self.s.payments.values() if p.family_id == family_id), key=lambda p: p.paid_on)


class FakeServiceDays:
    """A service-day source that gives back what a test put in."""

    def __init__(self, days: Iterable[ServiceDay] = ()) -> None:
        self.days: list[ServiceDay] = list(days)

    def service_days(self, organisation_code: str, month: str) -> Iterable[ServiceDay]:
        return [d for d in self.days if d.organisation_code == organisation_code
                and f"{d.day:%Y-%m}" == month]
