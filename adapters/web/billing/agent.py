"""The agents' billing pages: the monthly run (draft, review, « Valider la facturation »), an invoice
with its credit note form, payments, and the month's SEPA file.

Agents of the organisation only (`auth = AGENT`); the kernel's `Billing` keeps each
agent inside its own organisation (anything else is `NotFound`). Every change is
a POST form with the CSRF token, followed by a redirect.
"""

from __future__ import annotations

import re
from typing import Any, cast

import falcon

from famille.adapters.http.auth import AGENT
from famille.adapters.http.billing.online import status_param
from famille.adapters.http.billing.resources import SepaResource
from famille.adapters.web.billing.family import LineSummary, invoice_address, show_invoice
from famille.adapters.web.forms import Form, posted
from famille.adapters.web.planning.forms import address, month_key, parse_day, shift_month, short_text
from famille.adapters.web.rendering import redirect
from famille.adapters.web.site import Page, Site
from famille.kernel.billing.jobs import JobState
from famille.kernel.billing.model import PaymentMethod, RunReview, RunStatus
from famille.kernel.billing.online import EXPIRED, OnlineStatus
from famille.kernel.billing.service import run_id_of
from famille.kernel.shared.dates import is_month
from famille.kernel.shared.errors import Conflict, NotFound, ValidationFailed
from famille.kernel.shared.french_dates import MONTHS

NOTICES = {
    "brouillon": "Le brouillon est calculé : vérifiez-le, puis validez la facturation.",
    "validee": "La facturation est définitive : les factures sont numérotées et les familles les voient.",
    "avoir": "L'avoir est émis : la famille le voit dans son relevé de compte.",
    "paiement": "Le paiement est enregistré : le solde de la famille en tient compte.",
}
#: The payment methods, as the agent reads them.
METHODS = (
    (PaymentMethod.COUNTER.value, "Guichet (espèces)"),
    (PaymentMethod.CARD.value, "Carte bancaire"),
    (PaymentMethod.CHEQUE.value, "Chèque"),
    (PaymentMethod.CESU.value, "CESU"),
    (PaymentMethod.DIRECT_DEBIT.value, "Prélèvement"),
)
MONTHS_OFFERED = 13
AMOUNT = re.compile(r"-?\d{1,9}([.,]\d+)?")
REASON_MAX = 300
REFERENCE_MAX = 100


def money(text: str | None) -> str | None:
    """« 12,40 », « 12.40 € » or « 1 234,5 » as the kernel's decimal string « 12.40 »; None if not an amount.

    Only the writing is read here (a decimal, never a float); the kernel decides what amount is acceptable.
    """
    cleaned = (text or "").replace("€", "").replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    return cleaned.replace(",", ".") if AMOUNT.fullmatch(cleaned) else None


def month_label(key: str) -> str:
    """« 2026-11 » → « novembre 2026 »."""
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


class _AgentPage(Page):
    auth = AGENT

    @property
    def _billing(self) -> Any:
        return self._site.portal.billing

    def _months(self) -> list[tuple[str, str]]:
        """The current month and the twelve before it, newest first, as (key, label)."""
        first = self._site.today().replace(day=1)
        keys = [month_key(shift_month(first, -n)) for n in range(MONTHS_OFFERED)]
        return [(key, month_label(key).capitalize()) for key in keys]

    def _family_names(self, req: falcon.Request, review: RunReview) -> dict[str, str]:
        names = {}
        for invoice in review.invoices:
            try:
                family = self._site.portal.records.family_record(req.context.principal, invoice.family_id).record.family
            except NotFound:
                continue
            names[invoice.family_id] = f"{family.responsable.full_name} (N° {family.number})"
        return names


class BillingPage(_AgentPage):
    """`/agent/facturation?mois=`: compute a month's draft, open the month's run, the SEPA file."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The forms; with `mois`, the month's job while it runs, else the month's run if there is one."""
        month = req.get_param("mois") or ""
        if is_month(month):
            job = self._site.portal.billing_jobs.latest(req.context.principal, month)
            if job is not None and not job.state.finished:
                redirect(resp, f"/agent/facturation/taches/{job.id}")
                return
            try:
                run = self._billing.review(req.context.principal, run_id_of(req.context.principal.organisation_code,
                                                                               month))
            except NotFound:
                run = None
            if run is not None:
                redirect(resp, f"/agent/facturation/{run.run.id}")
                return
        self._show(req, resp, Form(values={"mois": month or month_key(shift_month(self._site.today(), -1))}),
                   missing=month if is_month(month) else None)

    def _show(self, req: falcon.Request, resp: falcon.Response, form: Form, *, missing: str | None = None,
              status: str = falcon.HTTP_200) -> None:
        self._site.page(req, resp, "agent_facturation.html", status=status, form=form, months=self._months(),
                        missing=month_label(missing) if missing else None,
                        flash=NOTICES.get(req.get_param("resultat") or ""))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Ask for the month's draft (a background job), then show its progress."""
        fields = posted(req)
        form = Form.keeping(fields, ["mois"])
        month = fields.get("mois", "")
        if month not in dict(self._months()):
            form.add("mois", "Choisissez un mois de la liste.")
        else:
            try:
                job = self._site.portal.billing_jobs.request(req.context.principal, month)
            except ValidationFailed as refused:
                for error in refused.errors:
                    form.add("mois", error.message)
            except Conflict as done:
                form.add("mois", done.message)
            else:
                redirect(resp, f"/agent/facturation/taches/{job.id}")
                return
        self._show(req, resp, form, status=falcon.HTTP_422)


class JobPage(_AgentPage):
    """`/agent/facturation/taches/{job_id}`: a month's draft being computed; once done, its review."""

    def on_get(self, req: falcon.Request, resp: falcon.Response, job_id: str) -> None:
        """The job's progress (read again by the page until done), its errors, or the run it made."""
        if short_text(job_id, 100) is None:
            raise NotFound("Tâche de facturation introuvable.")
        job = self._site.portal.billing_jobs.job(req.context.principal, job_id)
        if job.state is JobState.DONE and job.run_id:
            redirect(resp, f"/agent/facturation/{job.run_id}?resultat=brouillon")
            return
        self._site.page(req, resp, "agent_facturation_tache.html", job=job, month=month_label(job.month))


class RunPage(_AgentPage):
    """`/agent/facturation/{run_id}`: totals, flagged days (to the attendance page), each family's invoice."""

    def on_get(self, req: falcon.Request, resp: falcon.Response, run_id: str) -> None:
        """The review."""
        self.show(req, resp, run_id, Form())

    def show(self, req: falcon.Request, resp: falcon.Response, run_id: str, form: Form,
             status: str = falcon.HTTP_200) -> None:
        """Draw the review with the finalising form's errors."""
        if short_text(run_id, 100) is None:
            raise NotFound("Facturation introuvable.")
        review = self._billing.review(req.context.principal, run_id)
        summaries = {invoice.id: LineSummary.of(invoice.lines) for invoice in review.invoices}
        self._site.page(req, resp, "agent_facturation_revue.html", status=status, review=review, form=form,
                        final=review.run.status is RunStatus.FINAL, summaries=summaries,
                        month=month_label(review.run.month), names=self._family_names(req, review),
                        address=lambda invoice_id: invoice_address(invoice_id, agent=True),
                        flash=NOTICES.get(req.get_param("resultat") or ""))


class RunFinalise(_AgentPage):
    """`POST /agent/facturation/{run_id}/validation`: « Valider la facturation »."""

    def __init__(self, site: Site, review: RunPage) -> None:
        super().__init__(site)
        self._review = review

    def on_post(self, req: falcon.Request, resp: falcon.Response, run_id: str) -> None:
        """Number the invoices; while days are flagged, only if the agent accepts them as not billed."""
        if short_text(run_id, 100) is None:
            raise NotFound("Facturation introuvable.")
        accept = posted(req).get("accept_flagged") == "oui"
        try:
            self._billing.finalise(req.context.principal, run_id, accept_flagged=accept)
        except Conflict as refused:
            form = Form()
            message = refused.message.replace(" (accept_flagged)", " (case ci-dessous)")
            form.add("accept_flagged", message)
            self._review.show(req, resp, run_id, form, status=falcon.HTTP_409)
            return
        redirect(resp, f"/agent/facturation/{run_id}?resultat=validee")


class AgentInvoicePage(_AgentPage):
    """`/agent/factures/{invoice_id}`: an issued invoice of the organisation, and its credit note form."""

    def on_get(self, req: falcon.Request, resp: falcon.Response, invoice_id: str) -> None:
        """The invoice."""
        show_invoice(self._site, req, resp, invoice_id, agent=True,
                     form=Form(values={"amount": "", "reason": ""}))


class CreditNotePage(_AgentPage):
    """`POST /agent/factures/{invoice_id}/avoir`: an avoir of an amount, with its reason."""

    def on_post(self, req: falcon.Request, resp: falcon.Response, invoice_id: str) -> None:
        """Issue it, then show it."""
        if short_text(invoice_id, 100) is None:
            raise NotFound("Facture introuvable.")
        fields = posted(req)
        form = Form.keeping(fields, ["amount", "reason"])
        reason = form.require(fields, "reason", "Indiquez le motif de l'avoir : la famille le lira.").strip()
        amount = money(fields.get("amount"))
        if amount is None:
            form.add("amount", "Indiquez le montant de l'avoir en euros, par exemple 4,50.")
        if len(reason) > REASON_MAX:
            form.add("reason", f"Le motif ne doit pas dépasser {REASON_MAX} caractères.")
        if not form.has_errors:
            try:
                note = self._billing.credit_note(req.context.principal, invoice_id, reason, amount=amount)
            except ValidationFailed as refused:
                form.absorb(refused, ["amount", "reason"])
            else:
                redirect(resp, f"{invoice_address(note.id, agent=True)}?resultat=avoir")
                return
        show_invoice(self._site, req, resp, invoice_id, agent=True, form=form, status=falcon.HTTP_422)

    def on_get(self, req: falcon.Request, resp: falcon.Response, invoice_id: str) -> None:
        """Back to the invoice (the form lives there)."""
        redirect(resp, invoice_address(invoice_id, agent=True))


#: The states of an online payment, as the agent reads them.
ONLINE_STATES = ((OnlineStatus.PENDING.value, "En attente"), (OnlineStatus.PAID.value, "Payé"),
                 (OnlineStatus.FAILED.value, "Échoué ou abandonné"))


class OnlinePaymentsPage(_AgentPage):
    """`/agent/paiements-en-ligne?etat=`: the families' online payments (PayFIP) and where each stands."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The newest payments first, filtered by state."""
        raw = req.get_param("etat") or ""
        form = Form(values={"etat": raw})
        status = falcon.HTTP_200
        try:
            listed = self._site.portal.payments.listed(req.context.principal, status_param(raw, blank_is_all=True))
        except ValidationFailed:
            form.add("etat", "Choisissez un état de la liste.")
            listed, status = (), falcon.HTTP_422
        self._site.page(req, resp, "agent_paiements_en_ligne.html", status=status, form=form, listed=listed,
                        states=(("", "Tous"), *ONLINE_STATES), labels=dict(ONLINE_STATES), expired=EXPIRED)


class PaymentsPage(_AgentPage):
    """`/agent/paiements?famille=`: record a family's payment; the family's balance and unpaid invoices."""

    FIELDS = ("numero", "amount", "method", "date", "reference")

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The form (the family chosen from an invoice, or typed by its N° famille)."""
        family = self._family(req, req.get_param("famille"))
        values = {"numero": family.number if family else "", "amount": "", "method": PaymentMethod.COUNTER.value,
                  "date": self._site.today().isoformat(), "reference": ""}
        self._show(req, resp, Form(values=values), family)

    def _family(self, req: falcon.Request, family_id: str | None) -> Any:
        if not family_id or short_text(family_id, 100) is None:
            return None
        return self._site.portal.records.family_record(req.context.principal, family_id).record.family

    def _show(self, req: falcon.Request, resp: falcon.Response, form: Form, family: Any,
              status: str = falcon.HTTP_200) -> None:
        position = self._billing.account(family.id) if family is not None else None
        self._site.page(req, resp, "agent_paiements.html", status=status, form=form, family=family,
                        position=position, methods=METHODS, address=lambda i: invoice_address(i, agent=True),
                        flash=NOTICES.get(req.get_param("resultat") or ""))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Record it, then show the family's account."""
        fields = posted(req)
        form = Form.keeping(fields, self.FIELDS)
        principal = req.context.principal
        family = None
        number = form.require(fields, "numero", "Indiquez le N° famille.").strip()
        if number:
            try:
                family = self._site.portal.records.family_by_number(principal, number[:40]).family
            except NotFound:
                form.add("numero", "Aucune famille de votre organisation n'a ce N° famille.")
        amount = money(fields.get("amount"))
        if amount is None:
            form.add("amount", "Indiquez le montant payé en euros, par exemple 12,40.")
        method = fields.get("method", "")
        if method not in dict(METHODS):
            form.add("method", "Choisissez le mode de paiement dans la liste.")
        paid_on = parse_day(fields.get("date"))
        if paid_on is None:
            form.add("date", "Indiquez la date du paiement.")
        elif paid_on > self._site.today():
            form.add("date", "La date du paiement ne peut pas être dans le futur.")
        reference = (fields.get("reference") or "").strip() or None
        if reference and len(reference) > REFERENCE_MAX:
            form.add("reference", f"La référence ne doit pas dépasser {REFERENCE_MAX} caractères.")
        if not form.has_errors:
            assert family is not None and paid_on is not None and amount is not None
            try:
                self._billing.record_payment(principal, family.id, amount, method, paid_on, reference)
            except ValidationFailed as refused:
                form.absorb(refused, self.FIELDS)
            else:
                redirect(resp, address("/agent/paiements", famille=family.id, resultat="paiement"))
                return
        self._show(req, resp, form, family, status=falcon.HTTP_422)


class SepaPage(_AgentPage):
    """`/agent/prelevements?mois=`: the month's direct debits as the API's pain.008 file."""

    def __init__(self, site: Site) -> None:
        super().__init__(site)
        self._file = SepaResource(site.portal)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The XML file, as a download; a page saying so when no family is to be debited that month."""
        month = req.get_param("mois") or ""
        if is_month(month) and not self._billing.direct_debits(req.context.principal, month):
            # sepaxml refuses a file without any debit: say it rather than fail.
            self._site.page(req, resp, "erreur.html", title="Aucun prélèvement",
                            detail=f"Aucune facture de {month_label(month)} n'est à prélever : aucune famille "
                                   "au prélèvement n'a de facture due ce mois-là.")
            return
        cast(dict[str, Any], req.params)["month"] = month  # the API's resource reads `month`; pages say `mois`
        self._file.on_get(req, resp)
        resp.set_header("Cache-Control", "private, no-store")
