"""The billing repository over SQLAlchemy Core, with its row ↔ value translation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from famille.adapters.sqlalchemy.bulk import BackgroundCopy, bulk_insert, insert_ignore
from famille.adapters.sqlalchemy.database import SqlRepository, where_given
from famille.adapters.sqlalchemy.families import record_translation as rt
from famille.adapters.sqlalchemy.families.translation import family_from_row
from famille.adapters.sqlalchemy.tables import (
    billing_runs,
    child_families,
    enrolments,
    families,
    family_records,
    invoice_counters,
    invoice_lines,
    invoices,
    online_payments,
    payment_allocations,
    payments,
    rule_messages,
    sepa_creditors,
    sepa_mandates,
)
from famille.kernel.billing.model import (
    Billed,
    BillingRun,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    PayerProfile,
    Payment,
    PaymentMethod,
    RunStatus,
    RunTotals,
)
from famille.kernel.billing.online import OnlinePayment, OnlineStatus
from famille.kernel.billing.payers import payer_profile
from famille.kernel.billing.setup import Creditor, FamilyBilling, Mandate
from famille.kernel.families.records import FamilySections

HUNDRED = Decimal(100)
BATCH = 5000


@lru_cache(maxsize=4096)  # a run's amounts repeat: each distinct one is converted once
def to_cents(amount: Decimal) -> int:
    """Euros (two decimals) as integer cents."""
    return int((amount * HUNDRED).to_integral_value())


def from_cents(value: int) -> Decimal:
    """Integer cents as euros with two decimals."""
    return (Decimal(value) / HUNDRED).quantize(Decimal("0.01"))


def _run_from_row(row: Row[Any]) -> BillingRun:
    return BillingRun(id=row.id, organisation_code=row.organisation_code, month=row.month,
                      status=RunStatus(row.status), created_at=row.created_at, created_by=row.created_by,
                      rules_version=row.rules_version, finalised_at=row.finalised_at, finalised_by=row.finalised_by)


#: The columns of a line as `_line_row` gives them.
LINE_COLUMNS = ("invoice_id", "position", "child_id", "child_name", "service_code", "day", "rule_id", "message",
                "rules_version", "reason", "status", "billed", "unit_price_cents", "amount_cents",
                "share_hundredths", "detail")


def _line_row(invoice_id: str, position: int, line: InvoiceLine) -> tuple[Any, ...]:
    """A line as stored: with a rules version, its message is not copied (it is kept in `rule_messages`)."""
    return (invoice_id, position, line.child_id, line.child_name, line.service_code, line.day, line.rule_id,
            None if line.rules_version else line.message, line.rules_version or None,
            line.reason if line.rules_version else None, line.status, line.billed.value,
            to_cents(line.unit_price), to_cents(line.amount), to_cents(line.share), line.detail)


def _line_values(invoice_id: str, position: int, line: InvoiceLine) -> dict[str, Any]:
    return dict(zip(LINE_COLUMNS, _line_row(invoice_id, position, line), strict=True))


def _line_from_row(row: Row[Any]) -> InvoiceLine:
    """A stored line; `row.shown` is its message: its own text, or the one kept for its rule (`_LINES`)."""
    return InvoiceLine(child_id=row.child_id, child_name=row.child_name, service_code=row.service_code,
                       day=row.day, rule_id=row.rule_id, message=row.shown or "", status=row.status,
                       billed=Billed(row.billed), unit_price=from_cents(row.unit_price_cents),
                       amount=from_cents(row.amount_cents), share=from_cents(row.share_hundredths),
                       detail=row.detail, rules_version=row.rules_version or "", reason=row.reason or "")


#: Lines with their message: a line written with a rules version finds it in `rule_messages` by that
#: version, its invoice's organisation, its rule id and its reason; an older line has its own text.
_LINES = (
    select(invoice_lines, func.coalesce(invoice_lines.c.message, rule_messages.c.message).label("shown"))
    .select_from(invoice_lines.join(invoices, invoices.c.id == invoice_lines.c.invoice_id).outerjoin(
        rule_messages, and_(rule_messages.c.rules_version == invoice_lines.c.rules_version,
                            rule_messages.c.organisation_code == invoices.c.organisation_code,
                            rule_messages.c.rule_id == invoice_lines.c.rule_id,
                            rule_messages.c.reason == invoice_lines.c.reason)))
)


def _invoice_values(invoice: Invoice) -> dict[str, Any]:
    return {"id": invoice.id, "organisation_code": invoice.organisation_code, "family_id": invoice.family_id,
            "run_id": invoice.run_id, "month": invoice.month, "kind": invoice.kind.value,
            "total_cents": to_cents(invoice.total), "number": invoice.number, "issued_on": invoice.issued_on,
            "due_on": invoice.due_on, "credited_invoice_id": invoice.credited_invoice_id, "reason": invoice.reason}


def _invoice_from_row(row: Row[Any], lines: Sequence[InvoiceLine]) -> Invoice:
    return Invoice(id=row.id, organisation_code=row.organisation_code, family_id=row.family_id, month=row.month,
                   kind=InvoiceKind(row.kind), lines=tuple(lines), total=from_cents(row.total_cents),
                   run_id=row.run_id, number=row.number, issued_on=row.issued_on, due_on=row.due_on,
                   credited_invoice_id=row.credited_invoice_id, reason=row.reason)


def _payment_from_row(row: Row[Any], allocations: Sequence[tuple[str, Decimal]] = ()) -> Payment:
    return Payment(id=row.id, organisation_code=row.organisation_code, family_id=row.family_id,
                   amount=from_cents(row.amount_cents), method=PaymentMethod(row.method), paid_on=row.paid_on,
                   recorded_by=row.recorded_by, recorded_at=row.recorded_at, reference=row.reference,
                   allocations=tuple(allocations))


def _online_values(payment: OnlinePayment) -> dict[str, Any]:
    return {"id": payment.id, "reference": payment.reference, "organisation_code": payment.organisation_code,
            "family_id": payment.family_id, "invoices": [[i, to_cents(a)] for i, a in payment.invoices],
            "amount_cents": to_cents(payment.amount), "status": payment.status.value,
            "created_at": payment.created_at, "created_by": payment.created_by,
            "transaction_id": payment.transaction_id, "url": payment.url, "settled_at": payment.settled_at,
            "payment_id": payment.payment_id, "detail": payment.detail}


def _online_from_row(row: Row[Any]) -> OnlinePayment:
    return OnlinePayment(
        id=row.id, reference=row.reference, organisation_code=row.organisation_code, family_id=row.family_id,
        invoices=tuple((str(i), from_cents(int(c))) for i, c in row.invoices), amount=from_cents(row.amount_cents),
        status=OnlineStatus(row.status), created_at=row.created_at, created_by=row.created_by,
        transaction_id=row.transaction_id, url=row.url, settled_at=row.settled_at, payment_id=row.payment_id,
        detail=row.detail)


class SqlBillingRepository(SqlRepository):
    """`famille.ports.billing_persistence.BillingRepository` on one connection."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._lines = BackgroundCopy()

    def finish_pending_writes(self) -> None:
        """Wait until the lines given to `add_draft_lines` are stored; raise what storing them raised."""
        self._lines.wait()

    def payer_profiles(self, organisation_code: str) -> Mapping[str, PayerProfile]:
        """The organisation's families, and those of children of other organisations enrolled in one of its
        structures, with their record's sections, in one query."""
        enrolled = (select(child_families.c.family_id)
                    .join(enrolments, enrolments.c.child_id == child_families.c.child_id)
                    .where(enrolments.c.organisation_code == organisation_code))
        rows = self._connection.execute(
            select(families, family_records.c.fiscales, family_records.c.caf, family_records.c.bancaires,
                   sepa_mandates.c.reference.label("mandate_reference"),
                   sepa_mandates.c.signed_on.label("mandate_signed_on"))
            .select_from(families.outerjoin(family_records, family_records.c.family_id == families.c.id)
                         .outerjoin(sepa_mandates, sepa_mandates.c.family_id == families.c.id))
            .where((families.c.organisation_code == organisation_code) | families.c.id.in_(enrolled)))
        out = {}
        for row in rows:
            sections = rt.family_sections_from_row(row) if row.caf is not None else FamilySections()
            family = family_from_row(row)
            mandate = Mandate(row.mandate_reference, row.mandate_signed_on) if row.mandate_reference else None
            out[family.id] = payer_profile(family, sections, resident=bool(row.resident), mandate=mandate,
                                           billed_by=organisation_code)
        return out

    def run(self, run_id: str) -> BillingRun | None:
        """The run, or None."""
        row = self._connection.execute(select(billing_runs).where(billing_runs.c.id == run_id)).first()
        return _run_from_row(row) if row else None

    def replace_draft(self, run: BillingRun, drafts: Sequence[Invoice]) -> None:
        """Delete the run's draft invoices (their lines cascade) and store the new draft."""
        c = self._connection
        old = select(invoices.c.id).where(invoices.c.run_id == run.id).scalar_subquery()
        c.execute(delete(invoice_lines).where(invoice_lines.c.invoice_id.in_(old)))
        c.execute(delete(invoices).where(invoices.c.run_id == run.id))
        c.execute(delete(billing_runs).where(billing_runs.c.id == run.id, billing_runs.c.status == "draft"))
        c.execute(insert(billing_runs).values(
            id=run.id, organisation_code=run.organisation_code, month=run.month, status=run.status.value,
            created_at=run.created_at, created_by=run.created_by, rules_version=run.rules_version[:64],
            finalised_at=run.finalised_at, finalised_by=run.finalised_by))
        rows = [_invoice_values(i) for i in drafts]
        for start in range(0, len(rows), BATCH):
            c.execute(insert(invoices), rows[start:start + BATCH])
        lines = [_line_values(i.id, n, line) for i in drafts for n, line in enumerate(i.lines)]
        for start in range(0, len(lines), BATCH):
            c.execute(insert(invoice_lines), lines[start:start + BATCH])

    def begin_draft(self, run: BillingRun) -> None:
        """Delete the run's draft invoices and lines, and store the draft run."""
        self.replace_draft(run, ())

    def add_draft_invoices(self, drafts: Sequence[Invoice]) -> None:
        """Insert invoice rows (lines come with `add_draft_lines`)."""
        bulk_insert(self._connection, invoices, [_invoice_values(i) for i in drafts])

    def add_draft_lines(self, lines: Sequence[tuple[str, int, InvoiceLine]]) -> None:
        """Write lines in bulk: `COPY` on PostgreSQL, in the background (the run prices its next batch
        meanwhile; `add_rule_messages`, `settle_draft_totals` and the commit wait for it), one prepared
        executemany elsewhere."""
        self._lines.start(self._connection, invoice_lines, LINE_COLUMNS,
                          (_line_row(invoice_id, position, line) for invoice_id, position, line in lines))

    def add_rule_messages(self, organisation_code: str, messages: Mapping[tuple[str, str, str], str]) -> None:
        """Insert each (version, rule, reason) message not kept yet (`ON CONFLICT DO NOTHING`)."""
        self._lines.wait()
        if messages:
            self._connection.execute(
                insert_ignore(self._connection, rule_messages, ("rules_version", "organisation_code", "rule_id",
                                                                "reason")),
                [{"rules_version": version, "organisation_code": organisation_code, "rule_id": rule_id,
                  "reason": reason, "message": text} for (version, rule_id, reason), text in messages.items()])

    def settle_draft_totals(self, run_id: str) -> RunTotals:
        """One DELETE removes the drafts without a line, one UPDATE sums each invoice's lines; one SELECT
        gives the run's totals."""
        self._lines.wait()
        draft = and_(invoices.c.run_id == run_id, invoices.c.number.is_(None))
        self._connection.execute(delete(invoices).where(
            draft, ~exists().where(invoice_lines.c.invoice_id == invoices.c.id)))
        lines_total = (select(func.coalesce(func.sum(invoice_lines.c.amount_cents), 0))
                       .where(invoice_lines.c.invoice_id == invoices.c.id).scalar_subquery())
        self._connection.execute(update(invoices).where(draft).values(total_cents=lines_total))
        return self.run_totals(run_id)

    def run_totals(self, run_id: str) -> RunTotals:
        """Counts and total of the run, aggregated by the database."""
        c = self._connection
        count, total, issued = c.execute(
            select(func.count(), func.coalesce(func.sum(invoices.c.total_cents), 0),
                   func.count(invoices.c.number)).where(invoices.c.run_id == run_id)).one()
        lines, flagged = c.execute(
            select(func.count(), func.coalesce(func.sum(case((invoice_lines.c.billed == "flag", 1), else_=0)), 0))
            .select_from(invoice_lines.join(invoices, invoices.c.id == invoice_lines.c.invoice_id))
            .where(invoices.c.run_id == run_id)).one()
        return RunTotals(invoices=int(count), lines=int(lines), flagged=int(flagged), total=from_cents(int(total)),
                         issued=int(issued))

    def billable_count(self, run_id: str) -> int:
        """The run's invoices above 0."""
        return int(self._connection.execute(
            select(func.count()).where(invoices.c.run_id == run_id, invoices.c.total_cents > 0)).scalar_one())

    def issue_run(self, run_id: str, series: str, first: int, issued_on: date, due_on: date) -> int:
        """One UPDATE ... FROM numbering the run's invoices above 0 by family id (ROW_NUMBER)."""
        ranked = (select(invoices.c.id, func.row_number().over(order_by=invoices.c.family_id).label("rank"))
                  .where(invoices.c.run_id == run_id, invoices.c.total_cents > 0, invoices.c.number.is_(None))
                  .subquery())
        sequence = ranked.c.rank + (first - 1)
        if self._connection.dialect.name == "postgresql":
            padded = func.lpad(cast(sequence, String), 6, "0")
        else:
            padded = func.printf("%06d", cast(sequence, Integer))
        result = self._connection.execute(
            update(invoices).where(invoices.c.id == ranked.c.id)
            .values(number=literal(f"{series}-") + padded, issued_on=issued_on, due_on=due_on))
        return int(result.rowcount)

    def child_shares(self, child_id: str) -> Mapping[str, Decimal | None]:
        """Each link's share in percent, None when not set."""
        rows = self._connection.execute(select(child_families.c.family_id, child_families.c.share_hundredths)
                                        .where(child_families.c.child_id == child_id))
        return {r.family_id: None if r.share_hundredths is None else from_cents(r.share_hundredths) for r in rows}

    def set_child_shares(self, child_id: str, shares: Mapping[str, Decimal]) -> None:
        """Write each link's share."""
        for family_id, share in shares.items():
            self._connection.execute(update(child_families).where(child_families.c.child_id == child_id,
                                                                  child_families.c.family_id == family_id)
                                     .values(share_hundredths=to_cents(share)))

    def family_billing(self, family_id: str) -> FamilyBilling:
        """`families.resident` and the family's mandate."""
        row = self._connection.execute(
            select(families.c.resident, sepa_mandates.c.reference, sepa_mandates.c.signed_on)
            .select_from(families.outerjoin(sepa_mandates, sepa_mandates.c.family_id == families.c.id))
            .where(families.c.id == family_id)).first()
        if row is None:
            return FamilyBilling(family_id)
        mandate = Mandate(row.reference, row.signed_on) if row.reference else None
        return FamilyBilling(family_id, bool(row.resident), mandate)

    def set_family_billing(self, organisation_code: str, settings: FamilyBilling) -> None:
        """Update the residence; replace the mandate row."""
        c = self._connection
        c.execute(update(families).where(families.c.id == settings.family_id).values(resident=settings.resident))
        c.execute(delete(sepa_mandates).where(sepa_mandates.c.family_id == settings.family_id))
        if settings.mandate is not None:
            c.execute(insert(sepa_mandates).values(family_id=settings.family_id, organisation_code=organisation_code,
                                                   reference=settings.mandate.reference,
                                                   signed_on=settings.mandate.signed_on))

    def mandate_holder(self, organisation_code: str, reference: str) -> str | None:
        """The family holding the mandate `reference` in the organisation, or None."""
        return self._connection.execute(
            select(sepa_mandates.c.family_id).where(sepa_mandates.c.organisation_code == organisation_code,
                                                    sepa_mandates.c.reference == reference)).scalar()

    def creditor(self, organisation_code: str) -> Creditor | None:
        """The organisation's creditor row, or None."""
        row = self._connection.execute(select(sepa_creditors)
                                       .where(sepa_creditors.c.organisation_code == organisation_code)).first()
        return Creditor(row.name, row.iban, row.bic, row.creditor_id) if row else None

    def set_creditor(self, organisation_code: str, creditor: Creditor) -> None:
        """Replace the organisation's creditor row."""
        c = self._connection
        c.execute(delete(sepa_creditors).where(sepa_creditors.c.organisation_code == organisation_code))
        c.execute(insert(sepa_creditors).values(organisation_code=organisation_code, name=creditor.name,
                                                iban=creditor.iban, bic=creditor.bic,
                                                creditor_id=creditor.creditor_id))

    def claim_final(self, run_id: str, at: datetime, by: str) -> bool:
        """`UPDATE ... WHERE status = 'draft'`: True for the one caller that changed it."""
        result = self._connection.execute(
            update(billing_runs).where(billing_runs.c.id == run_id, billing_runs.c.status == "draft")
            .values(status="final", finalised_at=at, finalised_by=by))
        return result.rowcount == 1

    def allocate_numbers(self, organisation_code: str, series: str, count: int) -> int:
        """Increment the counter row (created at 0 if missing) and return the first number reserved."""
        c = self._connection
        where = and_(invoice_counters.c.organisation_code == organisation_code, invoice_counters.c.series == series)
        # The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) before anything is read.
        updated = c.execute(update(invoice_counters).where(where)
                            .values(last_number=invoice_counters.c.last_number + count)
                            .returning(invoice_counters.c.last_number)).scalar()
        if updated is None:
            try:
                with c.begin_nested():
                    c.execute(insert(invoice_counters).values(organisation_code=organisation_code, series=series,
                                                              last_number=count))
                return 1
            except Exception:  # another transaction created the row first: take the locked path
                updated = c.execute(update(invoice_counters).where(where)
                                    .values(last_number=invoice_counters.c.last_number + count)
                                    .returning(invoice_counters.c.last_number)).scalar_one()
        return int(updated) - count + 1

    def issue(self, invoice_id: str, number: str, issued_on: date, due_on: date) -> None:
        """Number and date a draft invoice."""
        self._connection.execute(update(invoices).where(invoices.c.id == invoice_id, invoices.c.number.is_(None))
                                 .values(number=number, issued_on=issued_on, due_on=due_on))

    def _with_lines(self, rows: Sequence[Row[Any]]) -> list[Invoice]:
        ids = [row.id for row in rows]
        lines: dict[str, list[InvoiceLine]] = defaultdict(list)
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            for line in self._connection.execute(_LINES.where(invoice_lines.c.invoice_id.in_(chunk))
                                                 .order_by(invoice_lines.c.invoice_id, invoice_lines.c.position)):
                lines[line.invoice_id].append(_line_from_row(line))
        return [_invoice_from_row(row, lines[row.id]) for row in rows]

    def invoices_of_run(self, run_id: str) -> Sequence[Invoice]:
        """The run's invoices, by family id."""
        rows = self._connection.execute(select(invoices).where(invoices.c.run_id == run_id)
                                        .order_by(invoices.c.family_id)).all()
        return self._with_lines(rows)

    def invoice(self, invoice_id: str) -> Invoice | None:
        """One invoice with its lines, or None."""
        rows = self._connection.execute(select(invoices).where(invoices.c.id == invoice_id)).all()
        found = self._with_lines(rows)
        return found[0] if found else None

    def issued_of_family(self, family_id: str) -> Sequence[Invoice]:
        """The family's issued invoices and credit notes, by date then number."""
        rows = self._connection.execute(
            select(invoices).where(invoices.c.family_id == family_id, invoices.c.number.is_not(None))
            .order_by(invoices.c.issued_on, invoices.c.number)).all()
        return self._with_lines(rows)

    def issued_of_month(self, organisation_code: str, month: str) -> Sequence[Invoice]:
        """The organisation's issued invoices of a month, by number (lines not loaded)."""
        rows = self._connection.execute(
            select(invoices).where(invoices.c.organisation_code == organisation_code, invoices.c.month == month,
                                   invoices.c.kind == InvoiceKind.INVOICE.value, invoices.c.number.is_not(None))
            .order_by(invoices.c.number)).all()
        return [_invoice_from_row(row, ()) for row in rows]

    def add_credit_note(self, note: Invoice) -> None:
        """Store an issued credit note and its lines."""
        self._connection.execute(insert(invoices).values(**_invoice_values(note)))
        if note.lines:
            self._connection.execute(insert(invoice_lines),
                                     [_line_values(note.id, n, line) for n, line in enumerate(note.lines)])

    def add_payment(self, payment: Payment) -> None:
        """Store a payment."""
        self._connection.execute(insert(payments).values(
            id=payment.id, organisation_code=payment.organisation_code, family_id=payment.family_id,
            amount_cents=to_cents(payment.amount), method=payment.method.value, paid_on=payment.paid_on,
            recorded_by=payment.recorded_by, recorded_at=payment.recorded_at, reference=payment.reference))
        if payment.allocations:
            self._connection.execute(insert(payment_allocations), [
                {"payment_id": payment.id, "invoice_id": invoice_id, "position": n, "amount_cents": to_cents(amount)}
                for n, (invoice_id, amount) in enumerate(payment.allocations)])

    def payments_of_family(self, family_id: str) -> Sequence[Payment]:
        """The family's payments, by date, with what each was made for (two queries)."""
        rows = self._connection.execute(select(payments).where(payments.c.family_id == family_id)
                                        .order_by(payments.c.paid_on, payments.c.recorded_at)).all()
        shares: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
        for share in self._connection.execute(
                select(payment_allocations).join(payments, payments.c.id == payment_allocations.c.payment_id)
                .where(payments.c.family_id == family_id)
                .order_by(payment_allocations.c.payment_id, payment_allocations.c.position)):
            shares[share.payment_id].append((share.invoice_id, from_cents(share.amount_cents)))
        return [_payment_from_row(row, shares.get(row.id, ())) for row in rows]

    def add_online_payment(self, payment: OnlinePayment) -> bool:
        """Insert in a savepoint: the unique index of pending payments by family refuses a second one
        (another transaction's, once it commits: PostgreSQL waits for it; SQLite has one writer)."""
        try:
            with self._connection.begin_nested():
                self._connection.execute(insert(online_payments).values(**_online_values(payment)))
        except IntegrityError:
            if not self.online_payments(family_id=payment.family_id, status=OnlineStatus.PENDING):
                raise  # another constraint: a fault, not the family's pending payment
            return False
        return True

    def online_payment(self, payment_id: str) -> OnlinePayment | None:
        """The payment opened online with this id, or None."""
        row = self._connection.execute(select(online_payments).where(online_payments.c.id == payment_id)).first()
        return _online_from_row(row) if row else None

    def online_payments(self, organisation_code: str | None = None, *, family_id: str | None = None,
                        status: OnlineStatus | None = None, limit: int | None = None) -> list[OnlinePayment]:
        """The payments opened online, filtered, newest first."""
        query = where_given(
            select(online_payments).order_by(online_payments.c.created_at.desc(), online_payments.c.id),
            {online_payments.c.organisation_code: organisation_code, online_payments.c.family_id: family_id,
             online_payments.c.status: status.value if status else None})
        if limit is not None:
            query = query.limit(limit)
        return [_online_from_row(row) for row in self._connection.execute(query)]

    def settle_online_payment(self, payment: OnlinePayment, *, was: OnlineStatus) -> bool:
        """`UPDATE … WHERE status = was`: True only for the write that settled it."""
        done = self._connection.execute(
            update(online_payments)
            .where(online_payments.c.id == payment.id, online_payments.c.status == was.value)
            .values(status=payment.status.value, settled_at=payment.settled_at, payment_id=payment.payment_id,
                    detail=payment.detail))
        return done.rowcount == 1
