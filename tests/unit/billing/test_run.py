"""The monthly run on fakes: which days are billed, at which price, and why."""

from __future__ import annotations

from decimal import Decimal

import pytest

from famille.adapters.rules.bundle import load_bundle
from famille.kernel.billing.days import AbsenceTiming, AttendanceMark
from famille.kernel.billing.run import draft_invoices
from famille.kernel.families.records import CafInfo, FamilySections
from famille.kernel.planning.cells import CellStatus
from famille.kernel.shared.errors import Conflict, NotFound
from famille.ports.rules import RulesUnavailable
from famille.rules import default_rules_dir
from tests.fakes.rules import rules_with

from .helpers import MONTH, agent, billing_world, day, family, late_absence


def lines_of(days: list, **sections: object) -> dict:
    portal, _, world = billing_world(days)
    if sections:
        world.uow.store.family_sections["fam-dupont"] = FamilySections(**sections)  # type: ignore[arg-type]
    review = portal.billing.draft(agent(), MONTH)
    return {(line.day.day, line.service_code): line for i in review.invoices for line in i.lines}


def test_a_late_absence_for_autres_is_billed_and_says_why() -> None:
    line = lines_of([late_absence(3)])[(3, "RESTAURATION")]
    assert line.rule_id == "absence-tardive-facturee" and line.amount == Decimal("4.50")
    assert line.message == "Absence déclarée après le délai, raison AUTRES : facturée."


def test_a_line_says_the_words_of_the_planning_legend_for_the_status_its_rule_names() -> None:
    lines = lines_of([day(3), day(4, booked=False), late_absence(7)])
    assert [lines[(n, "RESTAURATION")].status for n in (3, 4, 7)] == [
        CellStatus.RESERVE.label, CellStatus.RESERVATION_HORS_CONTRAT.label, CellStatus.ABSENT_FACTURE.label]
    assert CellStatus.RESERVATION_HORS_CONTRAT.label == "Réservations Hors Contrat"  # the guide's legend


def test_every_status_a_billing_rule_may_name_is_in_the_planning_legend() -> None:
    statuses = load_bundle(default_rules_dir()).policy("billing_eligibility", None).outputs["status"].values
    assert set(statuses) - {""} <= {status.slug for status in CellStatus}


def test_a_late_medical_absence_is_excused_only_with_its_certificate() -> None:
    lines = lines_of([late_absence(3, "RAISON MEDICALE", document=True),
                      late_absence(4, "RAISON MEDICALE", document=False)])
    assert lines[(3, "RESTAURATION")].amount == Decimal("0.00")
    assert lines[(4, "RESTAURATION")].amount == Decimal("4.50")


def test_the_quotient_familial_sets_the_bracket_and_the_price() -> None:
    lines = lines_of([day(1)], caf=CafInfo(quotient_familial=650))
    assert lines[(1, "RESTAURATION")].amount == Decimal("2.20")


def test_a_garderie_without_booking_costs_half_more() -> None:
    line = lines_of([day(1, "GARDERIE SOIR", booked=False)], caf=CafInfo(quotient_familial=300))[
        (1, "GARDERIE SOIR")]
    assert (line.unit_price, line.amount) == (Decimal("1.20"), Decimal("1.80"))


def test_a_day_without_anything_has_no_line_and_a_flagged_day_is_not_billed() -> None:
    lines = lines_of([day(1, booked=False, attendance=AttendanceMark.NONE),
                      day(2, attendance=AttendanceMark.MISSING), day(3, absence=AbsenceTiming.NONE,
                                                                     attendance=AttendanceMark.NONE)])
    assert (1, "RESTAURATION") not in lines
    assert lines[(2, "RESTAURATION")].flagged and lines[(3, "RESTAURATION")].flagged
    assert lines[(2, "RESTAURATION")].amount == Decimal("0.00")


def test_two_families_share_a_child_half_each_the_first_taking_the_odd_cent() -> None:
    portal, _, _ = billing_world([day(1, family=("fam-dupont", "fam-other"), booked=False,
                                      service="GARDERIE SOIR")])
    totals = {i.family_id: i.total for i in portal.billing.draft(agent(), MONTH).invoices}
    assert totals == {"fam-dupont": Decimal("1.43"), "fam-other": Decimal("1.42")}  # 2.85 = 1.90 × 1.5


def test_a_final_month_cannot_be_run_again() -> None:
    portal, _, _ = billing_world([day(1)])
    portal.billing.run("org-a", MONTH, by="a", final=True)
    with pytest.raises(Conflict):
        portal.billing.draft(agent(), MONTH)


def test_an_agent_of_another_organisation_cannot_review_a_run() -> None:
    portal, _, _ = billing_world([day(1)])
    run = portal.billing.draft(agent(), MONTH).run
    with pytest.raises(NotFound):
        portal.billing.review(agent("org-b"), run.id)


def test_the_home_page_shows_the_balance_and_the_unpaid_invoices() -> None:
    portal, _, _ = billing_world([day(1), day(2)])
    portal.billing.run("org-a", MONTH, by="a", final=True)
    page = portal.home.page(family())
    assert page.balance == Decimal("9.00") and page.unpaid_total == Decimal("9.00")
    assert [u.number for u in page.unpaid_invoices] == ["2027-000001"]


def test_a_run_streamed_one_child_at_a_time_gives_the_invoices_of_the_whole_month_at_once() -> None:
    """A family paying for children whose first families fall in different batches gets one invoice."""
    from famille.kernel.billing.run import draft_invoices
    from tests.fakes.rules import ShippedRules

    days = [day(n, child="child-lea", family=("fam-dupont", "fam-other")) for n in (1, 3)]
    days += [day(n, child="child-tom", family=("fam-other",)) for n in (1, 4)]
    days += [late_absence(7, child="child-zoe", family=("fam-zzz", "fam-dupont"), shares=(Decimal("25"), Decimal("75")))]
    portal, _, _ = billing_world(days)
    summary = portal.billing.prepare("org-a", MONTH, by="a", batch_size=1)
    whole = {i.family_id: i.total for i in draft_invoices(days, rules=ShippedRules(), organisation="org-a",
                                                          month=MONTH, run_id="r", profiles={})}
    review = portal.billing.review(agent(), summary.run.id)
    assert {i.family_id: i.total for i in review.invoices} == whole
    assert summary.totals.lines == review.line_count == 8 and summary.totals.total == sum(whole.values())
    zoe = next(line for i in review.invoices if i.family_id == "fam-dupont" for line in i.lines
               if line.child_id == "child-zoe")
    assert (zoe.share, zoe.amount) == (Decimal("75"), Decimal("3.37"))  # 3.375: the first family takes the half cent
    final = portal.billing.finalise_run("org-a", MONTH, by="a")
    assert (final.first_number, final.last_number, final.totals.issued) == ("2027-000001", "2027-000003", 3)


def test_a_month_still_running_has_a_provisional_draft_and_cannot_be_made_final() -> None:
    from datetime import datetime

    from famille.kernel.shared.time import PARIS

    portal, _, world = billing_world([day(1)])
    world.clock.set(datetime(2026, 12, 31, 23, 59, tzinfo=PARIS))

    draft = portal.billing.draft(agent(), MONTH)

    assert draft.provisional
    with pytest.raises(Conflict, match="n'est pas terminé"):
        portal.billing.finalise(agent(), draft.run.id, accept_flagged=True)
    with pytest.raises(Conflict, match="n'est pas terminé"):
        portal.billing.finalise_run("org-a", MONTH, by="a", accept_flagged=True)
    assert portal.billing.review(agent(), draft.run.id).run.status.value == "draft"

    world.clock.set(datetime(2027, 1, 1, 0, 0, tzinfo=PARIS))
    assert not portal.billing.review(agent(), draft.run.id).provisional
    assert portal.billing.finalise(agent(), draft.run.id, accept_flagged=True).run.status.value == "final"


NAMES_A_LATE_BOOKING = """\
policy: billing_eligibility
description: Un message qui nomme la réservation tardive, que la ligne de facture ne garde pas.
replace:
  - id: absence-non-declaree-facturee
    when: {booked: true, attendance: absent}
    then: {billed: full, status: absent-facture}
    message: "Absent sans absence déclarée (réservation tardive : {booked_late}) : facturé."
"""


def test_a_run_refuses_a_message_that_names_a_fact_the_line_does_not_keep() -> None:
    rules = rules_with({"organisations/org-a/billing_eligibility.yaml": NAMES_A_LATE_BOOKING})
    absent = [day(1, attendance=AttendanceMark.ABSENT), day(2, attendance=AttendanceMark.ABSENT)]
    draft_invoices(absent, rules=rules, organisation="org-a", month=MONTH, run_id="r", profiles={})
    with pytest.raises(RulesUnavailable, match="nomme un autre fait"):
        draft_invoices([absent[0], absent[1]._replace(booked_late=True)], rules=rules, organisation="org-a",
                       month=MONTH, run_id="r", profiles={})
