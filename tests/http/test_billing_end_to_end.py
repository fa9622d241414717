"""December billed end to end through the real routes, on a real database and the shipped rules.

The portal is wired as `famille.bootstrap.build()` does (SQL unit of work, `DurableRules` on
`rules/`, the SQL `ServiceDaySource`, the French holiday calendar, the portal notifier), except
for the clock, which the test moves: November for the bookings, mid-December for the late
absence, January for the run and the payment.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import Role
from famille.kernel.families.model import Adult, Child, Civilite, Family, Sexe
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.shared.organisations import (
    Organisation,
    OrganisationKind,
    Service,
    Structure,
    StructureKind,
)
from famille.kernel.shared.time import PARIS
from tests.support.real_portal import RealPortal, account, real_portal_fixture, run_month

ORG, FAMILY, CHILD = "villeneuve", "fam-dupont", "enf-lea"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)
SERVICES = ("GARDERIE MATIN", "GARDERIE SOIR", "RESTAURATION")
CANCELLED, LATE, MISSING_CHECK_OUT = date(2026, 12, 10), date(2026, 12, 15), date(2026, 12, 8)


def seed(uow: SqlUnitOfWorkFactory) -> None:
    """A commune, its garderie and canteen, the DUPONT family and Léa, enrolled; one agent."""
    with uow() as work:
        work.organisations.add(Organisation(ORG, "Commune de Villeneuve", OrganisationKind.COMMUNE, school_zone="A"))
        garderie = Structure("villeneuve-garderie", ORG, "Garderie", StructureKind.GARDERIE)
        cantine = Structure("villeneuve-cantine", ORG, "Restaurant scolaire", StructureKind.CANTINE)
        work.organisations.add_structure(garderie)
        work.organisations.add_structure(cantine)
        for structure, code in ((garderie, "GARDERIE MATIN"), (garderie, "GARDERIE SOIR"), (cantine, "RESTAURATION")):
            work.organisations.add_service(Service(f"{ORG}:{code}", structure.id, code, code, (0, 1, 3, 4)))
        work.families.add(Family(FAMILY, ORG, "A-0001", Adult("DUPONT", "Marie", civilite=Civilite.MADAME,
                                                                adresse="3 rue des Écoles", code_postal="38160",
                                                                ville="Villeneuve")))
        work.families.add_child(Child(CHILD, ORG, "DUPONT", "Léa", Sexe.F, date(2017, 2, 28), (FAMILY,)))
        work.accounts.add(account("acc-marie", "marie.dupont", Role.FAMILY, ORG, FAMILY))
        work.accounts.add(account("acc-agent", "agent.villeneuve", Role.AGENT, ORG))
        work.planning.add_enrolments([Enrolment(CHILD, s, date(2026, 9, 1), date(2027, 7, 3)) for s in SERVICES])
        work.commit()


real = real_portal_fixture(seed, NOW)


def test_a_december_booked_cancelled_pointed_billed_paid_end_to_end(real: RealPortal) -> None:
    family, agent = "marie.dupont", "agent.villeneuve"

    # November: the family books every open day of December for the three services.
    booked = real.call(family, "POST", f"/api/v1/children/{CHILD}/bookings", json={
        "services": list(SERVICES), "weekdays": ["lundi", "mardi", "jeudi", "vendredi"],
        "from": "2026-12-01", "to": "2026-12-31"})
    assert booked.status_code == 200, booked.text
    cells = {(c["service"], c["date"]) for c in booked.json["done"]}
    days = sorted({date.fromisoformat(d) for _, d in cells})
    assert days[0] == date(2026, 12, 1) and days[-1] == date(2026, 12, 18)  # the Christmas holidays are skipped
    assert len(cells) == 3 * len(days) == 3 * 11

    # In time (the deadline is Tuesday 8th at 23:59): the meal of Thursday 10th is cancelled.
    cancelled = real.at(datetime(2026, 11, 25, 18, 0, tzinfo=PARIS)).call(
        family, "POST", f"/api/v1/children/{CHILD}/absences",
        json={"service": "RESTAURATION", "date": CANCELLED.isoformat(), "reason": "AUTRES"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json["done"][0]["outcome"] == "annulee"

    # Monday 14th: too late for the meal of Tuesday 15th (deadline Friday 11th, 23:59). The shipped
    # rules refuse it to the family; the agent records it, late.
    real.at(datetime(2026, 12, 14, 8, 30, tzinfo=PARIS))
    refused = real.call(family, "POST", f"/api/v1/children/{CHILD}/absences",
                        json={"service": "RESTAURATION", "date": LATE.isoformat(), "reason": "AUTRES"})
    assert refused.status_code in (200, 409, 422), refused.text
    assert refused.status_code != 200 or not refused.json["done"]
    late = real.call(agent, "POST", f"/api/v1/agent/children/{CHILD}/absences",
                     json={"service": "RESTAURATION", "date": LATE.isoformat(), "reason": "AUTRES"})
    assert late.status_code == 200, late.text
    assert late.json["done"][0]["in_time"] is False

    # January: the agent records the pointage; the evening garderie of the 8th has no departure.
    real.at(datetime(2027, 1, 4, 9, 0, tzinfo=PARIS))
    for service, day in sorted(cells):
        if (service, day) in {("RESTAURATION", CANCELLED.isoformat()), ("RESTAURATION", LATE.isoformat())}:
            continue
        timed = service != "RESTAURATION"
        body = {"child": CHILD, "service": service, "date": day, "status": "present"}
        if timed:
            body["arrival"], body["departure"] = ("07:30", "08:20") if service == "GARDERIE MATIN" else ("16:30", "18:00")
            if service == "GARDERIE SOIR" and day == MISSING_CHECK_OUT.isoformat():
                del body["departure"]
        recorded = real.call(agent, "POST", "/api/v1/agent/attendance", json=body)
        assert recorded.status_code == 200, recorded.text

    # The draft flags the missing check-out instead of guessing it; finalising refuses until accepted.
    draft = run_month(real, agent, "2026-12")
    assert draft.json["totals"]["flagged"] == 1
    flagged = draft.json["flagged"][0]
    assert (flagged["rule"], flagged["service"], flagged["day"]) == (
        "pointage-manquant-a-verifier", "GARDERIE SOIR", MISSING_CHECK_OUT.isoformat())
    run_url = f"/api/v1/agent/billing/runs/{draft.json['id']}"
    assert real.call(agent, "POST", f"{run_url}/finalise", json={}).status_code == 409
    final = real.call(agent, "POST", f"{run_url}/finalise", json={"accept_flagged": True})
    assert final.status_code == 200, final.text
    assert final.json["status"] == "final"

    # The family's invoice: every line says why; the cancellation is free, the late AUTRES billed.
    invoices = real.call(family, "GET", "/api/v1/invoices").json["invoices"]
    assert len(invoices) == 1
    invoice = invoices[0]
    assert invoice["number"] == "2027-000001" and invoice["issued_on"] == "2027-01-04"
    lines = {(line["service"], line["day"]): line for line in invoice["lines"]}
    free = lines[("RESTAURATION", CANCELLED.isoformat())]
    assert (free["rule"], free["amount"]) == ("absence-dans-les-delais-non-facturee", "0.00")
    assert free["reason"] == "Absence déclarée dans les délais, raison AUTRES : non facturée."
    billed = lines[("RESTAURATION", LATE.isoformat())]
    assert (billed["rule"], billed["amount"]) == ("absence-tardive-facturee", "4.50")  # no QF known: T5
    assert billed["reason"] == "Absence déclarée après le délai, raison AUTRES : facturée."
    assert "vendredi 11/12 à 23h59" in billed["detail"]
    assert lines[("GARDERIE SOIR", MISSING_CHECK_OUT.isoformat())]["amount"] == "0.00"
    assert all(line["reason"] and line["rule"] for line in invoice["lines"])
    meals = len(days) - 1  # every meal but the one cancelled in time (the late one is billed)
    garderies = 2 * len(days) - 1  # every morning and evening but the evening whose check-out is missing
    expected = sum(float(line["amount"]) for line in invoice["lines"])
    assert len(invoice["lines"]) == 3 * len(days)
    assert float(invoice["total"]) == pytest.approx(expected)
    assert sum(1 for line in invoice["lines"] if line["billed"] == "full") == meals + garderies

    me = real.call(family, "GET", "/api/v1/me").json
    assert me["balance"] == invoice["total"] and me["unpaid_total"] == invoice["total"]
    assert me["unpaid_invoices"][0]["number"] == "2027-000001"
    assert me["unpaid_invoices"][0]["due_on"] == "2027-02-03"

    pdf = real.call(family, "GET", invoice["pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    paid = real.call(agent, "POST", "/api/v1/agent/payments", json={
        "family": FAMILY, "amount": invoice["total"], "method": "guichet", "date": "2027-01-04"})
    assert paid.status_code == 201, paid.text
    me = real.call(family, "GET", "/api/v1/me").json
    assert me["balance"] == "0.00" and me["unpaid_invoices"] == []


def test_separated_parents_pay_their_recorded_shares_and_a_non_resident_pays_more(real: RealPortal) -> None:
    """The agent sets 70/30 between two households and marks the second one as living elsewhere."""
    agent = "agent.villeneuve"
    with SqlUnitOfWorkFactory(real.engine)() as work:
        work.families.add(Family("fam-martin", ORG, "A-0002", Adult("MARTIN", "Paul")))
        work.commit()
    from sqlalchemy import insert

    from famille.adapters.sqlalchemy.tables import child_families

    with real.engine.begin() as c:
        c.execute(insert(child_families).values(child_id=CHILD, family_id="fam-martin", position=1))
    assert real.call(agent, "GET", f"/api/v1/agent/children/{CHILD}/shares").json["shares"] == {
        FAMILY: "50.00", "fam-martin": "50.00"}
    shares = real.call(agent, "PUT", f"/api/v1/agent/children/{CHILD}/shares",
                       json={"shares": {FAMILY: "70.00", "fam-martin": "30.00"}})
    assert shares.status_code == 200, shares.text
    outside = real.call(agent, "PUT", "/api/v1/agent/families/fam-martin/billing", json={"resident": False})
    assert outside.status_code == 200 and outside.json["resident"] is False
    real.call("marie.dupont", "POST", f"/api/v1/children/{CHILD}/bookings",
              json={"service": "RESTAURATION", "date": "2026-12-01"})
    real.at(datetime(2027, 1, 4, 9, 0, tzinfo=PARIS))
    real.call(agent, "POST", "/api/v1/agent/attendance",
              json={"child": CHILD, "service": "RESTAURATION", "date": "2026-12-01", "status": "present"})
    run = run_month(real, agent, "2026-12")
    lines = {i["family_id"]: i["lines"][0] for i in run.json["invoices"]}
    assert (lines[FAMILY]["amount"], lines[FAMILY]["share"]) == ("3.15", "70.00")  # 70 % of 4.50 (T5)
    assert (lines["fam-martin"]["amount"], lines["fam-martin"]["share"]) == ("1.56", "30.00")  # 30 % of 5.20
    assert "part de la famille : 30 %" in lines["fam-martin"]["detail"]


def test_a_late_medical_absence_reads_the_same_on_the_planning_grid_and_on_the_invoice(real: RealPortal) -> None:
    """Without its certificate a late RAISON MEDICALE is billed, with it excused: grid and invoice agree."""
    family, agent = "marie.dupont", "agent.villeneuve"
    without, with_document = date(2026, 12, 15), date(2026, 12, 17)
    booked = real.call(family, "POST", f"/api/v1/children/{CHILD}/bookings", json={
        "cells": [{"service": "RESTAURATION", "date": d.isoformat()} for d in (without, with_document)]})
    assert booked.status_code == 200 and len(booked.json["done"]) == 2, booked.text

    for day, document in ((without, None), (with_document, "certificat du Dr Martin")):
        real.at(datetime.combine(day, time(9, 30), tzinfo=PARIS))  # past the same day's 9:00
        body = {"service": "RESTAURATION", "date": day.isoformat(), "reason": "RAISON MEDICALE",
                **({"document": document} if document else {})}
        late = real.call(agent, "POST", f"/api/v1/agent/children/{CHILD}/absences", json=body)
        assert late.status_code == 200, late.text
        assert late.json["done"][0]["in_time"] is False

    grid = real.call(family, "GET", f"/api/v1/children/{CHILD}/planning", params={"month": "2026-12"}).json
    (meals,) = [row for row in grid["rows"] if row["service"] == "RESTAURATION"]
    shown = {cell["date"]: cell["status"]["label"] for cell in meals["cells"]}

    real.at(datetime(2027, 1, 4, 9, 0, tzinfo=PARIS))
    draft = run_month(real, agent, "2026-12")
    (invoice,) = draft.json["invoices"]
    billed = {line["day"]: line for line in invoice["lines"]}

    assert shown[without.isoformat()] == billed[without.isoformat()]["status"] == "Absent facturé"
    assert billed[without.isoformat()]["rule"] == "absence-tardive-facturee"
    assert shown[with_document.isoformat()] == billed[with_document.isoformat()]["status"] == "Absent excusé"
    assert billed[with_document.isoformat()]["rule"] == "absence-tardive-excusee-non-facturee"
