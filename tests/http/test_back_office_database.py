"""The agents' back office through the real routes on a real database (SQLite; PostgreSQL under the marker).

Two organisations, the Commune de Villeneuve (25 families) and the RPI des Deux Rives,
whose family has the same name and a child with the same first name as Villeneuve's:
the search folds case and accents in SQL, pages in SQL, and never reaches the other
organisation. The portal is the composition root's (`tests/support/real_portal.py`), on a
clock set to Monday 14 December 2026, 08:00.
"""

from __future__ import annotations

from datetime import date, datetime

import falcon.testing
import pytest

from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import Account, Role
from famille.kernel.families.model import Adult, Child, Family, Sexe
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.shared.organisations import (
    Organisation,
    OrganisationKind,
    Service,
    Structure,
    StructureKind,
)
from famille.kernel.shared.time import PARIS
from tests.support.real_portal import HASHER, PASSWORD, RealPortal, real_portal_fixture

FILLERS = 22  # Villeneuve's families besides the three named ones
SERVICES = ("GARDERIE MATIN", "RESTAURATION")


def _account(id: str, login: str, role: Role, org: str, family: str | None = None) -> Account:
    return Account(id=id, login=login, role=role, organisation_code=org, display_name=login,
                   password_hash=HASHER.hash(PASSWORD), family_id=family, email=f"{login}@example.fr")


def _seed(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as work:
        for code, name in (("ville-a", "Commune de Villeneuve"), ("rpi-b", "RPI des Deux Rives")):
            work.organisations.add(Organisation(code, name, OrganisationKind.COMMUNE, school_zone="A"))
            garderie = Structure(f"{code}-garderie", code, "Garderie", StructureKind.GARDERIE)
            cantine = Structure(f"{code}-cantine", code, "Restaurant scolaire", StructureKind.CANTINE)
            work.organisations.add_structure(garderie)
            work.organisations.add_structure(cantine)
            for structure, service in ((garderie, "GARDERIE MATIN"), (cantine, "RESTAURATION")):
                work.organisations.add_service(Service(f"{code}:{service}", structure.id, service, service,
                                                       (0, 1, 3, 4)))
        work.families.add(Family("fam-coeur", "ville-a", "A-0012", Adult("CŒUR", "Hélène"),
                                 conjoint=Adult("N'DIAYE", "Jean-Noël")))
        work.families.add(Family("fam-dupont", "ville-a", "A-0001", Adult("DUPONT", "Marie", ville="Villeneuve")))
        work.families.add(Family("fam-zola", "ville-a", "A-0099", Adult("ZOLA", "Émile")))
        for n in range(FILLERS):
            work.families.add(Family(f"fam-{n:02d}", "ville-a", f"A-1{n:03d}", Adult(f"FAMILLE{n:02d}", "Anne")))
        work.families.add(Family("fam-b", "rpi-b", "B-0001", Adult("DUPONT", "Paul")))
        children = [Child("enf-lea", "ville-a", "CŒUR", "Léa", Sexe.F, date(2017, 2, 28), ("fam-coeur",)),
                    Child("enf-hugo", "ville-a", "DUPONT", "Hugo", Sexe.M, date(2019, 9, 1), ("fam-dupont",)),
                    Child("enf-b", "rpi-b", "MARTIN", "Léa", Sexe.F, date(2018, 5, 12), ("fam-b",))]
        for child in children:
            work.families.add_child(child)
        work.planning.add_enrolments([Enrolment(c.id, s, date(2026, 9, 1), date(2027, 7, 3))
                                      for c in children for s in SERVICES])
        for account in (_account("acc-dupont", "marie.dupont", Role.FAMILY, "ville-a", "fam-dupont"),
                        _account("acc-b", "paul.dupont", Role.FAMILY, "rpi-b", "fam-b"),
                        _account("agent-a", "agent.villeneuve", Role.AGENT, "ville-a"),
                        _account("agent-b", "agent.deuxrives", Role.AGENT, "rpi-b")):
            work.accounts.add(account)
        work.commit()


def search(real: RealPortal, who: str, **params: str) -> falcon.testing.Result:
    """`GET /api/v1/agent/families` with `params`."""
    return real.call(who, "GET", "/api/v1/agent/families", params=params)


real = real_portal_fixture(_seed, datetime(2026, 12, 14, 8, 0, tzinfo=PARIS))  # a Monday


def _ids(result: falcon.testing.Result) -> list[str]:
    assert result.status_code == 200, result.text
    return [f["id"] for f in result.json["families"]]


def test_the_search_finds_names_numbers_and_children_whatever_the_case_and_accents(real: RealPortal) -> None:
    agent = "agent.villeneuve"

    assert _ids(search(real, agent, q="lea")) == ["fam-coeur"]
    assert _ids(search(real, agent, q="LÉA cœur")) == ["fam-coeur"]
    assert _ids(search(real, agent, q="coeur")) == ["fam-coeur"]
    assert _ids(search(real, agent, q="jean-noël")) == ["fam-coeur"]  # the conjoint
    assert _ids(search(real, agent, q="N'Diaye")) == ["fam-coeur"]
    assert _ids(search(real, agent, q="a-0012")) == ["fam-coeur"]
    assert _ids(search(real, agent, q="noel")) == ["fam-coeur"]
    assert _ids(search(real, agent, q="b-0001")) == []
    assert _ids(search(real, agent, q="emile")) == ["fam-zola"]
    assert _ids(search(real, agent, q="hugo")) == ["fam-dupont"]
    assert _ids(search(real, agent, q="lea hugo")) == []  # every word must match
    found = search(real, agent, q="Dupont")
    assert _ids(found) == ["fam-dupont"]
    (dupont,) = found.json["families"]
    assert dupont["number"] == "A-0001" and dupont["ville"] == "Villeneuve"
    assert dupont["children"] == [{"id": "enf-hugo", "nom": "DUPONT", "prenom": "Hugo", "date_naissance": "2019-09-01"}]
    assert dupont["href"] == "/api/v1/agent/families/fam-dupont"


def test_the_search_never_reaches_another_organisations_families(real: RealPortal) -> None:
    assert _ids(search(real, "agent.deuxrives", q="lea")) == ["fam-b"]
    assert _ids(search(real, "agent.deuxrives", q="dupont")) == ["fam-b"]
    assert _ids(search(real, "agent.deuxrives", q="coeur")) == []
    assert _ids(search(real, "agent.deuxrives", q="a-0012")) == []
    assert search(real, "agent.deuxrives").json["total"] == 1
    assert "fam-b" not in _ids(search(real, "agent.villeneuve", q="martin"))
    for family in ("marie.dupont", "paul.dupont"):
        refused = search(real, family, q="lea")
        assert refused.status_code == 403
        assert refused.headers["Content-Type"] == "application/problem+json"


def test_the_list_is_paginated_by_name_then_number(real: RealPortal) -> None:
    agent = "agent.villeneuve"

    first, second = search(real, agent), search(real, agent, page="2")
    beyond = search(real, agent, page="3")

    assert first.json["total"] == second.json["total"] == 3 + FILLERS
    assert (first.json["pages"], first.json["page_size"]) == (2, 20)
    assert len(_ids(first)) == 20 and len(_ids(second)) == 5
    assert set(_ids(first)).isdisjoint(_ids(second))
    names = [f["responsable"]["nom"] for f in first.json["families"] + second.json["families"]]
    assert names == sorted(names) and names[0] == "CŒUR" and names[-1] == "ZOLA"
    assert _ids(beyond) == [] and beyond.json["total"] == 3 + FILLERS
    assert _ids(search(real, agent, q="famille", page="2")) == ["fam-20", "fam-21"]


@pytest.mark.parametrize(("params", "field"), [
    ({"q": "x" * 101}, "q"), ({"page": "deux"}, "page"), ({"page": "0"}, "page"), ({"page": "-1"}, "page"),
    ({"page": "1000000"}, "page"), ({"q": "a b c d e f g h i"}, "q"), ({"page": ""}, "page"),
])
def test_a_bad_search_is_a_french_problem_naming_the_parameter(real: RealPortal, params: dict[str, str],
                                                               field: str) -> None:
    result = search(real, "agent.villeneuve", **params)

    assert result.status_code == 422, result.text
    assert result.headers["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in result.json["errors"]] == [field]


def test_the_family_file_holds_children_enrolments_requests_and_account_for_its_organisation_only(
    real: RealPortal,
) -> None:
    agent = "agent.villeneuve"
    asked = real.call("marie.dupont", "POST", "/api/v1/account/caf", json={"quotient_familial": 420})
    assert asked.status_code == 202, asked.text
    paid = real.call(agent, "POST", "/api/v1/agent/payments",
                     json={"family": "fam-dupont", "amount": "20.00", "method": "guichet", "date": "2026-12-14"})
    assert paid.status_code == 201, paid.text

    file = real.call(agent, "GET", "/api/v1/agent/families/fam-dupont")

    assert file.status_code == 200, file.text
    body = file.json
    assert (body["family_id"], body["number"], body["responsable"]["nom"]) == ("fam-dupont", "A-0001", "DUPONT")
    (child,) = body["children"]
    assert (child["id"], child["prenom"]) == ("enf-hugo", "Hugo")
    assert {e["service"] for e in child["enrolments"]} == set(SERVICES)
    assert child["planning"] == "/api/v1/children/enf-hugo/planning"
    assert [(r["kind"], r["status"]) for r in body["requests"]] == [("caf", "pending")]
    assert [r["id"] for r in body["pending_requests"]] == [asked.json["id"]]
    assert body["account"] == {"as_of": "2026-12-14", "balance": "-20.00", "unpaid": []}
    assert [p["amount"] for p in body["payments"]] == ["20.00"] and body["invoices"] == []
    for who, status in (("agent.deuxrives", 404), ("marie.dupont", 403), ("paul.dupont", 403)):
        refused = real.call(who, "GET", "/api/v1/agent/families/fam-dupont")
        assert refused.status_code == status, (who, refused.text)
        assert "DUPONT" not in refused.text and "A-0001" not in refused.text
    assert real.call("agent.deuxrives", "GET", "/api/v1/agent/families/fam-b").status_code == 200


def test_the_agents_day_counts_waiting_expected_missing_and_last_months_billing(real: RealPortal) -> None:
    agent = "agent.villeneuve"
    # Last Thursday and Friday (10 and 11 December), the agent booked Hugo's garderie for the family, late;
    # only Thursday's pointage is recorded. Today (Monday 14th) Hugo and Léa are expected at the canteen.
    for day in ("2026-12-10", "2026-12-11"):
        booked = real.call(agent, "POST", "/api/v1/agent/children/enf-hugo/bookings",
                           json={"service": "GARDERIE MATIN", "date": day})
        assert booked.status_code == 200 and booked.json["done"], booked.text
    for child in ("enf-hugo", "enf-lea"):
        booked = real.call(agent, "POST", f"/api/v1/agent/children/{child}/bookings",
                           json={"service": "RESTAURATION", "date": "2026-12-14"})
        assert booked.status_code == 200 and booked.json["done"], booked.text
    real.call(agent, "POST", "/api/v1/agent/attendance", json={
        "child": "enf-hugo", "service": "GARDERIE MATIN", "date": "2026-12-10", "status": "present",
        "arrival": "07:40", "departure": "08:20"})
    real.call("marie.dupont", "POST", "/api/v1/account/caf", json={"quotient_familial": 420})

    day = real.call(agent, "GET", "/api/v1/agent/today")

    assert day.status_code == 200, day.text
    body = day.json
    assert body["date"] == "2026-12-14" and body["waiting"] == {"requests": 1, "planning": 0}
    counts = {h["service"]: h["expected"] for h in body["headcounts"]}
    assert counts == {"GARDERIE MATIN": 0, "RESTAURATION": 2}
    assert body["missing_attendance"] == {"from": "2026-12-07", "days": [
        {"date": "2026-12-11", "service": "GARDERIE MATIN", "children": 1}]}
    assert body["billing"] == {"month": "2026-11", "status": "none", "run": None, "invoices": 0, "flagged": 0,
                               "total": "0.00"}
    other = real.call("agent.deuxrives", "GET", "/api/v1/agent/today").json
    assert other["waiting"] == {"requests": 0, "planning": 0} and other["missing_attendance"]["days"] == []
    assert {h["service"]: h["expected"] for h in other["headcounts"]} == {"GARDERIE MATIN": 0, "RESTAURATION": 0}
    assert real.call("marie.dupont", "GET", "/api/v1/agent/today").status_code == 403
