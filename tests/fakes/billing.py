"""The billing repository and a service-day source, in memory."""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from famille.kernel.billing.days import (
    AbsenceRow,
    AbsenceTiming,
    AttendanceMark,
    AttendanceRow,
    BilledChild,
    BookingRow,
    EventRow,
    MonthRows,
    PayerLink,
    ServiceDay,
)
from famille.kernel.billing.model import (
    Billed,
    BillingRun,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    PayerProfile,
    Payment,
    RunStatus,
    RunTotals,
    invoice_total,
)
from famille.kernel.billing.online import OnlinePayment, OnlineStatus
from famille.kernel.billing.payers import payer_profile
from famille.kernel.billing.setup import Creditor, FamilyBilling
from famille.kernel.families.records import FamilySections


def _stored(line: InvoiceLine) -> InvoiceLine:
    """As the SQL repository stores it: a line with a rules version without its message's text."""
    return line._replace(message="") if line.rules_version else line

class FakeBilling:
    def __init__(self, store: Any, committed: Any) -> None:
        self.s = store
        self.committed = committed

    def payer_profiles(self, organisation_code: str) -> Mapping[str, PayerProfile]:
        out = {}
        enrolled = {e.child_id for e in self.s.enrolments if e.organisation_code == organisation_code}
        paying = {f for c in self.s.children.values() if c.id in enrolled for f in c.family_ids}
        for f in self.s.families.values():
            if f.organisation_code == organisation_code or f.id in paying:
                settings = self.family_billing(f.id)
                out[f.id] = payer_profile(f, self.s.family_sections.get(f.id, FamilySections()),
                                          resident=settings.resident, mandate=settings.mandate,
                                          billed_by=organisation_code)
        return out

    def begin_draft(self, run: BillingRun) -> None:
        self.replace_draft(run, ())

    def add_draft_invoices(self, invoices: Sequence[Invoice]) -> None:
        for invoice in invoices:
            self.s.invoices[invoice.id] = invoice

    def add_draft_lines(self, lines: Sequence[tuple[str, int, InvoiceLine]]) -> None:
        grouped: dict[str, list[tuple[int, InvoiceLine]]] = defaultdict(list)
        for invoice_id, position, line in lines:
            grouped[invoice_id].append((position, _stored(line)))
        for invoice_id, added in grouped.items():
            invoice = self.s.invoices[invoice_id]
            assert min(p for p, _ in added) == len(invoice.lines)
            self.s.invoices[invoice_id] = attrs.evolve(
                invoice, lines=invoice.lines + tuple(line for _, line in sorted(added, key=lambda x: x[0])))

    def add_rule_messages(self, organisation_code: str, messages: Mapping[tuple[str, str, str], str]) -> None:
        for (version, rule_id, reason), text in messages.items():
            self.s.rule_messages.setdefault((version, organisation_code, rule_id, reason), text)

    def _shown(self, invoice: Invoice) -> Invoice:
        """As the SQL repository: a line with a rules version reads its message from the kept messages."""
        if not any(line.rules_version for line in invoice.lines):
            return invoice
        return attrs.evolve(invoice, lines=tuple(
            line._replace(message=self.s.rule_messages.get(
                (line.rules_version, invoice.organisation_code, line.rule_id, line.reason), ""))
            if line.rules_version else line for line in invoice.lines))

    def settle_draft_totals(self, run_id: str) -> RunTotals:
        for invoice in self.invoices_of_run(run_id):
            if invoice.issued:
                continue
            if invoice.lines:
                self.s.invoices[invoice.id] = attrs.evolve(invoice, total=invoice_total(invoice.lines))
            else:
                del self.s.invoices[invoice.id]
        return self.run_totals(run_id)

    def run_totals(self, run_id: str) -> RunTotals:
        run = self.invoices_of_run(run_id)
        return RunTotals(invoices=len(run), lines=sum(len(i.lines) for i in run),
                         flagged=sum(1 for i in run for line in i.lines if line.billed is Billed.FLAG),
                         total=sum((i.total for i in run), Decimal("0.00")), issued=sum(1 for i in run if i.issued))

    def billable_count(self, run_id: str) -> int:
        return sum(1 for i in self.invoices_of_run(run_id) if i.total > 0)

    def issue_run(self, run_id: str, series: str, first: int, issued_on: date, due_on: date) -> int:
        billable = [i for i in self.invoices_of_run(run_id) if i.total > 0 and not i.issued]
        for offset, invoice in enumerate(billable):
            self.issue(invoice.id, f"{series}-{first + offset:06d}", issued_on, due_on)
        return len(billable)

    def child_shares(self, child_id: str) -> Mapping[str, Decimal | None]:
        child = self.s.children.get(child_id)
        return {f: self.s.child_shares.get((child_id, f)) for f in (child.family_ids if child else ())}

    def set_child_shares(self, child_id: str, shares: Mapping[str, Decimal]) -> None:
        for family_id, share in shares.items():
            self.s.child_shares[(child_id, family_id)] = share

    def family_billing(self, family_id: str) -> FamilyBilling:
        return self.s.family_billing.get(family_id) or FamilyBilling(family_id)

    def set_family_billing(self, organisation_code: str, settings: FamilyBilling) -> None:
        self.s.family_billing[settings.family_id] = settings

    def mandate_holder(self, organisation_code: str, reference: str) -> str | None:
        return next((b.family_id for b in self.s.family_billing.values()
                     if b.mandate is not None and b.mandate.reference == reference
                     and self.s.families[b.family_id].organisation_code == organisation_code), None)

    def creditor(self, organisation_code: str) -> Creditor | None:
        return self.s.creditors.get(organisation_code)

    def set_creditor(self, organisation_code: str, creditor: Creditor) -> None:
        self.s.creditors[organisation_code] = creditor

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
        shared = self.committed.get("billing_runs", run_id)
        if run is None or run.status is not RunStatus.DRAFT or (shared is not None
                                                                and shared.status is not RunStatus.DRAFT):
            return False
        self.s.billing_runs[run_id] = attrs.evolve(run, status=RunStatus.FINAL, finalised_at=at, finalised_by=by)
        return True

    def allocate_numbers(self, organisation_code: str, series: str, count: int) -> int:
        key = (organisation_code, series)
        first = max(self.s.counters.get(key, 0), self.committed.get("counters", key) or 0) + 1
        self.s.counters[key] = first + count - 1
        return first

    def issue(self, invoice_id: str, number: str, issued_on: date, due_on: date) -> None:
        invoice = self.s.invoices[invoice_id]
        if invoice.number is None:  # an issued invoice never changes
            self.s.invoices[invoice_id] = attrs.evolve(invoice, number=number, issued_on=issued_on, due_on=due_on)

    def invoices_of_run(self, run_id: str) -> Sequence[Invoice]:
        return [self._shown(i) for i in sorted((i for i in self.s.invoices.values() if i.run_id == run_id),
                                                key=lambda i: i.family_id)]

    def invoice(self, invoice_id: str) -> Invoice | None:
        found = self.s.invoices.get(invoice_id)
        return None if found is None else self._shown(found)

    def issued_of_family(self, family_id: str) -> Sequence[Invoice]:
        return [self._shown(i) for i in sorted(
            (i for i in self.s.invoices.values() if i.family_id == family_id and i.issued),
            key=lambda i: (i.issued_on, i.number))]

    def issued_of_month(self, organisation_code: str, month: str) -> Sequence[Invoice]:
        return [attrs.evolve(i, lines=()) for i in sorted(
            (i for i in self.s.invoices.values() if i.organisation_code == organisation_code
             and i.month == month and i.issued and i.kind is InvoiceKind.INVOICE), key=lambda i: i.number or "")]

    def add_credit_note(self, note: Invoice) -> None:
        self.s.invoices[note.id] = attrs.evolve(note, lines=tuple(_stored(line) for line in note.lines))

    def add_payment(self, payment: Payment) -> None:
        self.s.payments[payment.id] = payment

    def payments_of_family(self, family_id: str) -> Sequence[Payment]:
        return sorted((p for p in self.s.payments.values() if p.family_id == family_id),
                      key=lambda p: (p.paid_on, p.recorded_at))

    def add_online_payment(self, payment: OnlinePayment) -> bool:
        def pending_of_family(other: OnlinePayment) -> bool:
            return other.family_id == payment.family_id and other.status is OnlineStatus.PENDING

        # One pending payment per family, as the partial unique index says, whoever else is inserting now.
        if any(pending_of_family(p) for p in self.s.online_payments.values()) or not self.committed.insert_unless(
                "online_payments", payment.id, payment, pending_of_family):
            return False
        self.s.online_payments[payment.id] = payment
        return True

    def online_payment(self, payment_id: str) -> OnlinePayment | None:
        return self.s.online_payments.get(payment_id)

    def online_payments(self, organisation_code: str | None = None, *, family_id: str | None = None,
                        status: OnlineStatus | None = None, limit: int | None = None) -> list[OnlinePayment]:
        found = sorted((p for p in self.s.online_payments.values()
                        if organisation_code in (None, p.organisation_code) and family_id in (None, p.family_id)
                        and status in (None, p.status)), key=lambda p: p.id)
        found.sort(key=lambda p: p.created_at, reverse=True)
        return found[:limit]

    def settle_online_payment(self, payment: OnlinePayment, *, was: OnlineStatus) -> bool:
        current = self.s.online_payments.get(payment.id)
        if current is None or current.status is not was:
            return False
        self.s.online_payments[payment.id] = payment
        return True


class FakeServiceDays:
    """A service-day source holding what a test put in, as service days, and giving them back as the
    planning rows that read as those days (closures and holidays come from the portal's calendar)."""

    def __init__(self, days: Iterable[ServiceDay] = ()) -> None:
        self.days: list[ServiceDay] = list(days)

    def _of_month(self, organisation_code: str, month: str) -> list[ServiceDay]:
        return [d for d in self.days if d.organisation_code == organisation_code and f"{d.day:%Y-%m}" == month]

    def batches(self, organisation_code: str, month: str, size: int) -> Iterable[MonthRows]:
        """Grouped by first family, about `size` children a batch (as the SQL source)."""
        year, number = (int(part) for part in month.split("-"))
        first, last = date(year, number, 1), date(year, number, monthrange(year, number)[1])
        by_first: dict[str, list[ServiceDay]] = defaultdict(list)
        for day in self._of_month(organisation_code, month):
            assert not (day.closure or day.holiday), "closures and holidays come from the calendar, not the source"
            if day.family_ids:
                by_first[day.family_ids[0]].append(day)
        batch: list[ServiceDay] = []
        children: set[str] = set()
        for family_id in sorted(by_first):
            batch += by_first[family_id]
            children |= {d.child_id for d in by_first[family_id]}
            if size and len(children) >= size:
                yield _rows(organisation_code, first, last, batch)
                batch, children = [], set()
        if batch:
            yield _rows(organisation_code, first, last, batch)

    def count(self, organisation_code: str, month: str) -> int:
        """The children `batches` yields."""
        return len({d.child_id for d in self._of_month(organisation_code, month) if d.family_ids})


_POINTAGE = {AttendanceMark.PRESENT: ("present", "08:00", "09:00"), AttendanceMark.ABSENT: ("absent", None, None),
             AttendanceMark.MISSING: ("present", "08:00", None)}


def _rows(organisation_code: str, first: date, last: date, days: list[ServiceDay]) -> MonthRows:
    """The planning rows that read as `days`."""
    children, bookings, absences, events, pointage = {}, [], [], [], []
    for d in days:
        hundredths = [int(share * 100) for share in d.shares] if d.shares else [None] * len(d.family_ids)
        children[d.child_id] = BilledChild(d.child_id, d.child_name, d.child_born, tuple(
            PayerLink(f, h) for f, h in zip(d.family_ids, hundredths, strict=True)))
        if d.booked:
            bookings.append(BookingRow(d.child_id, d.service_code, d.day, in_time=not d.booked_late))
        if d.absence is not AbsenceTiming.NONE:
            status = "pending" if d.pending else "refused" if d.refused else "accepted"
            absences.append(AbsenceRow(d.child_id, d.service_code, d.day, d.absence is AbsenceTiming.IN_TIME,
                                       d.reason, d.document, status))
        if d.deadline is not None:
            events.append(EventRow(d.child_id, d.service_code, d.day, "absence-declaree", False, d.reason,
                                   d.deadline))
        if d.attendance is not AttendanceMark.NONE:
            status, arrival, departure = _POINTAGE[d.attendance]
            pointage.append(AttendanceRow(d.child_id, d.service_code, d.day, status, arrival, departure))
    return MonthRows(organisation_code, first, last, tuple(children.values()), tuple(bookings), tuple(absences),
                     tuple(events), tuple(pointage))
