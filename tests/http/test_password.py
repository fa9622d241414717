"""Changing a password, and the « mot de passe oublié » procedure."""

from __future__ import annotations

from collections.abc import Callable

import falcon.testing
import pytest

from tests.http.conftest import PASSWORD, PORTAL_URL, World, bearer, login

NEW = "Garderie2027"


def change(client: falcon.testing.TestClient, token: str, **fields: str) -> falcon.testing.Result:
    body = {"login": "marie.dupont", "current_password": PASSWORD, "new_password": NEW, "confirmation": NEW}
    body.update(fields)
    return client.simulate_post("/api/v1/password", json=body, headers=bearer(token))


def reset_token(world: World) -> str:
    body = world.notifier.sent[-1].notice.body
    return body.split("jeton=")[1].split()[0]


def test_changing_the_password_works_and_keeps_the_current_session(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    token = token_of("marie.dupont")
    other = token_of("marie.dupont")

    result = change(client, token)

    assert result.status_code == 204
    assert login(client, "marie.dupont", PASSWORD).status_code == 401
    assert login(client, "marie.dupont", NEW).status_code == 201
    assert client.simulate_get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert client.simulate_get("/api/v1/me", headers=bearer(other)).status_code == 401


def test_a_wrong_current_password_is_a_422_on_current_password(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    result = change(client, token_of("marie.dupont"), current_password="PasLeBon1")

    assert result.status_code == 422
    assert [e["field"] for e in result.json["errors"]] == ["current_password"]
    assert result.json["errors"][0]["message"] == "Le mot de passe actuel est incorrect."


def test_a_confirmation_that_differs_is_a_422_on_confirmation(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    result = change(client, token_of("marie.dupont"), confirmation="Autre2027x")

    assert result.status_code == 422
    assert [e["field"] for e in result.json["errors"]] == ["confirmation"]


def test_changing_the_password_needs_a_session(client: falcon.testing.TestClient) -> None:
    result = client.simulate_post("/api/v1/password", json={
        "login": "marie.dupont", "current_password": PASSWORD, "new_password": NEW, "confirmation": NEW})

    assert result.status_code == 401


@pytest.mark.parametrize(
    ("password", "rule_ids"),
    [
        ("Court1", {"longueur-minimum-8"}),
        ("minuscules2027", {"majuscule-obligatoire"}),
        ("MAJUSCULES2027", {"minuscule-obligatoire"}),
        ("SansChiffres", {"chiffre-obligatoire"}),
        ("Azerty123", {"mot-de-passe-courant"}),
        ("Xmarie.dupont9", {"identifiant-interdit"}),
        ("xqz", {"longueur-minimum-8", "majuscule-obligatoire", "chiffre-obligatoire"}),
    ],
)
def test_each_policy_refusal_names_new_password_and_its_rule(
    client: falcon.testing.TestClient, token_of: Callable[[str], str], password: str, rule_ids: set[str]
) -> None:
    result = change(client, token_of("marie.dupont"), new_password=password, confirmation=password)

    assert result.status_code == 422
    assert result.headers["Content-Type"] == "application/problem+json"
    assert result.json["title"] == "Mot de passe refusé"
    assert {e["field"] for e in result.json["errors"]} == {"new_password"}
    assert {e["rule_id"] for e in result.json["errors"]} == rule_ids
    assert all(e["message"].startswith("Le mot de passe") or "mot de passe" in e["message"]
               for e in result.json["errors"])


def test_a_reset_request_answers_the_same_whether_the_login_exists_or_not(
    world: World, client: falcon.testing.TestClient
) -> None:
    known = client.simulate_post("/api/v1/password-reset", json={"login": "marie.dupont"})
    unknown = client.simulate_post("/api/v1/password-reset", json={"login": "personne.inconnue"})

    assert known.status_code == unknown.status_code == 202
    assert known.json == unknown.json
    assert len(world.notifier.sent) == 1
    sent = world.notifier.sent[0]
    assert sent.recipient.account_id == "acc-a"
    assert f"{PORTAL_URL}/mot-de-passe/nouveau?jeton=" in sent.notice.body


def test_a_reset_token_works_once(world: World, client: falcon.testing.TestClient) -> None:
    client.simulate_post("/api/v1/password-reset", json={"login": "marie.dupont"})
    body = {"token": reset_token(world), "new_password": NEW, "confirmation": NEW}

    first = client.simulate_post("/api/v1/password-reset/confirm", json=body)
    second = client.simulate_post("/api/v1/password-reset/confirm", json=body)

    assert first.status_code == 204
    assert login(client, "marie.dupont", NEW).status_code == 201
    assert second.status_code == 400
    assert second.json["type"] == "urn:famille:problem:invalid-reset-token"
    assert "mot de passe oublié" in second.json["detail"]


def test_a_reset_refuses_a_weak_password_and_keeps_the_token_usable(
    world: World, client: falcon.testing.TestClient
) -> None:
    client.simulate_post("/api/v1/password-reset", json={"login": "marie.dupont"})
    token = reset_token(world)

    weak = client.simulate_post(
        "/api/v1/password-reset/confirm", json={"token": token, "new_password": "abc", "confirmation": "abc"})
    good = client.simulate_post(
        "/api/v1/password-reset/confirm", json={"token": token, "new_password": NEW, "confirmation": NEW})

    assert weak.status_code == 422
    assert {e["field"] for e in weak.json["errors"]} == {"new_password"}
    assert good.status_code == 204


def test_an_unknown_reset_token_is_a_400(client: falcon.testing.TestClient) -> None:
    result = client.simulate_post(
        "/api/v1/password-reset/confirm", json={"token": "inconnu", "new_password": NEW, "confirmation": NEW})

    assert result.status_code == 400
    assert result.json["title"] == "Lien invalide"
