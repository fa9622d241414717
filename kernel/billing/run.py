"""The pure part of a monthly run: service days → per-family draft invoices.

Every decision comes from the rule files through the rules port: `absence_reasons`
(is a late absence excused, is a document required), `billing_eligibility` (is
the day billed, how), `qf_brackets` (the family's bracket) and `pricing` (the unit
price and the surcharge).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_DOWN, Decimal
from functools import lru_cache
from operator import attrgetter

from famille.kernel.billing.days import AbsenceTiming, AttendanceMark, ServiceDay
from famille.kernel.billing.model import (
    CENT,
    FULL_SHARE,
    ZERO,
    Billed,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    PayerProfile,
    cents,
    invoice_total,
    percent_text,
    stable_id,
)
from famille.kernel.calendar.model import SchoolYear
from famille.kernel.planning.cells import contradicts_presence, legend_words
from famille.kernel.planning.excuses import Excuses
from famille.kernel.planning.inputs import AbsenceStatus
from famille.kernel.shared.errors import DomainError
from famille.kernel.shared.french_dates import WEEKDAYS
from famille.ports.rules import Decision, NoDecision, Rules, RulesUnavailable

HUNDRED = Decimal(100)
MAX_SIBLING_RANK = 3


class NoPrice(DomainError):
    """The pricing rules have no price for a day (an unknown service or school year)."""

    title = "Tarif introuvable"


#: What one distinct combination decides for one payer: unit price, amount, share, and the notes
#: the rules cannot say (price rule, share), joined.
_Priced = tuple[Decimal, Decimal, Decimal, str]


class DayPricer:
    """Decides the days of one organisation's run, each distinct combination of facts once.

    A month of 10,000 children holds about a million days but only a few hundred distinct
    combinations (what the day was, the service, the school year, the payer's bracket and
    residence, the sibling rank, the share): each is decided by the rule files the first time
    it is met, and every other day with the same combination reuses that decision. Nothing is
    decided here: the memo only keeps the rules' answers for the run (the rules in force may be
    reloaded between two runs, so a pricer is made per run).
    """

    def __init__(self, rules: Rules, organisation: str, profiles: Mapping[str, PayerProfile]) -> None:
        self._rules = rules
        self._organisation = organisation
        self._profiles = profiles
        self._brackets: dict[str, str] = {}
        self._payers: dict[tuple[str, ...], tuple[tuple[str, bool], ...]] = {}
        self._excuses = Excuses(rules, organisation)
        self._eligibility: dict[tuple[object, ...], tuple[Decision, Billed]] = {}
        self._words: dict[str, str] = {}  # by the legend status a rule names: its words
        self._priced: dict[tuple[object, ...], tuple[_Priced, ...]] = {}
        self._periods: dict[date, str] = {}
        self._messages: dict[tuple[str, str, str], str] = {}

    def bracket(self, family_id: str) -> str:
        """The family's QF bracket (T5, the highest, when its quotient is unknown)."""
        if family_id not in self._brackets:
            profile = self._profiles.get(family_id)
            qf = profile.quotient_familial if profile else None
            facts = {"known": qf is not None, "quotient_familial": max(0, min(qf or 0, 1_000_000))}
            decision = self._rules.decide("qf_brackets", facts, organisation=self._organisation)
            self._brackets[family_id] = str(decision.outcome["bracket"])
        return self._brackets[family_id]

    def excused(self, day: ServiceDay) -> bool:
        """Whether the day's absence is excused: the planning's one decision (`Excuses`), never a copy."""
        if day.absence is AbsenceTiming.NONE:
            return False
        return self._excuses.excused(in_time=day.absence is AbsenceTiming.IN_TIME, reason=day.reason,
                                     document=day.document, refused=day.refused)

    def absence_contradicted(self, day: ServiceDay) -> bool:
        """Whether the child was pointed present although the day's absence was accepted: the planning's one
        decision (`contradicts_presence`, the grid's « Erreur »)."""
        if day.absence is AbsenceTiming.NONE or day.attendance not in (AttendanceMark.PRESENT, AttendanceMark.MISSING):
            return False
        status = AbsenceStatus.PENDING if day.pending else AbsenceStatus.REFUSED if day.refused else AbsenceStatus.ACCEPTED
        return contradicts_presence(status)

    def eligibility(self, day: ServiceDay) -> tuple[Decision, Billed]:
        """The billing_eligibility decision of the day, asked once per distinct combination of its facts."""
        key = (day.booked, day.booked_late, day.attendance, day.absence, day.reason, day.document, day.pending,
               day.refused, day.closure, day.holiday)
        found = self._eligibility.get(key)
        if found is None:
            facts = {
                "booked": day.booked, "booked_late": day.booked_late, "attendance": day.attendance.value,
                "absence": day.absence.value, "reason": day.reason, "excused": self.excused(day),
                "absence_contradicted": self.absence_contradicted(day),
                "pending": day.pending and day.absence is not AbsenceTiming.NONE,
                "closure": day.closure, "holiday": day.holiday,
            }
            decision = self._rules.decide("billing_eligibility", facts, organisation=self._organisation)
            said = self._messages.setdefault((decision.version, decision.rule_id, day.reason), decision.message)
            if said != decision.message:
                raise RulesUnavailable(
                    f"Le message de la règle « {decision.rule_id} » (billing_eligibility) nomme un autre fait que "
                    "la raison d'absence : une ligne de facture ne saurait pas le retrouver. Ne nommez que {reason}.")
            found = self._eligibility[key] = (decision, Billed(decision.outcome["billed"]))
        return found

    def messages(self) -> dict[tuple[str, str, str], str]:
        """The message of each billing_eligibility rule that decided a line: (rules version, rule id, reason) → text."""
        return dict(self._messages)

    def lines(self, day: ServiceDay, rank: int) -> list[tuple[str, InvoiceLine]]:
        """(family id, line) for each paying family of the day; none when nothing happened."""
        decision, billed = self.eligibility(day)
        if billed is Billed.NONE and not day.has_activity:
            return []
        period = self._periods.get(day.day)
        if period is None:
            period = self._periods[day.day] = SchoolYear.containing(day.day).label
        payers = self._payers.get(day.family_ids)
        if payers is None:
            payers = self._payers[day.family_ids] = tuple(self._payer(f) for f in day.family_ids)
        hit = decision.hits[0]
        key = (hit.rule_id, day.service_code, period, payers, day.shares, min(rank, MAX_SIBLING_RANK))
        priced = self._priced.get(key)
        if priced is None:
            priced = self._priced[key] = self._priced_for(day, period, payers, key[-1], billed, hit.outcome)
        deadline = _deadline_detail(day) if day.deadline is not None else ""
        status = self._status_words(hit.rule_id, str(hit.outcome["status"]))
        return [(family_id, InvoiceLine(
            child_id=day.child_id, child_name=day.child_name, service_code=day.service_code, day=day.day,
            rule_id=hit.rule_id, message=hit.message, status=status, billed=billed, unit_price=unit, amount=amount,
            share=share, detail=f"{deadline} ; {notes}" if deadline and notes else deadline or notes,
            rules_version=decision.version, reason=day.reason))
            for family_id, (unit, amount, share, notes) in zip(day.family_ids, priced, strict=True)]

    def _status_words(self, rule_id: str, slug: str) -> str:
        """The words of the planning's legend for the status the rule names: the grid's words, written once."""
        found = self._words.get(slug)
        if found is None:
            try:
                found = self._words[slug] = legend_words(slug)
            except ValueError:
                raise RulesUnavailable(f"La règle « {rule_id} » (billing_eligibility) donne le statut « {slug} », "
                                       "que la légende du planning n'a pas.") from None
        return found

    def _payer(self, family_id: str) -> tuple[str, bool]:
        """What prices a family's days: its bracket, and whether it lives in the commune."""
        profile = self._profiles.get(family_id)
        return self.bracket(family_id), profile.resident if profile else True

    def _priced_for(self, day: ServiceDay, period: str, payers: tuple[tuple[str, bool], ...], rank: int,
                    billed: Billed, eligibility: Mapping[str, object]) -> tuple[_Priced, ...]:
        """Price one combination for each paying family: unit price, its share of the amount, the notes."""
        out = []
        for index, (payer, share) in enumerate(zip(payers, _shares(day), strict=True)):
            unit, amount, price_note = ZERO, ZERO, ""
            if billed not in (Billed.NONE, Billed.FLAG):
                unit, amount, price_note = self._price(day.service_code, period, payer, rank, billed, eligibility)
                rounding = None if index == 0 else ROUND_HALF_DOWN  # the first family takes the half cent
                amount = _share_of(amount, share, rounding)
            share_note = f"part de la famille : {percent_text(share)}" if share != FULL_SHARE else ""
            out.append((unit, amount, share, " ; ".join(n for n in (price_note, share_note) if n)))
        return tuple(out)

    def _price(self, service: str, period: str, payer: tuple[str, bool], rank: int, billed: Billed,
               eligibility: Mapping[str, object]) -> tuple[Decimal, Decimal, str]:
        bracket, resident = payer
        facts = {"period": period, "service": service, "bracket": bracket, "resident": resident,
                 "sibling_rank": rank}
        try:
            decision = self._rules.decide("pricing", facts, organisation=self._organisation)
        except NoDecision as error:
            raise NoPrice(f"Aucun tarif pour le service {service} "
                          f"en {period} : complétez le fichier de règles pricing.") from error
        unit = Decimal(str(decision.outcome["unit_price"]))
        if billed is Billed.FULL:
            amount = unit
        elif billed is Billed.PERCENT:
            amount = cents(unit * Decimal(str(eligibility.get("percent", 100))) / HUNDRED)
        elif billed is Billed.FIXED:
            amount = Decimal(str(eligibility.get("fixed", "0")))
        else:
            kind, value = decision.outcome["surcharge_kind"], Decimal(str(decision.outcome["surcharge"]))
            amount = unit + value if kind == "amount" else cents(unit * (HUNDRED + value) / HUNDRED) \
                if kind == "percent" else unit
        return unit, cents(amount), f"tarif {decision.rule_id}"


def _share_of(amount: Decimal, share: Decimal, rounding: str | None) -> Decimal:
    if share == FULL_SHARE:
        return amount
    exact = amount * Decimal(share) / HUNDRED
    return exact.quantize(CENT, rounding=rounding) if rounding else cents(exact)


@lru_cache(maxsize=16)
def equal_shares(count: int) -> tuple[Decimal, ...]:
    """`count` equal percentages to the hundredth; the first takes what does not divide (33.34, 33.33, 33.33)."""
    base = (Decimal(10000) // count) / HUNDRED
    return (FULL_SHARE - base * (count - 1),) + (base,) * (count - 1)


def _shares(day: ServiceDay) -> tuple[Decimal, ...]:
    """The families' percentages: as recorded when they add up to 100, else equal."""
    if day.shares and len(day.shares) == len(day.family_ids) and sum(day.shares) == FULL_SHARE:
        return tuple(Decimal(share) for share in day.shares)
    return equal_shares(len(day.family_ids))


def _deadline_detail(day: ServiceDay) -> str:
    if day.deadline is None:
        return ""
    moment = day.deadline
    return f"délai : {WEEKDAYS[moment.weekday()]} {moment:%d/%m} à {moment:%H}h{moment:%M}"


def sibling_ranks(days: Iterable[ServiceDay]) -> dict[str, int]:
    """Each child's rank among its first family's children billed this month, by birth (eldest first)."""
    children: dict[str, dict[str, date]] = defaultdict(dict)
    for day in days:
        children[day.family_ids[0]][day.child_id] = day.child_born
    ranks = {}
    for siblings in children.values():
        for rank, child_id in enumerate(sorted(siblings, key=lambda c: (siblings[c], c)), start=1):
            ranks[child_id] = rank
    return ranks


_INVOICE_ORDER = attrgetter("child_name", "child_id", "day", "service_code")


def in_invoice_order(lines: Iterable[InvoiceLine]) -> tuple[InvoiceLine, ...]:
    """Lines as an invoice lists them: by child, then day, then service."""
    return tuple(sorted(lines, key=_INVOICE_ORDER))


def family_lines(days: Iterable[ServiceDay], pricer: DayPricer, organisation: str,
                 progress: Callable[[int], None] | None = None) -> dict[str, list[InvoiceLine]]:
    """Each paying family's lines for `days`, which hold every day of each child's first family.

    One batch of a streamed run, or the whole month: sibling ranks are computed within `days`.
    """
    days = [d for d in days if d.organisation_code == organisation and d.family_ids]
    ranks = sibling_ranks(days)
    by_family: dict[str, list[InvoiceLine]] = defaultdict(list)
    for done, day in enumerate(days, start=1):
        for family_id, line in pricer.lines(day, ranks[day.child_id]):
            by_family[family_id].append(line)
        if progress is not None and done % 1000 == 0:
            progress(1000)
    if progress is not None and len(days) % 1000:
        progress(len(days) % 1000)
    return by_family


def draft_invoices(
    days: Iterable[ServiceDay], *, rules: Rules, organisation: str, month: str, run_id: str,
    profiles: Mapping[str, PayerProfile], progress: Callable[[int], None] | None = None,
) -> list[Invoice]:
    """One draft invoice per paying family that has at least one line, in family id order."""
    pricer = DayPricer(rules, organisation, profiles)
    by_family = family_lines(days, pricer, organisation, progress)
    invoices = []
    for family_id in sorted(by_family):
        lines = in_invoice_order(by_family[family_id])
        invoices.append(Invoice(
            id=stable_id(run_id, family_id), organisation_code=organisation, family_id=family_id, month=month,
            kind=InvoiceKind.INVOICE, lines=lines, total=invoice_total(lines), run_id=run_id))
    return invoices
