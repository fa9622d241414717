"""« Relevé de compte » and « Mes factures »: what a family owes, and why each day is billed or not.

The family's own invoices only: any other answers the « Page introuvable » page,
as the kernel's `Billing` decides (`NotFound`). The PDF is the API's own resource
(`InvoicePdfResource`), mounted under the page's address.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

import attrs
import falcon

from famille.adapters.http.auth import FAMILY
from famille.adapters.web.forms import Form
from famille.adapters.web.planning.forms import parse_day, posted_all, short_text
from famille.adapters.web.site import Page, Site
from famille.kernel.billing.model import ZERO, Invoice, InvoiceKind, InvoiceLine
from famille.kernel.calendar.model import SchoolYear
from famille.kernel.shared.errors import Conflict, NotFound, ValidationFailed

#: The statement's form fields, and the kernel's names for them.
STATEMENT_FIELDS = {"from": "du", "to": "au"}
#: What a statement entry is, in the family's words.
ENTRY_KINDS = {"facture": "Facture", "avoir": "Avoir", "paiement": "Paiement"}


def invoice_address(invoice_id: str, *, agent: bool = False) -> str:
    """The page of an invoice (`.pdf` appended: its PDF)."""
    return f"/agent/factures/{invoice_id}" if agent else f"/releve-de-compte/factures/{invoice_id}"


@attrs.frozen
class InvoiceRow:
    """An invoice (or credit note) of the family's list, with what remains to pay on it."""

    invoice: Invoice
    remaining: Decimal

    @property
    def is_credit_note(self) -> bool:
        """An avoir: nothing to pay on it."""
        return self.invoice.kind is InvoiceKind.CREDIT_NOTE

    @property
    def state(self) -> str:
        """« Payée », « À payer », « Partiellement payée » or « Avoir »."""
        if self.is_credit_note:
            return "Avoir"
        if self.remaining <= 0:
            return "Payée"
        return "À payer" if self.remaining >= self.invoice.total else "Partiellement payée"

    @property
    def paid(self) -> bool:
        """Nothing remains to pay (always for a credit note)."""
        return self.remaining <= 0


def invoice_rows(invoices: Sequence[Invoice], remaining: Mapping[str, Decimal]) -> list[InvoiceRow]:
    """Each invoice with what remains due on it (an invoice absent from `remaining` is paid)."""
    return [InvoiceRow(i, remaining.get(i.id, ZERO)) for i in invoices]


@attrs.frozen
class LineSummary:
    """How many days an invoice bills, does not bill, and leaves to check."""

    billed: int
    not_billed: int
    flagged: int

    @classmethod
    def of(cls, lines: Sequence[InvoiceLine]) -> LineSummary:
        """Count the lines."""
        flagged = sum(1 for line in lines if line.flagged)
        billed = sum(1 for line in lines if line.amount > 0)
        return cls(billed, len(lines) - billed - flagged, flagged)


class StatementPage(Page):
    """`/releve-de-compte?du=&au=`: the statement between two dates, then every invoice of the family."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The statement (the school year so far by default), the invoices and their state."""
        self.show(req, resp)

    def show(self, req: falcon.Request, resp: falcon.Response, pay_errors: Sequence[str] = (),
             status: str = falcon.HTTP_422) -> None:
        """Draw the page (with the errors of a refused « Payer en ligne », if any, answered with `status`)."""
        billing = self._site.portal.billing
        principal = req.context.principal
        today = self._site.today()
        form = Form(values={"du": req.get_param("du") or "", "au": req.get_param("au") or ""})
        start = self._day(req, form, "du", SchoolYear.containing(today).start)
        end = self._day(req, form, "au", today)
        statement = None
        if not form.has_errors:
            try:
                statement = billing.statement(principal, start, end)
            except ValidationFailed as refused:
                for error in refused.errors:
                    form.add(STATEMENT_FIELDS.get(error.field or ""), error.message)
        form.values.update(du=form.values["du"] or start.isoformat(), au=form.values["au"] or end.isoformat())
        position = billing.account(principal.family_id)
        remaining = {o.invoice.id: o.remaining for o in position.unpaid}
        rows = invoice_rows(billing.invoices(principal), remaining)
        online = self._site.portal.payments.offered(principal.organisation_code) and bool(position.unpaid)
        self._site.page(req, resp, "releve_de_compte.html", status=falcon.HTTP_422 if form.has_errors
                        else status if pay_errors else falcon.HTTP_200, form=form, statement=statement, rows=rows, position=position,
                        kinds=ENTRY_KINDS, address=invoice_address, online=online, pay_errors=pay_errors)

    @staticmethod
    def _day(req: falcon.Request, form: Form, name: str, default: date) -> date:
        text = req.get_param(name)
        if not text:
            return default
        day = parse_day(text)
        if day is None:
            form.add(name, "Écrivez la date sous la forme JJ/MM/AAAA, par exemple 01/09/2026.")
            return default
        return day


class PayOnline:
    """`POST /releve-de-compte/paiement`: « Payer en ligne » the invoices ticked, then off to the payment service."""

    auth = FAMILY

    def __init__(self, site: Site, statement: StatementPage) -> None:
        self._site = site
        self._statement = statement

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Open the payment and show the link to the payment page.

        A link, not a redirect: the pages' CSP (`form-action 'self'`) rightly refuses a form whose
        answer redirects to another site, and the family sees where it is going and for how much.
        """
        chosen = posted_all(req, "factures")
        if not chosen:
            self._statement.show(req, resp, ["Cochez au moins une facture à payer."])
            return
        try:
            opened = self._site.portal.payments.open(req.context.principal, chosen)
        except ValidationFailed as refused:
            self._statement.show(req, resp, [error.message for error in refused.errors])
            return
        except Conflict as refused:
            self._statement.show(req, resp, [refused.message], falcon.HTTP_409)
            return
        numbers = {i.id: i.number for i in self._site.portal.billing.invoices(req.context.principal)}
        self._site.page(req, resp, "paiement_depart.html", payment=opened.payment, resumed=opened.resumed,
                        numbers=numbers)


class PaymentPage(Page):
    """`/paiements/{payment_id}`: where an online payment stands, once the family is back from the service."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response, payment_id: str) -> None:
        """The payment's status, amount and invoices (404 if not the family's)."""
        if short_text(payment_id, 64) is None:
            raise NotFound("Paiement introuvable.")
        payment = self._site.portal.payments.get(req.context.principal, payment_id)
        numbers = {i.id: i.number for i in self._site.portal.billing.invoices(req.context.principal)}
        self._site.page(req, resp, "paiement.html", payment=payment, numbers=numbers,
                        balance=self._site.portal.billing.account(payment.family_id).balance)


class InvoicePage(Page):
    """`/releve-de-compte/factures/{invoice_id}`: one invoice, each day with the rule that decided it."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response, invoice_id: str) -> None:
        """The invoice, its lines and reasons, its state and its PDF link (404 if not the family's)."""
        show_invoice(self._site, req, resp, invoice_id, agent=False)


def show_invoice(site: Site, req: falcon.Request, resp: falcon.Response, invoice_id: str, *, agent: bool,
                 form: Form | None = None, status: str = falcon.HTTP_200) -> None:
    """Draw an invoice's page for its family or an agent of its organisation (with the credit note form)."""
    if short_text(invoice_id, 100) is None:
        raise NotFound("Facture introuvable.")
    billing = site.portal.billing
    document = billing.document(req.context.principal, invoice_id)
    invoice = document.invoice
    unpaid = billing.account(invoice.family_id).unpaid
    row = InvoiceRow(invoice, next((o.remaining for o in unpaid if o.invoice.id == invoice.id), ZERO))
    site.page(req, resp, "facture.html", status=status, row=row, invoice=invoice, payer=document.payer,
              organisation=document.organisation, summary=LineSummary.of(invoice.lines), agent=agent,
              pdf=invoice_address(invoice.id, agent=agent) + ".pdf",
              credited=invoice_address(invoice.credited_invoice_id, agent=agent)
              if invoice.credited_invoice_id else None,
              form=form or Form(values={"amount": "", "reason": ""}))
