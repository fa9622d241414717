"""The guide's absence walk-through over the real routes: the absence stays on its cell, decided once.

« Déclarer une absence » on a booked day: the cell shows « Absence en cours de traitement » while
the absence waits for an agent; the agent accepts (« Absent excusé ») or refuses (« Absent
facturé »), and the invoice line of the month says the same words. An absence declared in time
for a reason the rules take at once is « Absent excusé » straight away. The caterer's count leaves
every absent child out; a past day with nothing booked is « Passé », not bookable. On SQLite, and
on PostgreSQL under the `postgres` marker (the absences table changed: migration 0011).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import Role
from famille.kernel.families.model import Adult, Child, Family, Sexe
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.shared.organisations import Organisation, OrganisationKind
from famille.kernel.shared.time import PARIS
from tests.http.test_billing_end_to_end import CHILD, NOW, ORG, seed
from tests.support.real_portal import RealPortal, account, real_portal_fixture, run_month

FAMILY, AGENT = "marie.dupont", "agent.villeneuve"
NEIGHBOUR, OTHER_AGENT = "paul.martin", "agent.autreville"
IN_TIME, ACCEPTED, REFUSED, WAITING, UNTOUCHED = (date(2026, 12, d) for d in (10, 7, 8, 11, 14))
OPEN_UNBOOKED = date(2026, 12, 1)


def _seed(uow: SqlUnitOfWorkFactory) -> None:
    """Villeneuve's DUPONT family (Léa), a second family of Villeneuve, and another organisation's agent."""
    seed(uow)
    with uow() as work:
        work.organisations.add(Organisation("autreville", "Commune d'Autreville", OrganisationKind.COMMUNE,
                                            school_zone="A"))
        work.families.add(Family("fam-martin", ORG, "A-0002", Adult("MARTIN", "Paul")))
        work.families.add_child(Child("enf-tom", ORG, "MARTIN", "Tom", Sexe.M, date(2018, 5, 2), ("fam-martin",)))
        work.planning.add_enrolments([Enrolment("enf-tom", "RESTAURATION", date(2026, 9, 1))])
        work.accounts.add(account("acc-paul", NEIGHBOUR, Role.FAMILY, ORG, "fam-martin"))
        work.accounts.add(account("acc-autre", OTHER_AGENT, Role.AGENT, "autreville"))
        work.commit()


real = real_portal_fixture(_seed, NOW)


def _meals(real: RealPortal, who: str, child: str = CHILD) -> dict[str, dict[str, Any]]:
    """The RESTAURATION cells of December as `who` reads the child's grid, by day."""
    answer = real.call(who, "GET", f"/api/v1/children/{child}/planning", params={"month": "2026-12"})
    assert answer.status_code == 200, answer.text
    (row,) = [r for r in answer.json["rows"] if r["service"] == "RESTAURATION"]
    return {cell["date"]: cell for cell in row["cells"]}


def _label(real: RealPortal, who: str, day: date) -> str:
    return str(_meals(real, who)[day.isoformat()]["status"]["label"])


def _declare(real: RealPortal, day: date, reason: str) -> dict[str, Any]:
    answer = real.call(FAMILY, "POST", f"/api/v1/children/{CHILD}/absences",
                       json={"service": "RESTAURATION", "date": day.isoformat(), "reason": reason})
    assert answer.status_code == 200, answer.text
    (done,) = answer.json["done"]
    return dict(done)


def _meals_expected(real: RealPortal, day: date) -> int:
    counts = real.call(AGENT, "GET", "/api/v1/agent/headcounts", params={"date": day.isoformat()})
    assert counts.status_code == 200, counts.text
    (meals,) = [c for c in counts.json["headcounts"] if c["service"] == "RESTAURATION"]
    return int(meals["expected"])


def test_the_guide_walk_through_pending_then_excused_or_billed_on_the_grid_and_the_invoice(real: RealPortal) -> None:
    days = (IN_TIME, ACCEPTED, REFUSED, WAITING, UNTOUCHED)
    booked = real.call(FAMILY, "POST", f"/api/v1/children/{CHILD}/bookings", json={
        "cells": [{"service": "RESTAURATION", "date": d.isoformat()} for d in days]})
    assert booked.status_code == 200 and len(booked.json["done"]) == len(days), booked.text
    assert _meals(real, FAMILY)[OPEN_UNBOOKED.isoformat()]["status"]["slug"] == "libre"

    # In time, AUTRES: taken at once (no validation asked by the rules), the cell says so.
    real.at(datetime(2026, 11, 25, 18, 0, tzinfo=PARIS))
    assert _declare(real, IN_TIME, "AUTRES")["outcome"] == "annulee"
    assert _label(real, FAMILY, IN_TIME) == "Absent excusé"
    # RAISON MEDICALE waits for an agent (needs_validation): « Absence en cours de traitement ».
    for day in (ACCEPTED, REFUSED, WAITING):
        assert _declare(real, day, "RAISON MEDICALE")["outcome"] == "absence-en-attente"
        assert _label(real, FAMILY, day) == "Absence en cours de traitement"
    cell = _meals(real, FAMILY)[ACCEPTED.isoformat()]
    assert cell["status"]["code"] == "~"
    assert [a["kind"] for a in cell["actions"]] == ["book"]  # until the deadline, booking again withdraws it
    # the agent reads the same on the family's grid
    assert _label(real, AGENT, ACCEPTED) == "Absence en cours de traitement"

    # The agent's queue: accept one, refuse one with its reason.
    queue = real.call(AGENT, "GET", "/api/v1/agent/bookings", params={"status": "pending"}).json["requests"]
    waiting = {r["date"]: r for r in queue if r["kind"] == "absence"}
    assert set(waiting) == {ACCEPTED.isoformat(), REFUSED.isoformat(), WAITING.isoformat()}
    accepted = real.call(AGENT, "POST", f"/api/v1/agent/absences/{waiting[ACCEPTED.isoformat()]['id']}/decision",
                         json={"accept": True})
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json["absence"]["status"], accepted.json["absence"]["excused"]) == ("accepted", True)
    refused = real.call(AGENT, "POST", f"/api/v1/agent/absences/{waiting[REFUSED.isoformat()]['id']}/decision",
                        json={"accept": False, "reason": "Certificat médical non reçu."})
    assert refused.status_code == 200, refused.text
    assert (refused.json["absence"]["status"], refused.json["absence"]["excused"]) == ("refused", False)
    again = real.call(AGENT, "POST", f"/api/v1/agent/absences/{waiting[REFUSED.isoformat()]['id']}/decision",
                      json={"accept": True})
    assert again.status_code == 409

    for who in (FAMILY, AGENT):
        assert _label(real, who, ACCEPTED) == "Absent excusé"
        assert _label(real, who, REFUSED) == "Absent facturé"
        assert _label(real, who, WAITING) == "Absence en cours de traitement"
        assert _label(real, who, UNTOUCHED) == "Réservé"

    # The caterer counts only the child expected.
    assert [_meals_expected(real, d) for d in days] == [0, 0, 0, 0, 1]

    # January: a December day never booked is past; the invoice says the grid's words.
    real.at(datetime(2027, 1, 4, 9, 0, tzinfo=PARIS))
    past = _meals(real, FAMILY)[OPEN_UNBOOKED.isoformat()]
    assert (past["status"]["slug"], past["status"]["label"], past["actions"]) == ("passe", "Passé, non réservé", [])
    grid = {d: _label(real, FAMILY, d) for d in days}
    real.call(AGENT, "POST", "/api/v1/agent/attendance",
              json={"child": CHILD, "service": "RESTAURATION", "date": UNTOUCHED.isoformat(), "status": "present"})
    draft = run_month(real, AGENT, "2026-12")
    assert draft.status_code == 200, draft.text
    (invoice,) = draft.json["invoices"]
    lines = {line["day"]: line for line in invoice["lines"]}
    for day in (IN_TIME, ACCEPTED, REFUSED, WAITING):
        assert lines[day.isoformat()]["status"] == grid[day], day
    assert (lines[IN_TIME.isoformat()]["rule"], lines[IN_TIME.isoformat()]["amount"]) == (
        "absence-dans-les-delais-non-facturee", "0.00")
    assert (lines[ACCEPTED.isoformat()]["rule"], lines[ACCEPTED.isoformat()]["amount"]) == (
        "absence-dans-les-delais-non-facturee", "0.00")
    assert (lines[REFUSED.isoformat()]["rule"], lines[REFUSED.isoformat()]["amount"]) == (
        "absence-refusee-facturee", "4.50")  # no QF known: T5
    assert lines[WAITING.isoformat()]["rule"] == "absence-en-attente-a-traiter"  # to decide before billing
    assert [(f["rule"], f["day"]) for f in draft.json["flagged"]] == [
        ("absence-en-attente-a-traiter", WAITING.isoformat())]


def test_another_family_and_another_organisation_see_neither_the_absences_nor_the_decision(
    real: RealPortal,
) -> None:
    real.call(FAMILY, "POST", f"/api/v1/children/{CHILD}/bookings",
              json={"service": "RESTAURATION", "date": ACCEPTED.isoformat()})
    _declare(real, ACCEPTED, "RAISON MEDICALE")
    (waiting,) = real.call(AGENT, "GET", "/api/v1/agent/bookings", params={"status": "pending"}).json["requests"]
    decision = f"/api/v1/agent/absences/{waiting['id']}/decision"

    for who in (NEIGHBOUR, OTHER_AGENT):
        assert real.call(who, "GET", f"/api/v1/children/{CHILD}/planning",
                         params={"month": "2026-12"}).status_code == 404
    assert real.call(OTHER_AGENT, "GET", "/api/v1/agent/bookings", params={"status": "pending"}).json == {
        "requests": []}
    assert real.call(OTHER_AGENT, "POST", decision, json={"accept": False, "reason": "Non"}).status_code == 404
    assert real.call(NEIGHBOUR, "POST", decision, json={"accept": True}).status_code in (401, 403)
    assert _label(real, FAMILY, ACCEPTED) == "Absence en cours de traitement"  # nothing was decided
    # the neighbour's own grid is untouched
    assert _meals(real, NEIGHBOUR, "enf-tom")[ACCEPTED.isoformat()]["status"]["slug"] == "libre"


POINTED_ABSENT, NEVER_POINTED = date(2026, 12, 15), date(2026, 12, 17)


def test_a_booked_day_gone_by_without_an_absence_reads_on_the_grid_as_on_the_invoice_line(real: RealPortal) -> None:
    """Pointed absent with nothing declared: « Absent facturé » on both (only a cancellation spares the
    bill); booked and never pointed: « Absence à vérifier » on both, a flagged line until an agent
    points the day. The grid said « Absence à vérifier » and « Réservé » before."""
    days = (POINTED_ABSENT, NEVER_POINTED)
    booked = real.call(FAMILY, "POST", f"/api/v1/children/{CHILD}/bookings", json={
        "cells": [{"service": "RESTAURATION", "date": d.isoformat()} for d in days]})
    assert booked.status_code == 200 and len(booked.json["done"]) == len(days), booked.text
    assert [_label(real, FAMILY, d) for d in days] == ["Réservé", "Réservé"]  # days to come

    real.at(datetime(2027, 1, 4, 9, 0, tzinfo=PARIS))
    pointed = real.call(AGENT, "POST", "/api/v1/agent/attendance", json={
        "child": CHILD, "service": "RESTAURATION", "date": POINTED_ABSENT.isoformat(), "status": "absent"})
    assert pointed.status_code in (200, 201), pointed.text
    for who in (FAMILY, AGENT):
        assert _label(real, who, POINTED_ABSENT) == "Absent facturé"
        assert _label(real, who, NEVER_POINTED) == "Absence à vérifier"

    draft = run_month(real, AGENT, "2026-12")
    assert draft.status_code == 200, draft.text
    (invoice,) = draft.json["invoices"]
    lines = {line["day"]: line for line in invoice["lines"]}
    assert [(lines[d.isoformat()]["status"], lines[d.isoformat()]["rule"], lines[d.isoformat()]["amount"])
            for d in days] == [("Absent facturé", "absence-non-declaree-facturee", "4.50"),  # no QF known: T5
                               ("Absence à vérifier", "pointage-non-saisi-a-verifier", "0.00")]
    assert [(f["rule"], f["day"]) for f in draft.json["flagged"]] == [
        ("pointage-non-saisi-a-verifier", NEVER_POINTED.isoformat())]

    # The agent points the child present: the day reads « Réservé » again, as its next line will.
    real.call(AGENT, "POST", "/api/v1/agent/attendance",
              json={"child": CHILD, "service": "RESTAURATION", "date": NEVER_POINTED.isoformat(), "status": "present"})
    assert _label(real, FAMILY, NEVER_POINTED) == "Réservé"
