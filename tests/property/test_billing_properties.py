"""Billing properties over generated months (fakes and the shipped rule files)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from famille.kernel.billing.days import AbsenceTiming, AttendanceMark, ServiceDay
from famille.kernel.billing.model import Billed
from famille.kernel.billing.run import draft_invoices
from tests.fakes.rules import ShippedRules
from tests.unit.billing.helpers import agent, billing_world, family

REASONS = ["AUCUNE", "RAISON MEDICALE", "VOYAGE OU SORTIE SCOLAIRE", "ABSENCE DE L'ENSEIGNANT",
           "GREVE DU PERSONNEL OU DES ENSEIGNANTS", "ACCIDENT DE LA CIRCULATION",
           "PARTICIPATION A UNE SEQUENCE DE SOUTIEN", "CAS DE FORCE MAJEURE", "CIRCONSTANCES EXCEPTIONNELLES",
           "AUTRES"]
SERVICES = ["RESTAURATION", "GARDERIE MATIN", "GARDERIE MIDI", "GARDERIE SOIR"]
RULES = ShippedRules()
EXCUSING = {"RAISON MEDICALE", "VOYAGE OU SORTIE SCOLAIRE", "ABSENCE DE L'ENSEIGNANT",
            "GREVE DU PERSONNEL OU DES ENSEIGNANTS", "ACCIDENT DE LA CIRCULATION", "CAS DE FORCE MAJEURE",
            "CIRCONSTANCES EXCEPTIONNELLES"}


@st.composite
def service_days(draw: st.DrawFn) -> ServiceDay:
    child = draw(st.sampled_from(["c1", "c2", "c3"]))
    families = {"c1": ("fam-dupont",), "c2": ("fam-dupont", "fam-other"), "c3": ("fam-dupont",)}[child]
    return ServiceDay(
        child_id=child, child_name=child.upper(), child_born=date(2016 + int(child[1]), 1, 1), family_ids=families,
        organisation_code="org-a", service_code=draw(st.sampled_from(SERVICES)),
        day=date(2026, 12, draw(st.integers(1, 31))), booked=draw(st.booleans()), booked_late=draw(st.booleans()),
        attendance=draw(st.sampled_from(AttendanceMark)), absence=draw(st.sampled_from(AbsenceTiming)),
        reason=draw(st.sampled_from(REASONS)), document=draw(st.booleans()), closure=draw(st.booleans()),
        holiday=draw(st.booleans()))


def unique_cells(days: list[ServiceDay]) -> list[ServiceDay]:
    return list({(d.child_id, d.service_code, d.day): d for d in days}.values())


months = st.lists(service_days(), max_size=40).map(unique_cells)
#: Months as the planning stores them: closures and holidays come from the calendar, not the rows.
stored_months = months.map(lambda days: [attrs.evolve(d, closure=False, holiday=False) for d in days])
qf = st.one_of(st.none(), st.integers(0, 3000))


def _excused(day: ServiceDay) -> bool:
    needs_document = day.reason in {"RAISON MEDICALE", "ACCIDENT DE LA CIRCULATION", "CAS DE FORCE MAJEURE",
                                    "CIRCONSTANCES EXCEPTIONNELLES"}
    return day.reason in EXCUSING and (day.document or not needs_document)


@given(months)
@example([ServiceDay("c1", "C1", date(2017, 1, 1), ("fam-dupont",), "org-a", "RESTAURATION", date(2026, 12, 3),
                     booked=True, attendance=AttendanceMark.ABSENT, absence=AbsenceTiming.LATE,
                     reason="RAISON MEDICALE", document=True)])
def test_no_excused_absence_closure_or_holiday_is_ever_billed(days: list[ServiceDay]) -> None:
    invoices = draft_invoices(days, rules=RULES, organisation="org-a", month="2026-12", run_id="r", profiles={})
    by_cell = {(d.child_id, d.service_code, d.day): d for d in days}
    for invoice in invoices:
        for line in invoice.lines:
            day = by_cell[(line.child_id, line.service_code, line.day)]
            protected = day.closure or day.holiday or day.absence is AbsenceTiming.IN_TIME or (
                day.absence is AbsenceTiming.LATE and _excused(day) and day.attendance is not AttendanceMark.PRESENT
                and day.attendance is not AttendanceMark.MISSING)
            if protected:
                assert (line.amount == Decimal("0.00") and line.billed in (Billed.NONE, Billed.FLAG)) or (
                    day.absence is AbsenceTiming.IN_TIME and day.attendance is AttendanceMark.PRESENT
                    and not day.closure and not day.holiday), (day, line)


@given(months)
def test_the_lines_of_an_invoice_add_up_exactly_to_its_total(days: list[ServiceDay]) -> None:
    for invoice in draft_invoices(days, rules=RULES, organisation="org-a", month="2026-12", run_id="r",
                                  profiles={}):
        assert invoice.total == sum((line.amount for line in invoice.lines), Decimal(0))
        assert all(line.amount == line.amount.quantize(Decimal("0.01")) for line in invoice.lines)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(stored_months)
def test_running_a_draft_again_gives_the_same_result(days: list[ServiceDay]) -> None:
    portal, _, _ = billing_world(days)
    first = portal.billing.draft(agent(), "2026-12")
    second = portal.billing.draft(agent(), "2026-12")
    assert first.invoices == second.invoices
    assert portal.billing.review(agent(), first.run.id).invoices == first.invoices


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(stored_months, st.data())
def test_a_credit_note_brings_the_balance_back(days: list[ServiceDay], data: st.DataObject) -> None:
    portal, _, _ = billing_world(days)
    final = portal.billing.run("org-a", "2026-12", by="agent", final=True, accept_flagged=True)
    issued = [i for i in final.invoices if i.number and i.family_id == "fam-dupont"]
    if not issued:
        return
    invoice = issued[0]
    before = portal.billing.account("fam-dupont").balance
    cents = data.draw(st.integers(1, int(invoice.total * 100)))
    amount = Decimal(cents) / 100
    portal.billing.credit_note(agent(), invoice.id, "Correction", amount=f"{amount:.2f}")
    assert portal.billing.account("fam-dupont").balance == before - amount
    assert [i.total for i in portal.billing.invoices(family()) if i.id == invoice.id] == [invoice.total]


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([f"2026-{m:02d}" for m in range(1, 13)]), min_size=1, max_size=6, unique=True))
def test_invoice_numbers_have_no_gap_and_no_duplicate(months_run: list[str]) -> None:
    days = [ServiceDay("c1", "C1", date(2017, 1, 1), ("fam-dupont",), "org-a", "RESTAURATION",
                       date(int(m[:4]), int(m[5:]), 2), booked=True, attendance=AttendanceMark.PRESENT)
            for m in months_run]
    portal, _, _ = billing_world(days)
    numbers = []
    for month in months_run:
        numbers += [i.number for i in portal.billing.run("org-a", month, by="a", final=True).invoices if i.number]
    assert numbers == [f"2027-{n:06d}" for n in range(1, len(months_run) + 1)]
