"""The planning routes with Falcon's TestClient on fakes: shapes, refusals, privacy across families and organisations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import falcon.testing
import pytest

from famille.kernel.planning.inputs import Enrolment
from famille.kernel.portal.application import build_portal
from famille.kernel.shared.organisations import Service, Structure, StructureKind
from famille.kernel.shared.time import PARIS
from tests.fakes.rules import bookings_wait_for_an_agent
from tests.http.conftest import HASHER, PORTAL_URL, World, bearer
from tests.unit.planning.conftest import HOLIDAYS

START, END = date(2026, 9, 1), date(2027, 8, 31)
CHILD_A, CHILD_A2, CHILD_B = "enf-a1", "enf-a2", "enf-b1"
FAMILY_A, FAMILY_B, AGENT_A, AGENT_B = "marie.dupont", "paul.martin", "agent.villeneuve", "agent.deuxrives"


class PlanningWorld(World):
    """The HTTP world with services, enrolments and a holiday calendar."""

    def __init__(self) -> None:
        super().__init__()
        for org in ("ville-a", "rpi-b"):
            cantine = Structure(f"{org}-cantine", org, f"Cantine {org}", StructureKind.CANTINE)
            garderie = Structure(f"{org}-garderie", org, f"Garderie {org}", StructureKind.GARDERIE)
            self.uow.seed(structures=[cantine, garderie], services=[
                Service(f"{org}-matin", garderie.id, "GARDERIE MATIN", "Garderie du matin", (0, 1, 2, 3, 4)),
                Service(f"{org}-soir", garderie.id, "GARDERIE SOIR", "Garderie du soir"),
                Service(f"{org}-repas", cantine.id, "RESTAURATION", "Restauration"),
            ])
        self.uow.store.enrolments.extend(
            Enrolment(child, service, START, END) for child in (CHILD_A, CHILD_A2, CHILD_B)
            for service in ("GARDERIE MATIN", "GARDERIE SOIR", "RESTAURATION"))
        self.portal = build_portal(uow=self.uow, clock=self.clock, rules=self.rules, hasher=HASHER,
                                   notifier=self.notifier, portal_url=PORTAL_URL, calendar=HOLIDAYS)


@pytest.fixture
def world() -> World:
    return PlanningWorld()


Call = Callable[..., falcon.testing.Result]


@pytest.fixture
def as_(client: falcon.testing.TestClient, token_of: Callable[[str], str]) -> Callable[[str], Call]:
    tokens: dict[str, str] = {}

    def caller(who: str) -> Call:
        if who not in tokens:
            tokens[who] = token_of(who)

        def call(method: str, path: str, **kwargs: object) -> falcon.testing.Result:
            headers = {**bearer(tokens[who]), **kwargs.pop("headers", {})}  # type: ignore[dict-item]
            return client.simulate_request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]

        return call

    return caller


def test_the_family_reads_its_child_planning_with_statuses_actions_deadlines_and_enrolments(
    as_: Callable[[str], Call],
) -> None:
    family = as_(FAMILY_A)
    family("POST", f"/api/v1/children/{CHILD_A}/bookings", json={"service": "RESTAURATION", "date": "2026-12-07"})

    result = family("GET", f"/api/v1/children/{CHILD_A}/planning", params={"month": "2026-12"})

    assert result.status_code == 200, result.text
    body = result.json
    assert body["title"] == "Décembre 2026"
    assert [r["service"] for r in body["rows"]] == ["RESTAURATION", "GARDERIE MATIN", "GARDERIE SOIR"]
    cells = {c["date"]: c for c in body["rows"][0]["cells"]}
    assert cells["2026-12-07"]["status"] == {"code": "✓", "label": "Réservé", "slug": "reserve"}
    (action,) = cells["2026-12-07"]["actions"]
    assert action["kind"] == "declare_absence"
    assert action["deadline"] == {"instant": "2026-12-03T23:59:00+01:00",
                                  "description": "jeudi 3 décembre 2026 à 23h59",
                                  "rule_id": "cantine-lundi-jeudi-23h59"}
    assert cells["2026-12-25"]["status"]["label"] == "Jour férié"
    assert {i["service"] for i in body["inscriptions"]} == {"GARDERIE MATIN", "GARDERIE SOIR", "RESTAURATION"}
    filtered = family("GET", f"/api/v1/children/{CHILD_A}/planning",
                      params={"month": "2026-12", "structure": "ville-a-garderie"})
    assert [r["service"] for r in filtered.json["rows"]] == ["GARDERIE MATIN", "GARDERIE SOIR"]


def test_the_legend_lists_every_status_without_a_session(client: falcon.testing.TestClient) -> None:
    result = client.simulate_get("/api/v1/planning/legend")

    assert result.status_code == 200
    labels = [s["label"] for s in result.json["statuses"]]
    assert "Pointage arrivée ou départ manquant" in labels and "Absent excusé" in labels


def test_a_single_late_booking_is_a_problem_naming_the_rule_and_the_deadline(as_: Callable[[str], Call]) -> None:
    result = as_(FAMILY_A)("POST", f"/api/v1/children/{CHILD_A}/bookings",
                           json={"service": "RESTAURATION", "date": "2026-11-30"})

    assert result.status_code == 422
    assert result.headers["Content-Type"] == "application/problem+json"
    assert result.json["rule_id"] == "cantine-lundi-jeudi-23h59"
    assert result.json["deadline"] == "2026-11-26T23:59:00+01:00"
    assert result.json["reason"] == "delai-depasse"
    assert "jeudi 26 novembre 2026 à 23h59" in result.json["detail"]


def test_one_request_books_the_school_year_for_two_children_and_reports_the_skipped_days(
    as_: Callable[[str], Call],
) -> None:
    body = {"children": [CHILD_A, CHILD_A2], "services": ["RESTAURATION", "GARDERIE SOIR"],
            "weekdays": ["lundi", "mardi", "jeudi", "vendredi"], "from": "2026-11-30", "to": "2027-07-02"}

    result = as_(FAMILY_A)("POST", "/api/v1/bookings", json=body)

    assert result.status_code == 200, result.text
    first, second = result.json["reports"]
    assert len(first["done"]) == len(second["done"]) > 200
    reasons = {s["reason"] for s in first["skipped"]}
    assert reasons == {"delai-depasse", "jour-sans-accueil"}
    late = next(s for s in first["skipped"] if s["reason"] == "delai-depasse")
    assert late["rule_id"] and late["deadline"]["description"]


def test_a_bad_body_names_each_wrong_field(as_: Callable[[str], Call]) -> None:
    result = as_(FAMILY_A)("POST", f"/api/v1/children/{CHILD_A}/bookings",
                           json={"cells": [{"service": "RESTAURATION", "date": "07/12/2026"}, {"service": 3}]})

    assert result.status_code == 422
    assert {e["field"] for e in result.json["errors"]} == {"cells[0].date", "cells[1].service", "cells[1].date"}


def test_absences_cancel_in_time_and_say_which_document_is_required(as_: Callable[[str], Call]) -> None:
    family = as_(FAMILY_A)
    family("POST", f"/api/v1/children/{CHILD_A}/bookings", json={"services": ["RESTAURATION", "GARDERIE SOIR"],
                                                                 "from": "2026-12-07", "to": "2026-12-08"})

    whole = family("POST", f"/api/v1/children/{CHILD_A}/absences",
                   json={"from": "2026-12-07", "to": "2026-12-07", "reason": "RAISON MEDICALE",
                         "document": "certificat.pdf"})
    unknown = family("POST", f"/api/v1/children/{CHILD_A}/absences",
                     json={"service": "RESTAURATION", "date": "2026-12-08", "reason": "VACANCES"})

    assert whole.status_code == 200, whole.text
    assert {d["outcome"] for d in whole.json["done"]} == {"absence-en-attente"}  # RAISON MEDICALE: an agent decides
    assert {d["service"] for d in whole.json["done"]} == {"RESTAURATION", "GARDERIE SOIR"}
    assert "certificat médical" in whole.json["requirement"]
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "reason"


def test_an_agent_decides_a_pending_booking_and_the_family_is_notified(
    world: World, as_: Callable[[str], Call],
) -> None:
    world.rules.use(bookings_wait_for_an_agent("ville-a"))
    booked = as_(FAMILY_A)("POST", f"/api/v1/children/{CHILD_A}/bookings",
                           json={"service": "RESTAURATION", "date": "2026-12-07"})
    assert booked.json["done"][0]["outcome"] == "en-attente"
    agent = as_(AGENT_A)

    (pending,) = agent("GET", "/api/v1/agent/bookings").json["requests"]
    no_reason = agent("POST", f"/api/v1/agent/bookings/{pending['id']}/decision", json={"accept": False})
    refused = agent("POST", f"/api/v1/agent/bookings/{pending['id']}/decision",
                    json={"accept": False, "reason": "Plus de place"})
    again = agent("POST", f"/api/v1/agent/bookings/{pending['id']}/decision", json={"accept": True})

    assert no_reason.status_code == 422
    assert refused.status_code == 200 and refused.json["status"] == "refused"
    assert again.status_code == 409
    assert "Plus de place" in world.notifier.sent[-1].notice.body
    assert as_(AGENT_B)("GET", "/api/v1/agent/bookings").json["requests"] == []


def test_headcounts_come_as_json_or_as_csv_for_excel(as_: Callable[[str], Call]) -> None:
    as_(FAMILY_A)("POST", "/api/v1/bookings", json={"children": [CHILD_A, CHILD_A2], "services": ["RESTAURATION"],
                                                    "from": "2026-12-07", "to": "2026-12-07"})
    agent = as_(AGENT_A)

    as_json = agent("GET", "/api/v1/agent/headcounts", params={"date": "2026-12-07"})
    as_csv = agent("GET", "/api/v1/agent/headcounts", params={"date": "2026-12-07"}, headers={"Accept": "text/csv"})

    canteen = next(h for h in as_json.json["headcounts"] if h["service"] == "RESTAURATION")
    assert canteen["expected"] == 2 and canteen["meals"] == [{"pratique": "--Aucun--", "count": 2}]
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert as_csv.content.startswith("\ufeff".encode())
    lines = as_csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Date;Structure;Service;Enfants attendus;Pratique alimentaire;Repas"
    assert "07/12/2026;Cantine ville-a;RESTAURATION;2;--Aucun--;2" in lines


def test_closures_and_attendance_by_agents(as_: Callable[[str], Call], world: World) -> None:
    world.clock.set(datetime(2026, 12, 8, 18, 5, tzinfo=PARIS))  # attendance is taken on the day
    agent = as_(AGENT_A)
    created = agent("POST", "/api/v1/agent/closures", json={"date": "2026-12-10", "service": None,
                                                            "reason": "Grève"})
    listed = agent("GET", "/api/v1/agent/closures")
    planning = as_(FAMILY_A)("GET", f"/api/v1/children/{CHILD_A}/planning", params={"month": "2026-12"})
    ticked = agent("POST", "/api/v1/agent/attendance", json={"child": CHILD_A, "service": "GARDERIE SOIR",
                                                             "date": "2026-12-08", "status": "present",
                                                             "arrival": "16:30", "departure": "18:00"})
    roll = agent("GET", "/api/v1/agent/attendance", params={"date": "2026-12-08", "service": "GARDERIE SOIR"})
    removed = agent("DELETE", f"/api/v1/agent/closures/{created.json['id']}")

    assert created.status_code == 201
    assert [c["reason"] for c in listed.json["closures"]] == ["Grève"]
    cell = next(c for c in planning.json["rows"][0]["cells"] if c["date"] == "2026-12-10")
    assert cell["status"]["slug"] == "fermeture"
    assert ticked.status_code == 200, ticked.text
    assert roll.json["children"][0]["arrival"] == "16:30"
    assert removed.status_code == 204


CHILD_ROUTES = [
    ("GET", "/api/v1/children/{child}/planning", None),
    ("GET", "/api/v1/children/{child}/planning/history?from=2026-12-01&to=2026-12-31", None),
    ("POST", "/api/v1/children/{child}/bookings", {"service": "RESTAURATION", "date": "2026-12-07"}),
    ("POST", "/api/v1/children/{child}/absences", {"service": "RESTAURATION", "date": "2026-12-07",
                                                   "reason": "AUTRES"}),
    ("POST", "/api/v1/bookings", {"children": ["{child}"], "service": "RESTAURATION", "date": "2026-12-07"}),
]
AGENT_CHILD_ROUTES = [
    ("POST", "/api/v1/agent/children/{child}/bookings", {"service": "RESTAURATION", "date": "2026-12-07"}),
    ("POST", "/api/v1/agent/children/{child}/absences", {"service": "RESTAURATION", "date": "2026-12-07",
                                                         "reason": "AUTRES"}),
    ("POST", "/api/v1/agent/attendance", {"child": "{child}", "service": "RESTAURATION", "date": "2026-12-07",
                                          "status": "absent"}),
]


def _fill(value: object, child: str) -> object:
    if isinstance(value, str):
        return value.replace("{child}", child)
    if isinstance(value, list):
        return [_fill(v, child) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, child) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body"), CHILD_ROUTES)
def test_no_family_reaches_the_planning_of_another_family_s_child(
    as_: Callable[[str], Call], method: str, path: str, body: object,
) -> None:
    for who, child in ((FAMILY_B, CHILD_A), (FAMILY_A, CHILD_B)):
        url, _, query = str(_fill(path, child)).partition("?")
        result = as_(who)(method, url, query_string=query, json=_fill(body, child))
        assert result.status_code == 404, (who, child, result.text)


@pytest.mark.parametrize(("method", "path", "body"), AGENT_CHILD_ROUTES + CHILD_ROUTES[:2])
def test_no_agent_reaches_a_child_of_another_organisation(
    as_: Callable[[str], Call], method: str, path: str, body: object,
) -> None:
    for who, child in ((AGENT_B, CHILD_A), (AGENT_A, CHILD_B)):
        url, _, query = str(_fill(path, child)).partition("?")
        result = as_(who)(method, url, query_string=query, json=_fill(body, child))
        assert result.status_code == 404, (who, child, result.text)


def test_agents_see_only_their_organisation_s_closures_and_decisions(as_: Callable[[str], Call]) -> None:
    created = as_(AGENT_A)("POST", "/api/v1/agent/closures", json={"date": "2026-12-10", "reason": "Formation"})

    assert as_(AGENT_B)("GET", "/api/v1/agent/closures").json["closures"] == []
    assert as_(AGENT_B)("DELETE", f"/api/v1/agent/closures/{created.json['id']}").status_code == 404
    assert as_(AGENT_B)("POST", "/api/v1/agent/bookings/x/decision", json={"accept": True}).status_code == 404
    assert as_(AGENT_B)("POST", "/api/v1/agent/absences/x/decision", json={"accept": True}).status_code == 404


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/agent/bookings"), ("GET", "/api/v1/agent/headcounts?date=2026-12-07"),
    ("GET", "/api/v1/agent/attendance?date=2026-12-07"), ("GET", "/api/v1/agent/closures"),
    ("POST", "/api/v1/agent/closures"), ("POST", "/api/v1/agent/children/enf-a1/bookings"),
])
def test_families_are_forbidden_the_agents_routes(as_: Callable[[str], Call], method: str, path: str) -> None:
    url, _, query = path.partition("?")
    assert as_(FAMILY_A)(method, url, query_string=query, json={}).status_code == 403


def test_an_agent_enrols_a_child_and_the_planning_shows_the_new_service(as_: Callable[[str], Call]) -> None:
    agent = as_(AGENT_A)
    path = f"/api/v1/agent/children/{CHILD_A}/enrolments"
    assert {e["service"] for e in agent("GET", path).json["enrolments"]} == {
        "GARDERIE MATIN", "GARDERIE SOIR", "RESTAURATION"}
    created = agent("POST", path, json={"service": "GARDERIE MATIN", "start": "2027-09-01", "end": None})
    assert created.status_code == 201, created.text
    assert created.json == {"service": "GARDERIE MATIN", "start": "2027-09-01", "end": None,
                            "organisation": "ville-a", "structure": "ville-a-garderie", "contract": None}
    overlapping = agent("POST", path, json={"service": "GARDERIE SOIR", "start": "2027-01-04"})
    assert overlapping.status_code == 409
    assert "déjà inscrit" in overlapping.json["detail"]


def test_enrolments_are_refused_with_the_field_named_and_across_organisations(
    as_: Callable[[str], Call],
) -> None:
    path = f"/api/v1/agent/children/{CHILD_A}/enrolments"
    wrong = as_(AGENT_A)("POST", path, json={"service": "PISCINE", "start": "2027-09-01"})
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "service"
    backwards = as_(AGENT_A)("POST", path, json={"service": "RESTAURATION", "start": "2027-09-10",
                                                 "end": "2027-09-01"})
    assert backwards.status_code == 422 and backwards.json["errors"][0]["field"] == "end"
    assert as_(AGENT_B)("GET", path).status_code == 404
    assert as_(AGENT_B)("POST", path, json={"service": "RESTAURATION", "start": "2027-09-01"}).status_code == 404
    assert as_(FAMILY_A)("GET", path).status_code == 403


def test_a_blank_status_filter_on_pending_bookings_is_refused_with_its_field(
    as_: Callable[[str], Call],
) -> None:
    blank = as_(AGENT_A)("GET", "/api/v1/agent/bookings?status=")

    assert blank.status_code == 422, blank.text
    assert blank.json["errors"][0]["field"] == "status"
