"""Billing properties over generated months (fakes and the shipped rule files)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from famille.kernel.billing.days import AbsenceTiming, AttendanceMark, ServiceDay
from famille.kernel.billing.model import Billed, PayerProfile, percent_text
from famille.kernel.billing.run import draft_invoices
from famille.kernel.planning.cells import CellStatus
from famille.kernel.shared.french_dates import WEEKDAYS
from famille.kernel.shared.time import PARIS
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
stored_months = months.map(lambda days: [d._replace(closure=False, holiday=False) for d in days])
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


# --- the set-based run against each day priced alone --------------------------------------------

CENT_Q = Decimal("0.01")


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT_Q, rounding=ROUND_HALF_UP)


def _one_day_alone(day: ServiceDay, rank: int, profiles: dict[str, PayerProfile]) -> list[tuple[str, tuple[object, ...]]]:
    """The oracle: one day priced by asking the rules port every decision afresh, no memo, no table of
    combinations; the arithmetic written out again from the rule files' documented outcomes."""
    if day.absence is AbsenceTiming.NONE or day.refused:
        excused = False
    elif day.absence is AbsenceTiming.IN_TIME:
        excused = True
    elif day.reason == "AUCUNE":
        excused = False
    else:
        reason = RULES.decide("absence_reasons", {"reason": day.reason}, organisation="org-a").outcome
        excused = bool(reason.get("excuses_late")) and (day.document or not reason.get("requires_document"))
    # pointed present (a time missing or not) on a day whose absence was accepted: the guide's « Erreur »
    contradicted = (day.absence is not AbsenceTiming.NONE and not day.pending and not day.refused
                    and day.attendance in (AttendanceMark.PRESENT, AttendanceMark.MISSING))
    eligibility = RULES.decide("billing_eligibility", {
        "booked": day.booked, "booked_late": day.booked_late, "attendance": day.attendance.value,
        "absence": day.absence.value, "reason": day.reason, "excused": excused, "absence_contradicted": contradicted,
        "pending": day.pending and day.absence is not AbsenceTiming.NONE, "closure": day.closure,
        "holiday": day.holiday}, organisation="org-a")
    billed = eligibility.outcome["billed"]
    slug = eligibility.outcome["status"]  # a status of the planning's legend: the line says its words
    words = CellStatus(slug).label if slug else ""
    activity = day.booked or day.attendance is not AttendanceMark.NONE or day.absence is not AbsenceTiming.NONE
    if billed == "none" and not activity:
        return []
    count = len(day.family_ids)
    if day.shares and len(day.shares) == count and sum(day.shares) == 100:
        shares = list(day.shares)
    else:
        base = Decimal(10000 // count) / 100
        shares = [Decimal(100) - base * (count - 1)] + [base] * (count - 1)
    deadline = ""
    if day.deadline is not None:
        d = day.deadline
        deadline = f"délai : {WEEKDAYS[d.weekday()]} {d:%d/%m} à {d:%H}h{d:%M}"
    out = []
    for index, (family_id, share) in enumerate(zip(day.family_ids, shares, strict=True)):
        unit = amount = Decimal("0.00")
        notes = [deadline]
        if billed not in ("none", "flag"):
            profile = profiles.get(family_id)
            qf = profile.quotient_familial if profile else None
            bracket = RULES.decide("qf_brackets", {"known": qf is not None, "quotient_familial": qf or 0},
                                   organisation="org-a").outcome["bracket"]
            year = day.day.year if day.day.month >= 9 else day.day.year - 1
            price = RULES.decide("pricing", {
                "period": f"{year}-{year + 1}", "service": day.service_code, "bracket": bracket,
                "resident": profile.resident if profile else True, "sibling_rank": min(rank, 3)},
                organisation="org-a")
            unit = Decimal(price.outcome["unit_price"])
            if billed == "full":
                amount = unit
            elif billed == "percent":
                amount = _half_up(unit * Decimal(str(eligibility.outcome.get("percent", 100))) / 100)
            elif billed == "fixed":
                amount = Decimal(str(eligibility.outcome.get("fixed", "0")))
            elif price.outcome["surcharge_kind"] == "amount":
                amount = unit + Decimal(price.outcome["surcharge"])
            elif price.outcome["surcharge_kind"] == "percent":
                amount = _half_up(unit * (100 + Decimal(price.outcome["surcharge"])) / 100)
            else:  # a surcharge of kind « none »: the unit price
                amount = unit
            amount = _half_up(amount)
            if share != 100:
                exact = amount * share / 100
                amount = _half_up(exact) if index == 0 else exact.quantize(CENT_Q, rounding=ROUND_HALF_DOWN)
            notes.append(f"tarif {price.rule_id}")
        if share != 100:
            notes.append(f"part de la famille : {percent_text(share)}")
        out.append((family_id, (day.child_id, day.service_code, day.day, eligibility.rule_id, eligibility.message,
                                words, billed, unit, amount, share,
                                " ; ".join(n for n in notes if n))))
    return out


def _ranks_by_hand(days: list[ServiceDay]) -> dict[str, int]:
    born: dict[str, dict[str, date]] = {}
    for day in days:
        born.setdefault(day.family_ids[0], {})[day.child_id] = day.child_born
    return {child: n for siblings in born.values()
            for n, child in enumerate(sorted(siblings, key=lambda c: (siblings[c], c)), start=1)}


payer_profiles = st.fixed_dictionaries({
    family_id: st.builds(PayerProfile, family_id=st.just(family_id), number=st.just("1"), name=st.just("X"),
                         quotient_familial=qf, resident=st.booleans())
    for family_id in ("fam-dupont", "fam-other")})
deadlines = st.one_of(st.none(), st.datetimes(datetime(2026, 11, 20), datetime(2026, 12, 31),
                                              timezones=st.just(PARIS)))
shared = st.one_of(st.just(()), st.sampled_from([(Decimal(60), Decimal(40)), (Decimal("33.33"), Decimal("66.67")),
                                                 (Decimal(50), Decimal(40))]))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(service_days(), min_size=1, max_size=4),
       st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["c1", "c2", "c3"]), st.integers(1, 31), deadlines,
                          shared, st.sampled_from(["accepted", "pending", "refused"])), max_size=60),
       payer_profiles)
def test_the_set_based_run_gives_the_invoices_of_each_day_priced_alone(
        prototypes: list[ServiceDay],
        drawn: list[tuple[int, str, int, datetime | None, tuple[Decimal, ...], str]],
        profiles: dict[str, PayerProfile]) -> None:
    # a few kinds of day, each met on many cells: the run decides each combination once and must
    # still tell apart days that differ by one fact (a status, a deadline, a share, a child)
    days = unique_cells([prototypes[kind % len(prototypes)]._replace(
        child_id=child, child_name=child.upper(),
        child_born=date(2016 + int(child[1]), 1, 1),
        family_ids={"c1": ("fam-dupont",), "c2": ("fam-dupont", "fam-other"), "c3": ("fam-dupont",)}[child],
        day=date(2026, 12, number), deadline=deadline, shares=shares if child == "c2" else (),
        pending=status == "pending", refused=status == "refused")
        for kind, child, number, deadline, shares, status in drawn])
    invoices = draft_invoices(days, rules=RULES, organisation="org-a", month="2026-12", run_id="r",
                              profiles=profiles)
    ranks = _ranks_by_hand(days)
    expected: dict[str, list[tuple[object, ...]]] = {}
    for day in days:
        for family_id, line in _one_day_alone(day, ranks[day.child_id], profiles):
            expected.setdefault(family_id, []).append(line)
    got = {i.family_id: sorted((ln.child_id, ln.service_code, ln.day, ln.rule_id, ln.message, ln.status,
                                ln.billed.value, ln.unit_price, ln.amount, ln.share, ln.detail) for ln in i.lines)
           for i in invoices}
    assert got == {family_id: sorted(lines) for family_id, lines in expected.items()}
    assert all(i.total == sum((ln.amount for ln in i.lines), Decimal(0)) for i in invoices)
