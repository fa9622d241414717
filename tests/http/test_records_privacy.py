"""Nobody reads or changes another family's records, and health data never leaves its family and commune.

Family A (Villeneuve) has a child with an allergy, a PAI comment and a photo, and
requests pending and decided. Family B and the agent of the RPI B try every route
of records and requests on A's ids: each answers 404 (or 403 for the wrong role),
and no answer to B holds A's health data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import falcon.testing
import pytest

from famille.kernel.accounts.model import Role
from famille.kernel.families.model import Adult, Child, Family, Sexe
from famille.kernel.shared.organisations import Structure, StructureKind
from tests.http.conftest import World, _account, bearer
from tests.http.test_records_walkthrough import PNG

ALLERGY_SECRET = "Arachide-stylo-adrenaline-A"
PAI_SECRET = "Protocole-PAI-signe-A"
CHILD = "/api/v1/children/enf-a1"


@pytest.fixture
def seeded(world: World, client: falcon.testing.TestClient, token_of: Callable[[str], str]) -> dict[str, str]:
    """A's health data accepted, and a request of A still pending; the ids B will try."""
    world.uow.seed(structures=[Structure("cantine-a", "ville-a", "Cantine", StructureKind.CANTINE,
                                         pratiques=("--Aucun--", "PAI"))])
    family, agent = bearer(token_of("marie.dupont")), bearer(token_of("agent.villeneuve"))
    made = [
        client.simulate_post(f"{CHILD}/allergies", headers=family,
                             json={"type": "Alimentaires", "observations": ALLERGY_SECRET}),
        client.simulate_put(f"{CHILD}/pratique-alimentaire", headers=family,
                            json={"libelle": "PAI", "commentaire": PAI_SECRET}),
        client.simulate_post(f"{CHILD}/authorisations", headers=family,
                             json={"nom": "ROUX", "prenom": "Jean", "lien": "Voisin(e)", "mobile": "0601020304"}),
        client.simulate_put(f"{CHILD}/photo", body=PNG, headers={**family, "Content-Type": "image/png"}),
    ]
    for result in made:
        assert result.status_code == 202, result.text
        decided = client.simulate_post(f"/api/v1/agent/requests/{result.json['id']}/decision",
                                       json={"accept": True}, headers=agent)
        assert decided.status_code == 200, decided.text
    record = client.simulate_get(CHILD, headers=family).json
    pending = client.simulate_post("/api/v1/account/caf", headers=family, json={"quotient_familial": 420})
    pending_health = client.simulate_post(f"{CHILD}/allergies", headers=family,
                                          json={"type": "Asthme", "observations": ALLERGY_SECRET + "-bis"})
    return {
        "person": record["autorisations"][0]["id"],
        "allergy": record["sanitaires"]["allergies"][0]["id"],
        "pending": pending.json["id"],
        "pending_health": pending_health.json["id"],
        "photo_request": made[3].json["id"],
    }


def _family_routes(ids: dict[str, str]) -> list[tuple[str, str, dict]]:
    """(method, path, options) of every family route aimed at A's child."""
    json_body = {"json": {"nom": "X"}}
    return [
        ("GET", CHILD, {}),
        ("PUT", f"{CHILD}/identity", json_body),
        ("PUT", f"{CHILD}/complementaires", {"json": {"lunettes": True}}),
        ("PUT", f"{CHILD}/pratique-alimentaire", {"json": {"libelle": "--Aucun--"}}),
        ("POST", f"{CHILD}/authorisations", {"json": {"nom": "X", "prenom": "Y", "lien": "Autre",
                                                      "mobile": "0601020304"}}),
        ("DELETE", f"{CHILD}/authorisations/{ids['person']}", {}),
        ("POST", f"{CHILD}/allergies", {"json": {"type": "Asthme"}}),
        ("DELETE", f"{CHILD}/allergies/{ids['allergy']}", {}),
        ("GET", f"{CHILD}/photo", {}),
        ("GET", f"{CHILD}/photo", {"params": {"request": ids["photo_request"]}}),
        ("PUT", f"{CHILD}/photo", {"body": PNG, "headers": {"Content-Type": "image/png"}}),
    ]


def _call(client: falcon.testing.TestClient, token: str, method: str, path: str, options: dict) -> falcon.testing.Result:
    options = dict(options)
    headers = {**options.pop("headers", {}), **bearer(token)}
    return client.simulate_request(method, path, headers=headers, **options)


def _assert_nothing_of_a(text: str, ids: dict[str, str]) -> None:
    for secret in (ALLERGY_SECRET, PAI_SECRET, "enf-a1", "fam-a", *ids.values()):
        assert secret not in text


def test_family_b_gets_not_found_on_every_route_aimed_at_family_a(
    world: World, client: falcon.testing.TestClient, token_of: Callable[[str], str], seeded: dict[str, str]
) -> None:
    token = token_of("paul.martin")
    before = dict(world.uow.store.requests)

    for method, path, options in _family_routes(seeded):
        result = _call(client, token, method, path, options)
        assert result.status_code == 404, (method, path, result.text)
        assert result.headers["Content-Type"] == "application/problem+json"
        _assert_nothing_of_a(result.text, seeded)
    own = [client.simulate_get(path, headers=bearer(token)).text for path in ("/api/v1/account", "/api/v1/requests")]
    for text in own:
        _assert_nothing_of_a(text, seeded)
    assert world.uow.store.requests == before


def test_the_agent_of_another_organisation_sees_and_decides_nothing_of_family_a(
    world: World, client: falcon.testing.TestClient, token_of: Callable[[str], str], seeded: dict[str, str]
) -> None:
    token = token_of("agent.deuxrives")
    before = dict(world.uow.store.requests)

    reads = [
        client.simulate_get(CHILD, headers=bearer(token)),
        client.simulate_get(f"{CHILD}/photo", headers=bearer(token)),
        client.simulate_get(f"{CHILD}/photo", params={"request": seeded["photo_request"]}, headers=bearer(token)),
        client.simulate_get("/api/v1/agent/families/fam-a", headers=bearer(token)),
    ]
    decisions = [
        client.simulate_post(f"/api/v1/agent/requests/{seeded[key]}/decision", headers=bearer(token), json=body)
        for key in ("pending", "pending_health")
        for body in ({"accept": True}, {"accept": False, "reason": "non"})
    ]
    queues = [client.simulate_get("/api/v1/agent/requests", params=params, headers=bearer(token))
              for params in ({}, {"status": "all"}, {"family": "fam-a", "status": "all"})]

    for result in reads + decisions:
        assert result.status_code == 404, result.text
        _assert_nothing_of_a(result.text, seeded)
    for result in queues:
        assert result.status_code == 200
        assert result.json["requests"] == []
    assert world.uow.store.requests == before


def test_families_and_agents_are_kept_to_their_own_routes(
    client: falcon.testing.TestClient, token_of: Callable[[str], str], seeded: dict[str, str]
) -> None:
    family_b, agent_a = bearer(token_of("paul.martin")), bearer(token_of("agent.villeneuve"))

    assert client.simulate_get("/api/v1/agent/requests", headers=family_b).status_code == 403
    assert client.simulate_get("/api/v1/agent/families/fam-a", headers=family_b).status_code == 403
    assert client.simulate_post(f"/api/v1/agent/requests/{seeded['pending']}/decision", headers=family_b,
                                json={"accept": True}).status_code == 403
    assert client.simulate_get("/api/v1/account", headers=agent_a).status_code == 403
    assert client.simulate_post("/api/v1/account/caf", headers=agent_a, json={}).status_code == 403
    assert client.simulate_put(f"{CHILD}/complementaires", headers=agent_a,
                               json={"lunettes": True}).status_code == 403
    assert client.simulate_get(CHILD).status_code == 401


def test_the_agent_of_the_commune_reads_the_health_data_and_every_pending_request(
    client: falcon.testing.TestClient, token_of: Callable[[str], str], seeded: dict[str, str]
) -> None:
    agent = bearer(token_of("agent.villeneuve"))

    record = client.simulate_get(CHILD, headers=agent).json
    family = client.simulate_get("/api/v1/agent/families/fam-a", headers=agent).json

    assert record["sanitaires"]["allergies"][0]["observations"] == ALLERGY_SECRET
    assert record["sanitaires"]["pratique_alimentaire"] == {"libelle": "PAI", "commentaire": PAI_SECRET}
    assert [r["id"] for r in record["pending_requests"]] == [seeded["pending_health"]]
    assert [r["id"] for r in family["pending_requests"]] == [seeded["pending"]]


def test_separated_parents_each_see_the_child_their_own_requests_and_what_was_accepted(
    world: World, client: falcon.testing.TestClient, token_of: Callable[[str], str], seeded: dict[str, str]
) -> None:
    world.uow.seed(
        families=[Family("fam-c", "ville-a", "A-0002", Adult("DUPONT", "Pierre", mobile="+33611111111"))],
        accounts=[_account("acc-c", "pierre.dupont", Role.FAMILY, "ville-a", "Pierre DUPONT", "fam-c")],
    )
    shared = world.uow.store.children["enf-a1"]
    world.uow.seed(children=[Child(shared.id, shared.organisation_code, shared.nom, shared.prenom, Sexe.F,
                                   date(2017, 2, 28), ("fam-a", "fam-c"))])
    father = bearer(token_of("pierre.dupont"))

    asked = client.simulate_put(f"{CHILD}/complementaires", headers=father, json={"partir_seul": True})
    seen_by_father = client.simulate_get(CHILD, headers=father).json
    seen_by_mother = client.simulate_get(CHILD, headers=bearer(token_of("marie.dupont"))).json

    assert asked.status_code == 202
    assert seen_by_father["sanitaires"]["allergies"][0]["observations"] == ALLERGY_SECRET  # both parents
    assert [r["id"] for r in seen_by_father["pending_requests"]] == [asked.json["id"]]
    assert [r["id"] for r in seen_by_mother["pending_requests"]] == [seeded["pending_health"]]
    assert client.simulate_get("/api/v1/requests", headers=father).json["requests"][0]["id"] == asked.json["id"]
    assert len(client.simulate_get("/api/v1/requests", headers=father).json["requests"]) == 1


def test_the_agents_queue_lists_only_pending_requests_unless_asked_for_others(
    client: falcon.testing.TestClient, token_of: Callable[[str], str], seeded: dict[str, str]
) -> None:
    agent = bearer(token_of("agent.villeneuve"))

    def queue(**params: str) -> list[dict]:
        answer = client.simulate_get("/api/v1/agent/requests", params=params, headers=agent)
        assert answer.status_code == 200, answer.text
        return answer.json["requests"]

    default = queue()
    assert {entry["id"] for entry in default} == {seeded["pending"], seeded["pending_health"]}
    assert queue(status="pending") == default
    decided = queue(status="accepted")
    assert seeded["photo_request"] in {entry["id"] for entry in decided}
    assert len(queue(status="all")) == len(default) + len(decided)
