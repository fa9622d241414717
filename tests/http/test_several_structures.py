"""A child enrolled in two organisations, through the real routes on a real database (SQLite; PostgreSQL
under the marker).

Léa (Commune de Villeneuve) eats at her commune's canteen and goes, in the evening, to the garderie of
the RPI des Deux Rives, whose agent enrols her with her family's N° famille. Her agenda shows one row per
service and structure, each under its own organisation's closures; each organisation's agent sees, books,
counts, points and bills only its own row, never her records; her family receives one invoice per
organisation. The RPI's own family (Paul's) stays out of Villeneuve's reach, and Léa's out of Paul's.
The clock starts on Monday 23 November 2026, 08:00.
"""

from __future__ import annotations

from datetime import date, datetime

from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.families.model import Child, Sexe
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.shared.organisations import (
    Service,
    Structure,
    StructureKind,
)
from famille.kernel.shared.time import PARIS
from tests.support.real_portal import (
    TWO_ORGANISATIONS,
    RealPortal,
    real_portal_fixture,
    run_month,
    two_organisations,
)

LEA, HUGO, PAUL_CHILD = "enf-lea", "enf-hugo", "enf-b"
FAMILY_A, FAMILY_B = "marie.dupont", "paul.martin"
AGENT_A, AGENT_B = "agent.villeneuve", "agent.deuxrives"
TUESDAY, FRIDAY = "2026-12-01", "2026-12-04"


def _seed(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as work:
        two_organisations(work, FAMILY_A, FAMILY_B, AGENT_A, AGENT_B)
        for code, name, _ in TWO_ORGANISATIONS:
            garderie = Structure(f"{code}-garderie", code, f"Garderie — {name}", StructureKind.GARDERIE)
            cantine = Structure(f"{code}-cantine", code, f"Restaurant scolaire — {name}", StructureKind.CANTINE)
            work.organisations.add_structure(garderie)
            work.organisations.add_structure(cantine)
            for structure, service in ((garderie, "GARDERIE SOIR"), (cantine, "RESTAURATION")):
                work.organisations.add_service(Service(f"{code}:{service}", structure.id, service, service,
                                                       (0, 1, 3, 4)))
        for child in (Child(LEA, "ville-a", "DUPONT", "Léa", Sexe.F, date(2017, 2, 28), ("fam-a",)),
                      Child(HUGO, "ville-a", "DUPONT", "Hugo", Sexe.M, date(2019, 9, 1), ("fam-a",)),
                      Child(PAUL_CHILD, "rpi-b", "MARTIN", "Zoé", Sexe.F, date(2018, 5, 12), ("fam-b",))):
            work.families.add_child(child)
        work.planning.add_enrolments([  # Léa's canteen: left to the repository to place, as older callers do
            Enrolment(LEA, "RESTAURATION", date(2026, 9, 1), date(2027, 7, 3)),
            Enrolment(PAUL_CHILD, "GARDERIE SOIR", date(2026, 9, 1), date(2027, 7, 3), organisation_code="rpi-b",
                      structure_id="rpi-b-garderie")])
        work.commit()


real = real_portal_fixture(_seed, datetime(2026, 11, 23, 8, 0, tzinfo=PARIS))


def _enrol_at_the_rpi(real: RealPortal) -> None:
    enrolled = real.call(AGENT_B, "POST", f"/api/v1/agent/children/{LEA}/enrolments", json={
        "service": "GARDERIE SOIR", "start": "2026-11-23", "family_number": "A-0001"})
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json == {"service": "GARDERIE SOIR", "start": "2026-11-23", "end": None,
                             "organisation": "rpi-b", "structure": "rpi-b-garderie", "contract": None}


def _rows(real: RealPortal, who: str, child: str = LEA, month: str = "2026-12") -> dict[str, dict[str, str]]:
    """(service → {date: status}) of the child's month as `who` sees it, with each row's organisation."""
    grid = real.call(who, "GET", f"/api/v1/children/{child}/planning", params={"month": month})
    assert grid.status_code == 200, grid.text
    return {f"{row['organisation']}/{row['structure']['id']}/{row['service']}":
            {cell["date"]: cell["status"]["slug"] for cell in row["cells"]} for row in grid.json["rows"]}


def test_an_rpi_enrols_a_child_of_a_commune_only_with_its_family_number(real: RealPortal) -> None:
    path = f"/api/v1/agent/children/{LEA}/enrolments"
    body = {"service": "GARDERIE SOIR", "start": "2026-11-23"}
    assert real.call(AGENT_B, "POST", path, json=body).status_code == 404  # a child it has no reason to know
    assert real.call(AGENT_B, "POST", path, json={**body, "family_number": "B-0001"}).status_code == 404
    assert real.call(AGENT_B, "GET", path).status_code == 404
    wrong = real.call(AGENT_B, "POST", path, json={**body, "family_number": "A-0001", "structure": "rpi-b-cantine"})
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "structure", wrong.text
    _enrol_at_the_rpi(real)
    again = real.call(AGENT_A, "POST", path, json={"service": "GARDERIE SOIR", "start": "2027-01-04"})
    assert again.status_code == 409, again.text  # one place per service and day, whatever the organisation
    assert "dans une autre organisation" in again.json["detail"]

    # each agent lists its own organisation's enrolments only
    assert [(e["service"], e["organisation"]) for e in real.call(AGENT_B, "GET", path).json["enrolments"]] == [
        ("GARDERIE SOIR", "rpi-b")]
    assert [(e["service"], e["organisation"], e["structure"])
            for e in real.call(AGENT_A, "GET", path).json["enrolments"]] == [
        ("RESTAURATION", "ville-a", "ville-a-cantine")]


def test_the_agenda_shows_a_row_per_structure_under_its_own_organisation_s_closures(real: RealPortal) -> None:
    _enrol_at_the_rpi(real)
    closed = real.call(AGENT_B, "POST", "/api/v1/agent/closures",
                       json={"date": FRIDAY, "service": None, "reason": "Formation des animateurs"})
    assert closed.status_code == 201, closed.text

    family = _rows(real, FAMILY_A)
    assert sorted(family) == ["rpi-b/rpi-b-garderie/GARDERIE SOIR", "ville-a/ville-a-cantine/RESTAURATION"]
    assert family["rpi-b/rpi-b-garderie/GARDERIE SOIR"][FRIDAY] == "fermeture"  # the RPI's closure…
    assert family["ville-a/ville-a-cantine/RESTAURATION"][FRIDAY] == "libre"  # …not the commune's canteen's

    # each organisation's agent sees its own row only
    assert sorted(_rows(real, AGENT_B)) == ["rpi-b/rpi-b-garderie/GARDERIE SOIR"]
    assert sorted(_rows(real, AGENT_A)) == ["ville-a/ville-a-cantine/RESTAURATION"]


def test_the_other_organisation_s_agent_never_reads_the_child_s_records_nor_its_brother_s(
    real: RealPortal,
) -> None:
    _enrol_at_the_rpi(real)
    for path in (f"/api/v1/children/{LEA}", f"/api/v1/children/{HUGO}", f"/api/v1/children/{HUGO}/planning"):
        assert real.call(AGENT_B, "GET", path).status_code == 404, path
    assert real.call(AGENT_A, "GET", f"/api/v1/children/{LEA}").status_code == 200  # her commune's agent does
    # families see only their own children, enrolled anywhere
    assert real.call(FAMILY_B, "GET", f"/api/v1/children/{LEA}/planning").status_code == 404
    assert real.call(FAMILY_A, "GET", f"/api/v1/children/{PAUL_CHILD}/planning").status_code == 404
    assert real.call(AGENT_A, "GET", f"/api/v1/children/{PAUL_CHILD}/planning").status_code == 404


def test_each_organisation_books_counts_points_and_bills_its_own_row_and_the_family_gets_two_invoices(
    real: RealPortal,
) -> None:
    _enrol_at_the_rpi(real)
    booked = real.call(FAMILY_A, "POST", f"/api/v1/children/{LEA}/bookings", json={
        "cells": [{"service": "RESTAURATION", "date": TUESDAY}, {"service": "GARDERIE SOIR", "date": TUESDAY}]})
    assert booked.status_code == 200, booked.text
    assert {c["service"] for c in booked.json["done"]} == {"RESTAURATION", "GARDERIE SOIR"}
    # an agent acts for the family on its own organisation's row only
    refused = real.call(AGENT_A, "POST", f"/api/v1/agent/children/{LEA}/bookings",
                        json={"cells": [{"service": "GARDERIE SOIR", "date": "2026-12-03"}]})
    assert refused.status_code == 422 and refused.json["reason"] == "non-inscrit", refused.text
    assert real.call(AGENT_B, "POST", f"/api/v1/agent/children/{LEA}/bookings", json={
        "cells": [{"service": "GARDERIE SOIR", "date": "2026-12-03"}]}).status_code == 200

    def expected(who: str) -> dict[str, int]:
        counts = real.call(who, "GET", "/api/v1/agent/headcounts", params={"date": TUESDAY}).json["headcounts"]
        return {c["service"]: c["expected"] for c in counts}

    assert expected(AGENT_A) == {"GARDERIE SOIR": 0, "RESTAURATION": 1}
    assert expected(AGENT_B) == {"GARDERIE SOIR": 1, "RESTAURATION": 0}
    history = real.call(AGENT_B, "GET", f"/api/v1/children/{LEA}/planning/history",
                        params={"from": TUESDAY, "to": "2026-12-03"})
    assert {e["service"] for e in history.json["events"]} == {"GARDERIE SOIR"}, history.text

    real.at(datetime(2027, 1, 4, 9, 0, tzinfo=PARIS))
    evening = {"child": LEA, "service": "GARDERIE SOIR", "date": TUESDAY, "status": "present",
               "arrival": "16:30", "departure": "18:00"}
    assert real.call(AGENT_A, "POST", "/api/v1/agent/attendance", json=evening).status_code == 422
    assert real.call(AGENT_B, "POST", "/api/v1/agent/attendance", json=evening).status_code == 200
    meal = {"child": LEA, "service": "RESTAURATION", "date": TUESDAY, "status": "present"}
    assert real.call(AGENT_A, "POST", "/api/v1/agent/attendance", json=meal).status_code == 200
    roll = real.call(AGENT_B, "GET", "/api/v1/agent/attendance", params={"date": TUESDAY}).json["children"]
    assert [(c["child"], c["service"]) for c in roll] == [(LEA, "GARDERIE SOIR")]

    for agent in (AGENT_A, AGENT_B):
        draft = run_month(real, agent, "2026-12")
        final = real.call(agent, "POST", f"/api/v1/agent/billing/runs/{draft.json['id']}/finalise",
                          json={"accept_flagged": True})
        assert final.status_code == 200, final.text

    invoices = real.call(FAMILY_A, "GET", "/api/v1/invoices").json["invoices"]
    by_organisation = {i["organisation"]: {(line["service"], line["day"]) for line in i["lines"]} for i in invoices}
    assert by_organisation == {"ville-a": {("RESTAURATION", TUESDAY)},
                               "rpi-b": {("GARDERIE SOIR", TUESDAY), ("GARDERIE SOIR", "2026-12-03")}}
    assert real.call(FAMILY_B, "GET", "/api/v1/invoices").json["invoices"] == []  # Paul's: nothing booked
