"""A family's account: balance at a date, unpaid invoices, and the statement (relevé de compte).

Derived from the issued invoices, credit notes and payments, never stored: a payment
allocated to invoices (paid online for them) settles those first, a credit note the
invoice it corrects; then what payments and credit notes leave over settles the oldest
invoices first. A positive balance is what the
family owes; a negative one, what it has in advance.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

import attrs

from famille.kernel.billing.model import ZERO, Invoice, InvoiceKind, Payment


@attrs.frozen
class OpenInvoice:
    """An issued invoice and what remains to pay on it."""

    invoice: Invoice
    remaining: Decimal


@attrs.frozen
class AccountPosition:
    """The balance at a date and the invoices not fully paid then."""

    on: date
    balance: Decimal
    unpaid: tuple[OpenInvoice, ...]


@attrs.frozen
class StatementEntry:
    """One line of the relevé de compte: an invoice (debit), a credit note or a payment (credit)."""

    on: date
    kind: str  # facture, avoir, paiement
    label: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    reference: str | None = None


@attrs.frozen
class Statement:
    """The relevé de compte between two dates, both included."""

    family_id: str
    start: date
    end: date
    opening_balance: Decimal
    entries: tuple[StatementEntry, ...]
    closing_balance: Decimal


def _issued(documents: Iterable[Invoice], on: date) -> list[Invoice]:
    return sorted((d for d in documents if d.issued_on is not None and d.issued_on <= on),
                  key=lambda d: (d.issued_on, d.number or ""))


def position(documents: Iterable[Invoice], payments: Iterable[Payment], on: date) -> AccountPosition:
    """The account at the end of `on`."""
    documents = _issued(documents, on)
    invoices = [d for d in documents if d.kind is InvoiceKind.INVOICE]
    remaining = {i.id: i.total for i in invoices}
    pool = ZERO
    for payment in (p for p in payments if p.paid_on <= on):
        left = payment.amount
        for invoice_id, share in payment.allocations:  # what the payment was made for, first
            settled = min(share, left, remaining.get(invoice_id, ZERO))
            if settled > 0:
                remaining[invoice_id] -= settled
                left -= settled
        pool += left
    for note in (d for d in documents if d.kind is InvoiceKind.CREDIT_NOTE):
        settled = min(note.total, remaining.get(note.credited_invoice_id or "", ZERO))
        if settled > 0 and note.credited_invoice_id:
            remaining[note.credited_invoice_id] -= settled
        pool += note.total - settled
    for invoice in invoices:  # oldest first
        settled = min(pool, remaining[invoice.id])
        if settled > 0:
            remaining[invoice.id] -= settled
            pool -= settled
    due = sum(remaining.values(), ZERO)
    unpaid = tuple(OpenInvoice(i, remaining[i.id]) for i in invoices if remaining[i.id] > 0)
    return AccountPosition(on=on, balance=due - pool, unpaid=unpaid)


def statement(family_id: str, documents: Iterable[Invoice], payments: Iterable[Payment],
              start: date, end: date) -> Statement:
    """Every invoice, credit note and payment from `start` to `end`, with the running balance."""
    documents, payments = list(documents), list(payments)
    opening = ZERO if start == date.min else position(documents, payments, start - timedelta(days=1)).balance
    moves: list[tuple[date, int, str, str, Decimal, Decimal, str | None]] = []
    for d in documents:
        if d.issued_on is None or not start <= d.issued_on <= end:
            continue
        if d.kind is InvoiceKind.INVOICE:
            moves.append((d.issued_on, 0, "facture", f"Facture n° {d.number} ({d.month})", d.total, ZERO, d.number))
        else:
            moves.append((d.issued_on, 1, "avoir", f"Avoir n° {d.number} : {d.reason or ''}".rstrip(" :"),
                          ZERO, d.total, d.number))
    for p in payments:
        if start <= p.paid_on <= end:
            moves.append((p.paid_on, 2, "paiement", p.method.label, ZERO, p.amount, p.reference))
    balance = opening
    entries = []
    for on, _, kind, label, debit, credit, reference in sorted(moves, key=lambda m: (m[0], m[1], m[6] or "")):
        balance = balance + debit - credit
        entries.append(StatementEntry(on, kind, label, debit, credit, balance, reference))
    return Statement(family_id, start, end, opening, tuple(entries), balance)
