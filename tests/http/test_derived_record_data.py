"""What can be derived from the accepted records is derived, never a copy that an acceptance leaves behind."""

from __future__ import annotations

from collections.abc import Callable

import falcon.testing

from tests.http.conftest import World, bearer

CHILD = "/api/v1/children/enf-a1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _accept(client: falcon.testing.TestClient, agent: dict[str, str], request: falcon.testing.Result) -> None:
    assert request.status_code == 202, request.text
    decided = client.simulate_post(f"/api/v1/agent/requests/{request.json['id']}/decision",
                                   json={"accept": True}, headers=agent)
    assert decided.status_code == 200, decided.text


def test_an_accepted_photo_shows_on_the_home_page_of_the_family(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    family, agent = bearer(token_of("marie.dupont")), bearer(token_of("agent.villeneuve"))
    before = {c["id"]: c["photo_url"] for c in client.simulate_get("/api/v1/me", headers=family).json["children"]}

    _accept(client, agent, client.simulate_put(f"{CHILD}/photo", body=PNG,
                                               headers={**family, "Content-Type": "image/png"}))

    after = {c["id"]: c["photo_url"] for c in client.simulate_get("/api/v1/me", headers=family).json["children"]}
    assert before == {"enf-a1": None, "enf-a2": None}
    assert after == {"enf-a1": f"{CHILD}/photo", "enf-a2": None}
    assert client.simulate_get(after["enf-a1"], headers=family).content == PNG


def test_an_accepted_direct_debit_shows_on_the_identity_of_the_children(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    family, agent = bearer(token_of("marie.dupont")), bearer(token_of("agent.villeneuve"))
    other = bearer(token_of("paul.martin"))

    _accept(client, agent, client.simulate_post("/api/v1/account/bancaires", headers=family, json={
        "iban": "FR76 3000 6000 0112 3456 7890 189", "titulaire": "Marie DUPONT", "prelevement": True}))

    assert client.simulate_get(CHILD, headers=family).json["identity"]["prelevement"] is True
    assert client.simulate_get(CHILD, headers=agent).json["identity"]["prelevement"] is True
    assert client.simulate_get("/api/v1/children/enf-b1", headers=other).json["identity"]["prelevement"] is False


def test_forgotten_password_goes_to_the_address_the_agent_accepted(
    world: World, client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    family, agent = bearer(token_of("marie.dupont")), bearer(token_of("agent.villeneuve"))
    _accept(client, agent, client.simulate_post("/api/v1/account/responsable", headers=family,
                                                json={"email": "marie.nouvelle@example.org",
                                                      "mobile": "06 12 34 56 78"}))

    assert client.simulate_post("/api/v1/password-reset", json={"login": "marie.dupont"}).status_code == 202

    reset = world.notifier.sent[-1]
    assert reset.notice.subject == "Réinitialisation de votre mot de passe"
    assert reset.recipient.email == "marie.nouvelle@example.org"
