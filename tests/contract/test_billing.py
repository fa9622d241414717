"""The billing repository: the fakes and the databases store and answer alike."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs

from famille.kernel.billing.model import (
    Billed,
    BillingRun,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Payment,
    PaymentMethod,
    RunStatus,
    RunTotals,
)
from famille.kernel.billing.online import OnlinePayment, OnlineStatus
from famille.kernel.billing.setup import Creditor, FamilyBilling, Mandate
from famille.kernel.families.records import BankInfo, CafInfo, FamilySections
from famille.ports.persistence import UnitOfWorkFactory
from tests.support import samples
from tests.support.samples import NOW

ORG, OTHER = "saint-martin", "rpi-des-vignes"


def seed(uow_factory: UnitOfWorkFactory) -> tuple[str, str, str]:
    """Two organisations; two families of the first sharing Léa; the families' ids (sorted) and Léa's."""
    first, second = sorted((samples.family(number="F1"), samples.family(number="F2", conjoint=False)),
                           key=lambda f: f.id)
    lea = samples.child((first.id, second.id))
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation(ORG))
        uow.organisations.add(samples.organisation(OTHER))
        uow.families.add(first)
        uow.families.add(second)
        uow.families.add_child(lea)
        uow.commit()
    return first.id, second.id, lea.id


def line(child_id: str, day: int, amount: str, billed: Billed = Billed.FULL) -> InvoiceLine:
    return InvoiceLine(child_id, "DUPONT Léa", "RESTAURATION", date(2026, 12, day), "jour-reserve-present",
                       "Repas pris.", "Réservé", billed, Decimal("4.50"), Decimal(amount), Decimal("50.00"), "½")


def run(month: str = "2026-12") -> BillingRun:
    return BillingRun(samples.new_id(), ORG, month, RunStatus.DRAFT, NOW, "agent", "abcdef0123456789")


def draft(run_: BillingRun, family_id: str, *lines: InvoiceLine) -> Invoice:
    total = sum((x.amount for x in lines), Decimal("0.00"))
    return Invoice(samples.new_id(), ORG, family_id, run_.month, InvoiceKind.INVOICE, lines, total, run_.id)


def test_a_draft_is_replaced_whole_and_read_back_by_family(uow_factory: UnitOfWorkFactory) -> None:
    first, second, lea = seed(uow_factory)
    december = run()
    old = draft(december, first, line(lea, 1, "2.25"))
    new = [draft(december, second, line(lea, 1, "2.25"), line(lea, 3, "0.00", Billed.FLAG)),
           draft(december, first, line(lea, 1, "2.25"), line(lea, 3, "2.25"))]
    with uow_factory() as uow:
        uow.billing.replace_draft(december, [old])
        uow.commit()
        uow.billing.replace_draft(december, new)
        uow.commit()
    with uow_factory() as uow:
        assert uow.billing.run(december.id) == december and uow.billing.run("inconnu") is None
        assert uow.billing.invoices_of_run(december.id) == [new[1], new[0]]
        assert uow.billing.invoice(old.id) is None and uow.billing.invoice(new[0].id) == new[0]
        assert uow.billing.run_totals(december.id) == RunTotals(invoices=2, lines=4, flagged=1,
                                                                total=Decimal("6.75"), issued=0)
        assert uow.billing.billable_count(december.id) == 2


def test_a_streamed_draft_settles_its_totals_drops_drafts_without_a_line_and_issues_numbers_by_family(uow_factory: UnitOfWorkFactory) -> None:
    first, second, lea = seed(uow_factory)
    december = run()
    invoices = [attrs.evolve(draft(december, family), total=Decimal("0.00")) for family in (second, first)]
    empty = attrs.evolve(draft(december, first), id=samples.new_id(), family_id=second)
    with uow_factory() as uow:
        uow.billing.begin_draft(december)
        uow.billing.add_draft_invoices([*invoices, empty])
        uow.billing.add_draft_lines([(invoices[0].id, 0, line(lea, 1, "2.25")), (invoices[1].id, 0, line(lea, 1, "2.25"))])
        uow.billing.add_draft_lines([(invoices[0].id, 1, line(lea, 2, "4.50"))])
        totals = uow.billing.settle_draft_totals(december.id)
        uow.commit()
    assert totals == RunTotals(invoices=2, lines=3, flagged=0, total=Decimal("9.00"), issued=0)
    with uow_factory() as uow:
        assert uow.billing.issue_run(december.id, "2027", 7, date(2027, 1, 4), date(2027, 1, 31)) == 2
        assert uow.billing.issue_run(december.id, "2027", 9, date(2027, 1, 4), date(2027, 1, 31)) == 0
        uow.commit()
    with uow_factory() as uow:
        issued = uow.billing.invoices_of_run(december.id)
        assert [(i.family_id, i.number, i.total) for i in issued] == [
            (first, "2027-000007", Decimal("2.25")), (second, "2027-000008", Decimal("6.75"))]
        assert [x.day.day for x in issued[1].lines] == [1, 2]
        assert uow.billing.run_totals(december.id).issued == 2
        assert uow.billing.issued_of_month(ORG, "2026-12") == [attrs.evolve(i, lines=()) for i in issued]
        assert uow.billing.issued_of_month(OTHER, "2026-12") == []


def test_a_line_names_its_rule_and_reads_the_message_kept_for_its_version_an_older_line_keeps_its_text(
        uow_factory: UnitOfWorkFactory) -> None:
    first, second, lea = seed(uow_factory)
    december = run()
    invoices = [attrs.evolve(draft(december, family), total=Decimal("0.00")) for family in (first, second)]
    named = [line(lea, day, "2.25")._replace(message="(non stocké)", rules_version=version, reason=reason)
             for day, version, reason in ((1, "v1", "AUTRES"), (2, "v1", "RAISON MEDICALE"), (3, "v2", "AUTRES"))]
    older = line(lea, 4, "2.25")
    kept = {("v1", "jour-reserve-present", "AUTRES"): "Raison AUTRES.",
            ("v1", "jour-reserve-present", "RAISON MEDICALE"): "Raison médicale.",
            ("v2", "jour-reserve-present", "AUTRES"): "Version 2."}
    with uow_factory() as uow:
        uow.billing.begin_draft(december)
        uow.billing.add_draft_invoices(invoices)
        uow.billing.add_draft_lines([(invoices[0].id, n, x) for n, x in enumerate([*named, older])])
        uow.billing.add_rule_messages(ORG, kept)
        uow.billing.add_rule_messages(ORG, {("v1", "jour-reserve-present", "AUTRES"): "Une autre fois."})
        uow.billing.add_rule_messages(OTHER, {("v2", "jour-reserve-present", "AUTRES"): "Autre organisation."})
        uow.commit()
    with uow_factory() as uow:
        read = uow.billing.invoice(invoices[0].id)
        assert read is not None
        assert [x.message for x in read.lines] == ["Raison AUTRES.", "Raison médicale.", "Version 2.", "Repas pris."]
        assert [(x.rules_version, x.reason) for x in read.lines] == [
            ("v1", "AUTRES"), ("v1", "RAISON MEDICALE"), ("v2", "AUTRES"), ("", "")]
        assert uow.billing.invoices_of_run(december.id)[[i.id for i in invoices].index(read.id)] == read


def test_an_issued_invoice_keeps_its_number_and_a_final_run_is_claimed_once(uow_factory: UnitOfWorkFactory) -> None:
    first, _, lea = seed(uow_factory)
    december = run()
    invoice = draft(december, first, line(lea, 1, "4.50"))
    with uow_factory() as uow:
        uow.billing.replace_draft(december, [invoice])
        uow.billing.issue(invoice.id, "2027-000001", date(2027, 1, 4), date(2027, 1, 31))
        uow.billing.issue(invoice.id, "2027-000099", date(2027, 2, 4), date(2027, 2, 28))
        uow.commit()
    with uow_factory() as late, uow_factory() as uow:
        assert late.billing.run(december.id) == december
        assert uow.billing.claim_final(december.id, NOW, "agent") is True
        assert uow.billing.claim_final(december.id, NOW, "agent") is False
        uow.commit()
        assert late.billing.claim_final(december.id, NOW, "agent-2") is False
    with uow_factory() as uow:
        stored = uow.billing.invoice(invoice.id)
        assert stored is not None and (stored.number, stored.issued_on) == ("2027-000001", date(2027, 1, 4))
        assert uow.billing.run(december.id) == attrs.evolve(december, status=RunStatus.FINAL, finalised_at=NOW,
                                                            finalised_by="agent")


def test_numbers_follow_each_other_per_organisation_and_series_across_units_of_work(
    uow_factory: UnitOfWorkFactory,
) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        assert uow.billing.allocate_numbers(ORG, "2027", 3) == 1
        assert uow.billing.allocate_numbers(ORG, "2027", 2) == 4
        assert uow.billing.allocate_numbers(ORG, "AV2027", 1) == 1
        assert uow.billing.allocate_numbers(OTHER, "2027", 1) == 1
        uow.commit()
    with uow_factory() as uow:
        assert uow.billing.allocate_numbers(ORG, "2027", 1) == 6
        uow.rollback()
        assert uow.billing.allocate_numbers(ORG, "2027", 1) == 6
    with uow_factory() as late, uow_factory() as uow:
        assert late.billing.run("inconnu") is None
        assert uow.billing.allocate_numbers(ORG, "2027", 2) == 6
        uow.commit()
        assert late.billing.allocate_numbers(ORG, "2027", 1) == 8


def test_credit_notes_and_payments_are_read_back_in_order(uow_factory: UnitOfWorkFactory) -> None:
    first, second, lea = seed(uow_factory)
    december = run()
    invoice = draft(december, first, line(lea, 1, "4.50"))

    def payment(amount: str, day: int, minutes: int, family: str = first) -> Payment:
        return Payment(samples.new_id(), ORG, family, Decimal(amount), PaymentMethod.CARD, date(2027, 1, day),
                       "agent", NOW + timedelta(minutes=minutes), reference=f"ref-{amount}")

    late_in_the_day, early, next_day = payment("1.00", 5, 30), payment("2.00", 5, 10), payment("3.00", 6, 0)
    with uow_factory() as uow:
        uow.billing.replace_draft(december, [invoice])
        uow.billing.issue(invoice.id, "2027-000002", date(2027, 1, 4), date(2027, 1, 31))
        note = Invoice(samples.new_id(), ORG, first, "2026-12", InvoiceKind.CREDIT_NOTE, (), Decimal("-1.50"),
                       number="AV2027-000001", issued_on=date(2027, 1, 4), due_on=date(2027, 1, 4),
                       credited_invoice_id=invoice.id, reason="Geste commercial")
        uow.billing.add_credit_note(note)
        for p in (next_day, late_in_the_day, early, payment("9.00", 1, 0, second)):
            uow.billing.add_payment(p)
        uow.commit()
    with uow_factory() as uow:
        issued = uow.billing.issued_of_family(first)
        assert [i.number for i in issued] == ["2027-000002", "AV2027-000001"]
        assert issued[1] == note and uow.billing.invoice(note.id) == note
        assert uow.billing.issued_of_month(ORG, "2026-12") == [attrs.evolve(issued[0], lines=())]
        assert uow.billing.payments_of_family(first) == [early, late_in_the_day, next_day]


def test_shares_residence_mandates_creditor_and_payer_profiles(uow_factory: UnitOfWorkFactory) -> None:
    first, second, lea = seed(uow_factory)
    creditor = Creditor("Commune de Saint-Martin", "FR7630006000011234567890189", "AGRIFRPPXXX", "FR12ZZZ123456")
    with uow_factory() as uow:
        assert uow.billing.child_shares(lea) == {first: None, second: None}
        assert uow.billing.family_billing(first) == FamilyBilling(first)
        assert uow.billing.creditor(ORG) is None
        uow.billing.set_child_shares(lea, {first: Decimal("60.00"), second: Decimal("40.00")})
        uow.billing.set_family_billing(ORG, FamilyBilling(first, False, Mandate("RUM-F1", date(2026, 9, 1))))
        uow.billing.set_family_billing(ORG, FamilyBilling(second, True, Mandate("RUM-F2", date(2026, 9, 2))))
        uow.billing.set_family_billing(ORG, FamilyBilling(second, True, None))
        uow.billing.set_creditor(ORG, attrs.evolve(creditor, name="Ancien nom"))
        uow.billing.set_creditor(ORG, creditor)
        uow.records.save_family_sections(first, FamilySections(
            caf=CafInfo("7654321", 650),
            bancaires=BankInfo("Crédit Mutuel", "Marie DUPONT", "FR76 3000 6000 0112 3456 7890 189", "agrifrppxxx", True)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.billing.child_shares(lea) == {first: Decimal("60.00"), second: Decimal("40.00")}
        assert uow.billing.family_billing(first) == FamilyBilling(first, False, Mandate("RUM-F1", date(2026, 9, 1)))
        assert uow.billing.family_billing(second) == FamilyBilling(second, True, None)
        assert uow.billing.mandate_holder(ORG, "RUM-F1") == first
        assert uow.billing.mandate_holder(ORG, "RUM-F2") is None
        assert uow.billing.mandate_holder(OTHER, "RUM-F1") is None
        assert uow.billing.creditor(ORG) == creditor and uow.billing.creditor(OTHER) is None
        profiles = uow.billing.payer_profiles(ORG)
        assert set(profiles) == {first, second} and uow.billing.payer_profiles(OTHER) == {}
        payer = profiles[first]
        assert (payer.quotient_familial, payer.resident, payer.wants_direct_debit) == (650, False, True)
        assert payer.direct_debit is not None and payer.direct_debit.iban == "FR7630006000011234567890189"
        assert payer.direct_debit.mandate_reference == "RUM-F1" and payer.direct_debit.bic == "AGRIFRPPXXX"
        assert profiles[second].direct_debit is None and profiles[second].quotient_familial is None


def test_an_online_payment_is_stored_settled_once_and_its_payment_keeps_the_invoices_it_pays(
    uow_factory: UnitOfWorkFactory,
) -> None:
    first, _, lea = seed(uow_factory)
    december = run()
    invoice = draft(december, first, line(lea, 1, "4.50"))
    opened = OnlinePayment(samples.new_id(), "FAMABCDEF0123456789", ORG, first, ((invoice.id, Decimal("4.50")),),
                           Decimal("4.50"), OnlineStatus.PENDING, NOW, "acc", "idop-1", "https://payfip.test/?idop=1")
    paid = Payment(samples.new_id(), ORG, first, Decimal("4.50"), PaymentMethod.ONLINE, date(2027, 1, 5), "en-ligne",
                   NOW, reference=opened.reference, allocations=((invoice.id, Decimal("4.50")),))
    settled = attrs.evolve(opened, status=OnlineStatus.PAID, settled_at=NOW + timedelta(minutes=3),
                           payment_id=paid.id, detail="paid CB")
    with uow_factory() as uow:
        uow.billing.replace_draft(december, [invoice])
        uow.billing.issue(invoice.id, "2027-000001", date(2027, 1, 4), date(2027, 1, 31))
        uow.billing.add_online_payment(opened)
        uow.commit()
    second = attrs.evolve(opened, id=samples.new_id(), reference="FAMABCDEF0123456790", transaction_id="idop-2")
    with uow_factory() as uow:  # one pending payment per family
        assert uow.billing.add_online_payment(second) is False
        assert uow.billing.online_payment(opened.id) == opened
        assert uow.billing.online_payment("inconnu") is None
        uow.billing.add_payment(paid)
        assert uow.billing.settle_online_payment(settled, was=OnlineStatus.PENDING) is True
        uow.commit()
    with uow_factory() as uow:  # a second message finds it settled: nothing changes
        assert uow.billing.settle_online_payment(attrs.evolve(settled, status=OnlineStatus.FAILED),
                                                 was=OnlineStatus.PENDING) is False
        uow.commit()
    with uow_factory() as uow:
        assert uow.billing.online_payment(opened.id) == settled
        assert uow.billing.payments_of_family(first) == [paid]
        assert uow.billing.online_payment(second.id) is None
        assert uow.billing.add_online_payment(second) is True  # the first one is settled
        uow.commit()
    with uow_factory() as uow:
        assert uow.billing.online_payments(family_id=first, status=OnlineStatus.PENDING) == [second]
