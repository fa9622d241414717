"""Billing use cases: monthly runs, review, finalisation, payments, credit notes, statements.

Agents act on their own organisation only; a family sees its own invoices only;
anything else is « introuvable » (404), as if it did not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.billing.account import AccountPosition, Statement, position, statement
from famille.kernel.billing.days import MonthRows
from famille.kernel.billing.model import (
    CENT,
    ZERO,
    BillingRun,
    Invoice,
    InvoiceKind,
    PayerProfile,
    Payment,
    PaymentMethod,
    RunReview,
    RunStatus,
    RunSummary,
    invoice_total,
    month_ended,
    parse_month,
    stable_id,
)
from famille.kernel.billing.reading import service_days
from famille.kernel.billing.run import DayPricer, family_lines, in_invoice_order
from famille.kernel.billing.setup import Creditor
from famille.kernel.calendar.loading import NoHolidays
from famille.kernel.families import access
from famille.kernel.planning.context import OrganisationSetup
from famille.kernel.shared.errors import Conflict, FieldError, NotFound, ValidationFailed
from famille.kernel.shared.organisations import Organisation
from famille.ports.billing_source import ServiceDaySource
from famille.ports.calendar import HolidayCalendar
from famille.ports.clock import Clock
from famille.ports.persistence import UnitOfWork, UnitOfWorkFactory
from famille.ports.rules import Rules

#: Days between an invoice's date and its due date.
DUE_DAYS = 30
#: Children read, decided and written at a time by a run: memory stays bounded whatever the month.
BATCH_CHILDREN = 400
MAX_AMOUNT = Decimal("100000")


@attrs.frozen
class InvoiceDocument:
    """What an invoice's PDF shows: the invoice, its organisation and its payer."""

    invoice: Invoice
    organisation: Organisation
    payer: PayerProfile


@attrs.frozen
class DirectDebit:
    """One direct debit of a month: an issued invoice of a family that chose prélèvement."""

    invoice: Invoice
    payer: PayerProfile
    amount: Decimal


@attrs.frozen
class SepaBatch:
    """A month's SEPA file: the creditor, the debits, and the families left out for want of a mandate."""

    creditor: Creditor
    debits: tuple[DirectDebit, ...]
    without_mandate: tuple[DirectDebit, ...] = ()

    @property
    def warning(self) -> str | None:
        """The French warning listing the families left out, or None."""
        if not self.without_mandate:
            return None
        numbers = ", ".join(sorted({d.payer.number for d in self.without_mandate}))
        return (f"{len(self.without_mandate)} facture(s) non prélevée(s) : mandat SEPA ou IBAN manquant "
                f"(N° famille {numbers}).")


def run_id_of(organisation: str, month: str) -> str:
    """The id of an organisation's run for `month`: one run per month, re-run in place until final."""
    return stable_id("run", organisation, month)


def _amount(value: str | Decimal, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed([FieldError(field, "Le montant doit être un nombre décimal, par exemple 12.50.")]) \
            from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(CENT):
        raise ValidationFailed([FieldError(field, "Le montant doit être positif, en euros et centimes "
                                                  "(deux décimales au plus).")])
    return amount.quantize(CENT)


class Billing:
    """The billing use cases, on the ports."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, rules: Rules, source: ServiceDaySource,
                 *, due_days: int = DUE_DAYS, calendar: HolidayCalendar | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._rules = rules
        self._source = source
        self._calendar = calendar or NoHolidays()
        self._due_days = due_days

    # --- runs ----------------------------------------------------------------------------

    def prepare(self, organisation_code: str, month: str, *, by: str,
                progress: Callable[[int], None] | None = None, batch_size: int = BATCH_CHILDREN) -> RunSummary:
        """Compute (or recompute) the month's draft, streamed: read, decide and write a batch of
        children at a time, in one transaction; the totals are summed by the database.

        `progress` is told the number of children of each batch written (`children_to_bill` gives
        the total beforehand)."""
        year, number = parse_month(month)
        run_id = run_id_of(organisation_code, month)
        version = getattr(self._rules, "version", "")
        with self._uow() as uow:
            if uow.organisations.get(organisation_code) is None:
                raise NotFound("Organisation introuvable.")
            # closures and holidays of the month, from the organisation's calendar (as the planning shows them)
            setup = OrganisationSetup.load(uow, organisation_code, date(year, number, 1), date(year, number, 1),
                                           self._calendar, self._rules)
            existing = uow.billing.run(run_id)
            if existing is not None and existing.status is RunStatus.FINAL:
                raise Conflict(f"La facturation de {month} est déjà définitive : corrigez par un avoir "
                               "ou sur la facturation suivante.")
            draft = BillingRun(id=run_id, organisation_code=organisation_code, month=month,
                               status=RunStatus.DRAFT, created_at=self._clock.now(), created_by=by,
                               rules_version=str(version))
            uow.billing.begin_draft(draft)
            profiles = uow.billing.payer_profiles(organisation_code)
            pricer = DayPricer(self._rules, organisation_code, profiles)

            def drafts(family_ids: Iterable[str]) -> list[Invoice]:
                return [Invoice(id=stable_id(run_id, f), organisation_code=organisation_code, family_id=f,
                                month=month, kind=InvoiceKind.INVOICE, lines=(), total=ZERO, run_id=run_id)
                        for f in sorted(family_ids)]

            # every paying family's draft first, in one write (`settle_draft_totals` removes those left
            # without a line): each batch's lines then reference invoices already stored, and the
            # database checks them against the run's invoices at their full number, not the first batch's
            uow.billing.add_draft_invoices(drafts(profiles))
            positions = dict.fromkeys(profiles, 0)  # next line position of each family's invoice
            for loaded in self._source.batches(organisation_code, month, batch_size):
                by_family = family_lines(service_days(loaded, setup.calendar), pricer, organisation_code)
                uow.billing.add_draft_invoices(drafts(f for f in by_family if f not in positions))
                rows = []
                for family_id in sorted(by_family):
                    first = positions.get(family_id, 0)
                    lines = in_invoice_order(by_family[family_id])
                    invoice_id = stable_id(run_id, family_id)
                    rows += [(invoice_id, first + n, line) for n, line in enumerate(lines)]
                    positions[family_id] = first + len(lines)
                del by_family
                uow.billing.add_draft_lines(rows)
                if progress is not None:
                    progress(len(loaded.children))
            uow.billing.add_rule_messages(organisation_code, pricer.messages())
            totals = uow.billing.settle_draft_totals(run_id)
            uow.commit()
        return RunSummary(draft, totals)

    def run(self, organisation_code: str, month: str, *, by: str, final: bool = False,
            accept_flagged: bool = False, progress: Callable[[int], None] | None = None) -> RunReview:
        """Compute (or recompute) the month's draft; with `final`, finalise it at once.

        The review returned holds every line (read once from storage): `prepare` and
        `finalise_run` give the totals only, for months too large to show.
        """
        summary = self.prepare(organisation_code, month, by=by, progress=progress)
        if final:
            return self._finalise(organisation_code, summary.run.id, by=by, accept_flagged=accept_flagged)
        with self._uow() as uow:
            return self._review(summary.run, tuple(uow.billing.invoices_of_run(summary.run.id)))

    def children_to_bill(self, organisation_code: str, month: str) -> int:
        """How many children a run of `month` goes through (what `prepare`'s progress adds up to)."""
        return self._source.count(organisation_code, month)

    def draft(self, principal: Principal, month: str) -> RunReview:
        """An agent computes (or recomputes) its organisation's draft for `month`."""
        return self.run(principal.organisation_code, month, by=principal.account_id)

    def review(self, principal: Principal, run_id: str) -> RunReview:
        """A run of the agent's organisation, with its invoices and flagged days."""
        with self._uow() as uow:
            run = uow.billing.run(run_id)
            if run is None or run.organisation_code != principal.organisation_code:
                raise NotFound("Facturation introuvable.")
            return self._review(run, tuple(uow.billing.invoices_of_run(run_id)))

    def finalise(self, principal: Principal, run_id: str, *, accept_flagged: bool = False) -> RunReview:
        """Make a draft of the agent's organisation final: number, date and due date on each invoice."""
        with self._uow() as uow:
            run = uow.billing.run(run_id)
            if run is None or run.organisation_code != principal.organisation_code:
                raise NotFound("Facturation introuvable.")
        return self._finalise(principal.organisation_code, run_id, by=principal.account_id,
                              accept_flagged=accept_flagged)

    def finalise_run(self, organisation_code: str, month: str, *, by: str,
                     accept_flagged: bool = False) -> RunSummary:
        """Make the organisation's draft of `month` final, without reading its lines (the CLI, large months)."""
        parse_month(month)
        with self._uow() as uow:
            summary = self._close(uow, organisation_code, run_id_of(organisation_code, month), by=by,
                                  accept_flagged=accept_flagged)
            uow.commit()
        return summary

    def _finalise(self, organisation_code: str, run_id: str, *, by: str, accept_flagged: bool) -> RunReview:
        with self._uow() as uow:
            summary = self._close(uow, organisation_code, run_id, by=by, accept_flagged=accept_flagged)
            issued = tuple(uow.billing.invoices_of_run(run_id))
            uow.commit()
        return RunReview(summary.run, issued)

    def _review(self, run: BillingRun, invoices: tuple[Invoice, ...]) -> RunReview:
        provisional = run.status is RunStatus.DRAFT and not month_ended(run.month, self._clock.now().date())
        return RunReview(run, invoices, provisional)

    def _close(self, uow: UnitOfWork, organisation_code: str, run_id: str, *, by: str,
               accept_flagged: bool) -> RunSummary:
        """Number, date and give a due date to the run's invoices above 0, with set-based writes.

        Only for a month that has ended: invoices never cover days still to come.
        """
        today = self._clock.now()
        run = uow.billing.run(run_id)
        if run is None:
            raise NotFound("Facturation introuvable.")
        if not month_ended(run.month, today.date()):
            raise Conflict(f"Le mois {run.month} n'est pas terminé : sa facturation ne peut être rendue définitive "
                           "qu'à partir du premier jour du mois suivant. Le brouillon reste provisoire.")
        totals = uow.billing.run_totals(run_id)
        if totals.flagged and not accept_flagged:
            raise Conflict(f"{totals.flagged} jour(s) à vérifier (pointage manquant) : corrigez les pointages et "
                           "relancez, ou confirmez qu'ils ne seront pas facturés (accept_flagged).")
        if not uow.billing.claim_final(run_id, today, by):
            raise Conflict("Cette facturation n'est plus un brouillon (déjà rendue définitive).")
        count = uow.billing.billable_count(run_id)
        series = str(today.year)
        first = uow.billing.allocate_numbers(organisation_code, series, count) if count else 0
        if count:
            uow.billing.issue_run(run_id, series, first, today.date(), today.date() + timedelta(days=self._due_days))
        run = uow.billing.run(run_id)
        assert run is not None
        numbers = (f"{series}-{first:06d}", f"{series}-{first + count - 1:06d}") if count else (None, None)
        return RunSummary(run, attrs.evolve(totals, issued=count), *numbers)

    # --- what a family sees ----------------------------------------------------------------

    def invoices(self, principal: Principal) -> Sequence[Invoice]:
        """The calling family's issued invoices and credit notes, newest first."""
        family_id = self._family(principal)
        with self._uow() as uow:
            return list(reversed(uow.billing.issued_of_family(family_id)))

    def account(self, family_id: str, on: date | None = None) -> AccountPosition:
        """The family's balance and unpaid invoices at the end of `on` (today by default)."""
        on = on or self._clock.now().date()
        with self._uow() as uow:
            return position(uow.billing.issued_of_family(family_id), uow.billing.payments_of_family(family_id), on)

    def statement(self, principal: Principal, start: date, end: date, family_id: str | None = None) -> Statement:
        """The relevé de compte of the calling family (or, for an agent, of one of its families)."""
        if end < start:
            raise ValidationFailed([FieldError("to", "La date de fin doit suivre la date de début.")])
        family_id = self._family(principal, family_id)
        with self._uow() as uow:
            access.visible_family(uow, principal, family_id)
            return statement(family_id, uow.billing.issued_of_family(family_id),
                             uow.billing.payments_of_family(family_id), start, end)

    def document(self, principal: Principal, invoice_id: str) -> InvoiceDocument:
        """An issued invoice for its PDF: to its family, or to an agent of its organisation."""
        with self._uow() as uow:
            invoice = self._visible(uow, principal, invoice_id)
            organisation = uow.organisations.get(invoice.organisation_code)
            payer = uow.billing.payer_profiles(invoice.organisation_code).get(invoice.family_id)
            if organisation is None or payer is None:
                raise NotFound("Facture introuvable.")
            return InvoiceDocument(invoice, organisation, payer)

    # --- what an agent records -----------------------------------------------------------

    def record_payment(self, principal: Principal, family_id: str, amount: str | Decimal, method: str,
                       paid_on: date, reference: str | None = None) -> Payment:
        """Record a family's payment (guichet, carte, chèque, CESU, prélèvement)."""
        value = _amount(amount, "amount")
        how: PaymentMethod | None
        try:
            how = PaymentMethod(method)
        except ValueError:
            how = None
        if how is None or how is PaymentMethod.ONLINE:
            allowed = ", ".join(m.value for m in PaymentMethod if m is not PaymentMethod.ONLINE)
            raise ValidationFailed([FieldError("method", f"Mode de paiement inconnu (permis : {allowed} ; les "
                                                         "paiements en ligne s'enregistrent seuls).")])
        with self._uow() as uow:
            family = access.visible_family(uow, principal, family_id)
            payment = Payment(id=str(uuid.uuid4()), organisation_code=family.organisation_code, family_id=family_id,
                              amount=value, method=how, paid_on=paid_on, recorded_by=principal.account_id,
                              recorded_at=self._clock.now(), reference=reference)
            uow.billing.add_payment(payment)
            uow.commit()
            return payment

    def credit_note(self, principal: Principal, invoice_id: str, reason: str, *,
                    amount: str | Decimal | None = None, line_indexes: Sequence[int] = ()) -> Invoice:
        """An avoir on an issued invoice: a given amount, or the chosen lines; never more than it has left."""
        if not reason.strip():
            raise ValidationFailed([FieldError("reason", "Indiquez le motif de l'avoir.")])
        with self._uow() as uow:
            invoice = self._visible(uow, principal, invoice_id, agent_only=True)
            if invoice.kind is not InvoiceKind.INVOICE:
                raise ValidationFailed([FieldError("invoice", "Un avoir ne porte que sur une facture.")])
            if line_indexes:
                if any(not 0 <= i < len(invoice.lines) for i in line_indexes) or len(set(line_indexes)) != len(
                        line_indexes):
                    raise ValidationFailed([FieldError("lines", "Numéros de lignes invalides.")])
                lines = tuple(invoice.lines[i] for i in sorted(line_indexes))
                total = invoice_total(lines)
            elif amount is not None:
                total = _amount(amount, "amount")
                lines = ()
            else:
                raise ValidationFailed([FieldError("amount", "Indiquez un montant ou des lignes.")])
            credited = sum((n.total for n in uow.billing.issued_of_family(invoice.family_id)
                            if n.credited_invoice_id == invoice.id), ZERO)
            if total <= 0 or credited + total > invoice.total:
                raise ValidationFailed([FieldError("amount", f"L'avoir dépasse ce qui reste de la facture "
                                                             f"({invoice.total - credited} €).")])
            today = self._clock.now().date()
            series = f"AV{today.year}"
            number = uow.billing.allocate_numbers(invoice.organisation_code, series, 1)
            note = Invoice(id=str(uuid.uuid4()), organisation_code=invoice.organisation_code,
                           family_id=invoice.family_id, month=invoice.month, kind=InvoiceKind.CREDIT_NOTE,
                           lines=lines, total=total, number=f"{series}-{number:06d}", issued_on=today,
                           due_on=today, credited_invoice_id=invoice.id, reason=reason.strip())
            uow.billing.add_credit_note(note)
            uow.commit()
            return note

    def direct_debits(self, principal: Principal, month: str) -> list[DirectDebit]:
        """The month's issued invoices still due, of the families that chose prélèvement and signed a mandate."""
        parse_month(month)
        with self._uow() as uow:
            return self._debits(uow, principal.organisation_code, month)[0]

    def sepa_batch(self, principal: Principal, month: str) -> SepaBatch:
        """The month's SEPA file content: the organisation's creditor data, the debits, and the
        invoices of families that chose prélèvement but have no mandate (or IBAN), left out."""
        parse_month(month)
        with self._uow() as uow:
            creditor = uow.billing.creditor(principal.organisation_code)
            if creditor is None:
                raise Conflict("Renseignez d'abord le créancier SEPA de l'organisation (nom, IBAN, BIC, ICS).")
            debits, missing = self._debits(uow, principal.organisation_code, month)
        return SepaBatch(creditor, tuple(debits), tuple(missing))

    def _debits(self, uow: UnitOfWork, organisation_code: str, month: str
                ) -> tuple[list[DirectDebit], list[DirectDebit]]:
        debits: list[DirectDebit] = []
        missing: list[DirectDebit] = []
        profiles = uow.billing.payer_profiles(organisation_code)
        today = self._clock.now().date()
        for invoice in uow.billing.issued_of_month(organisation_code, month):
            payer = profiles.get(invoice.family_id)
            if payer is None or not payer.wants_direct_debit:
                continue
            due = position(uow.billing.issued_of_family(invoice.family_id),
                           uow.billing.payments_of_family(invoice.family_id), today)
            remaining = next((o.remaining for o in due.unpaid if o.invoice.id == invoice.id), ZERO)
            if remaining > 0:
                (debits if payer.direct_debit is not None else missing).append(DirectDebit(invoice, payer, remaining))
        return debits, missing

    # --- access ----------------------------------------------------------------------------

    @staticmethod
    def _family(principal: Principal, family_id: str | None = None) -> str:
        if principal.is_agent:
            if family_id is None:
                raise NotFound("Famille introuvable.")
            return family_id
        if principal.family_id is None or (family_id is not None and family_id != principal.family_id):
            raise NotFound("Famille introuvable.")
        return principal.family_id

    @staticmethod
    def _visible(uow: UnitOfWork, principal: Principal, invoice_id: str, *, agent_only: bool = False) -> Invoice:
        invoice = uow.billing.invoice(invoice_id)
        if invoice is None or not invoice.issued:
            raise NotFound("Facture introuvable.")
        if principal.is_agent:
            if invoice.organisation_code != principal.organisation_code:
                raise NotFound("Facture introuvable.")
        elif agent_only or invoice.family_id != principal.family_id:
            raise NotFound("Facture introuvable.")
        return invoice


class NoServiceDays:
    """A source with no day at all: billing wired before the planning's source exists."""

    def batches(self, organisation_code: str, month: str, size: int) -> Iterable[MonthRows]:
        """Nothing."""
        return ()

    def count(self, organisation_code: str, month: str) -> int:
        """No child."""
        return 0
