"""Billing values as JSON: amounts are decimal strings ("12.50"), dates ISO 8601."""

from __future__ import annotations

from typing import Any

from famille.adapters.http.views import amount, day, instant
from famille.kernel.billing.account import Statement
from famille.kernel.billing.jobs import BillingJob
from famille.kernel.billing.model import Invoice, InvoiceLine, Payment, RunReview


def line_view(line: InvoiceLine, position: int) -> dict[str, Any]:
    """One line with why it is billed or not (the rule, the version of the rules that decided, its French message)."""
    return {
        "position": position, "child_id": line.child_id, "child_name": line.child_name,
        "service": line.service_code, "day": day(line.day), "billed": line.billed.value, "status": line.status,
        "rule": line.rule_id, "rules_version": line.rules_version or None, "reason": line.message,
        "detail": line.detail, "share": f"{line.share:.2f}",
        "unit_price": amount(line.unit_price), "amount": amount(line.amount), "flagged": line.flagged,
    }


def invoice_view(invoice: Invoice) -> dict[str, Any]:
    """An invoice or credit note with its lines."""
    return {
        "id": invoice.id, "kind": invoice.kind.value, "number": invoice.number, "month": invoice.month,
        "organisation": invoice.organisation_code, "family_id": invoice.family_id, "issued_on": day(invoice.issued_on), "due_on": day(invoice.due_on),
        "total": amount(invoice.total), "credited_invoice_id": invoice.credited_invoice_id,
        "reason": invoice.reason, "pdf": f"/api/v1/invoices/{invoice.id}.pdf" if invoice.issued else None,
        "lines": [line_view(line, n) for n, line in enumerate(invoice.lines)],
    }


def review_view(review: RunReview) -> dict[str, Any]:
    """A run as an agent reviews it: totals, invoices, flagged days."""
    run = review.run
    return {
        "id": run.id, "organisation_code": run.organisation_code, "month": run.month, "status": run.status.value,
        "created_at": instant(run.created_at), "finalised_at": instant(run.finalised_at),
        "rules_version": run.rules_version, "provisional": review.provisional,
        "totals": {"amount": amount(review.total), "invoices": len(review.invoices), "lines": review.line_count,
                   "flagged": len(review.flagged)},
        "flagged": [{"invoice_id": invoice.id, "family_id": invoice.family_id, **line_view(line, n)}
                    for invoice in review.invoices for n, line in enumerate(invoice.lines) if line.flagged],
        "invoices": [invoice_view(invoice) for invoice in review.invoices],
    }


def job_address(job_id: str) -> str:
    """Where a billing job is polled."""
    return f"/api/v1/agent/billing/jobs/{job_id}"


def job_view(job: BillingJob) -> dict[str, Any]:
    """A billing job: where it is, how far, its errors, and its run once done."""
    return {
        "id": job.id, "month": job.month, "state": job.state.value, "label": job.state.label,
        "final": job.final, "children_done": job.children_done, "children_total": job.children_total,
        "errors": list(job.errors), "attempts": job.attempts, "requested_by": job.requested_by,
        "requested_at": instant(job.requested_at), "started_at": instant(job.started_at),
        "finished_at": instant(job.finished_at), "run_id": job.run_id,
        "run": f"/api/v1/agent/billing/runs/{job.run_id}" if job.run_id else None,
    }


def payment_view(payment: Payment) -> dict[str, Any]:
    """A recorded payment."""
    return {"id": payment.id, "family_id": payment.family_id, "amount": amount(payment.amount),
            "method": payment.method.value, "date": day(payment.paid_on), "reference": payment.reference,
            "recorded_at": instant(payment.recorded_at)}


def statement_view(statement: Statement) -> dict[str, Any]:
    """The relevé de compte."""
    return {
        "from": day(statement.start), "to": day(statement.end),
        "opening_balance": amount(statement.opening_balance), "closing_balance": amount(statement.closing_balance),
        "entries": [{"date": day(e.on), "kind": e.kind, "label": e.label, "debit": amount(e.debit),
                     "credit": amount(e.credit), "balance": amount(e.balance), "reference": e.reference}
                    for e in statement.entries],
    }
