"""Invoices, statement, PDFs; agents' runs, payments, credit notes and SEPA file.

Anything that is not the caller's (or its organisation's, for an agent) answers 404.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import falcon

from famille.adapters.http.auth import AGENT, AUTHENTICATED, FAMILY
from famille.adapters.http.billing.payloads import (
    CreditNoteBody,
    FinaliseBody,
    PaymentBody,
    RunBody,
    query_date,
)
from famille.adapters.http.billing.views import (
    invoice_view,
    job_address,
    job_view,
    payment_view,
    review_view,
    statement_view,
)
from famille.adapters.http.payloads import load, path_id
from famille.adapters.http.routes import Route
from famille.adapters.http.views import created
from famille.adapters.pdf.invoices import invoice_pdf
from famille.adapters.sepa.direct_debit import pain008
from famille.kernel.billing.jobs import BillingJobs
from famille.kernel.billing.model import parse_month
from famille.kernel.billing.service import Billing
from famille.kernel.shared.errors import Conflict, FieldError, ValidationFailed
from famille.ports.http import Application

API = "/api/v1"


class InvoicesResource(Route[Billing]):
    """The calling family's invoices and credit notes, each line with its reason."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Newest first."""
        resp.media = {"invoices": [invoice_view(i) for i in self._use_case.invoices(req.context.principal)]}


class InvoicePdfResource(Route[Billing]):
    """An issued invoice as PDF: to its family, or to an agent of its organisation."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response, invoice_id: str) -> None:
        """The PDF."""
        document = self._use_case.document(req.context.principal, path_id(invoice_id, "Facture"))
        resp.content_type = "application/pdf"
        resp.downloadable_as = f"facture-{document.invoice.number}.pdf"
        resp.data = invoice_pdf(document)


class StatementResource(Route[Billing]):
    """The relevé de compte of the calling family between two dates."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """`?from=YYYY-MM-DD&to=YYYY-MM-DD`."""
        start, end = query_date(req, "from"), query_date(req, "to")
        resp.media = statement_view(self._use_case.statement(req.context.principal, start, end))


class RunsResource(Route[BillingJobs]):
    """An agent asks for its organisation's draft of a month (or its finalisation): a background job."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """`{month, final: false}`: 202, the job to poll in `Location`."""
        body = load(req, RunBody)
        job = self._use_case.request(req.context.principal, body.month, final=body.final,
                                     accept_flagged=body.accept_flagged)
        resp.status = falcon.HTTP_202
        resp.location = job_address(job.id)
        resp.media = job_view(job)


class JobResource(Route[BillingJobs]):
    """A billing job of the agent's organisation: state, children done and total, errors, run when done."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response, job_id: str) -> None:
        """The job (404 for another organisation's)."""
        job = self._use_case.job(req.context.principal, path_id(job_id, "Tâche de facturation"))
        if not job.state.finished:
            resp.set_header("Retry-After", "1")
        resp.media = job_view(job)


class RunResource(Route[Billing]):
    """A run for review: totals, invoices, lines, flagged days."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response, run_id: str) -> None:
        """The run."""
        resp.media = review_view(self._use_case.review(req.context.principal, path_id(run_id, "Facturation")))


class FinaliseResource(Route[Billing]):
    """Make a draft final: invoices numbered without gaps, dated, due."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response, run_id: str) -> None:
        """`{accept_flagged: false}`."""
        body = load(req, FinaliseBody)
        review = self._use_case.finalise(req.context.principal, path_id(run_id, "Facturation"),
                                         accept_flagged=body.accept_flagged)
        resp.media = review_view(review)


class PaymentsResource(Route[Billing]):
    """An agent records a family's payment."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """`{family, amount: "12.50", method, date}`."""
        body = load(req, PaymentBody)
        payment = self._use_case.record_payment(req.context.principal, path_id(body.family, "Famille"), body.amount,
                                                body.method, body.date, body.reference)
        created(resp, payment_view(payment))


class CreditNoteResource(Route[Billing]):
    """An agent issues a credit note (avoir) on an issued invoice."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response, invoice_id: str) -> None:
        """`{reason, amount}` or `{reason, lines: [0, 3]}`."""
        body = load(req, CreditNoteBody)
        note = self._use_case.credit_note(req.context.principal, path_id(invoice_id, "Facture"), body.reason,
                                          amount=body.amount, line_indexes=body.lines)
        created(resp, invoice_view(note))


class SepaResource(Route[Application]):
    """The month's direct debits of the agent's organisation as a pain.008 file.

    Families that chose prélèvement without a mandate (or an IBAN) are left out, and named in
    the `Warning` header (French text) and `Famille-Sans-Mandat` (their N° famille)."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """`?month=YYYY-MM`."""
        month = req.get_param("month") or ""
        try:
            parse_month(month)
        except ValidationFailed:
            raise ValidationFailed([FieldError("month", "Le paramètre « month » doit s'écrire AAAA-MM.")]) from None
        batch = self._use_case.billing.sepa_batch(req.context.principal, month)
        today: date = self._use_case.clock.now().date()
        if not batch.debits:  # a pain.008 file holds at least one debit
            raise Conflict(" ".join(x for x in (f"Aucun prélèvement à émettre pour {month}.", batch.warning) if x))
        if batch.warning:
            # a header is Latin-1 at best: the French message goes there without its accents
            ascii_text = unicodedata.normalize("NFKD", batch.warning).encode("ascii", "ignore").decode("ascii")
            ascii_text = ascii_text.replace('"', "'")
            resp.set_header("Warning", f'199 famille "{ascii_text}"')
            resp.set_header("Famille-Sans-Mandat", ",".join(sorted({d.payer.number
                                                                     for d in batch.without_mandate})))
        resp.content_type = "application/xml"
        resp.downloadable_as = f"prelevements-{month}.xml"
        resp.data = pain008(batch.creditor, batch.debits, collection_date=today)


def add_billing_routes(app: falcon.App, portal: Application) -> None:  # type: ignore[type-arg]
    """Mount the billing routes."""
    billing = portal.billing
    app.add_route(f"{API}/invoices", InvoicesResource(billing))
    app.add_route(f"{API}/invoices/{{invoice_id}}.pdf", InvoicePdfResource(billing))
    app.add_route(f"{API}/statement", StatementResource(billing))
    app.add_route(f"{API}/agent/billing/runs", RunsResource(portal.billing_jobs))
    app.add_route(f"{API}/agent/billing/jobs/{{job_id}}", JobResource(portal.billing_jobs))
    app.add_route(f"{API}/agent/billing/runs/{{run_id}}", RunResource(billing))
    app.add_route(f"{API}/agent/billing/runs/{{run_id}}/finalise", FinaliseResource(billing))
    app.add_route(f"{API}/agent/payments", PaymentsResource(billing))
    app.add_route(f"{API}/agent/invoices/{{invoice_id}}/credit-note", CreditNoteResource(billing))
    app.add_route(f"{API}/agent/billing/sepa", SepaResource(portal))
