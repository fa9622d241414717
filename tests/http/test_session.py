"""Logging in and out: token, cookie, refusals, lockout."""

from __future__ import annotations

from datetime import datetime, timedelta

import falcon.testing

from famille.kernel.accounts.model import Role
from tests.http.conftest import PASSWORD, World, bearer, login

LOCK_ADVICE = "Mot de passe oublié"


def test_login_gives_a_token_an_offset_expiry_and_a_safe_cookie(client: falcon.testing.TestClient) -> None:
    result = login(client, "marie.dupont")

    assert result.status_code == 201
    body = result.json
    assert body["token"]
    assert datetime.fromisoformat(body["expires_at"]).utcoffset() is not None
    assert body["expires_at"].endswith(("+01:00", "+02:00"))
    assert body["account"]["login"] == "marie.dupont"
    assert body["account"]["role"] == Role.FAMILY.value
    assert "password_hash" not in body["account"]
    cookie = result.cookies["famille_session"]
    assert cookie.value == body["token"]
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert cookie.path == "/"
    assert not cookie.secure
    assert result.headers["Cache-Control"] == "no-store"


def test_login_cookie_is_secure_when_asked(world: World) -> None:
    client = falcon.testing.TestClient(world.app(secure_cookies=True))

    assert login(client, "marie.dupont").cookies["famille_session"].secure


def test_the_session_cookie_alone_authenticates(client: falcon.testing.TestClient) -> None:
    token = login(client, "marie.dupont").json["token"]

    result = client.simulate_get("/api/v1/me", cookies={"famille_session": token})

    assert result.status_code == 200


def test_wrong_password_and_unknown_login_give_the_same_401(client: falcon.testing.TestClient) -> None:
    wrong = login(client, "marie.dupont", "Mauvais123")
    unknown = login(client, "personne.inconnue", "Mauvais123")

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert wrong.json["detail"] == "Identifiant ou mot de passe incorrect."
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert wrong.headers["Content-Type"] == "application/problem+json"


def test_tenth_failure_locks_the_account_and_the_right_password_is_then_refused(
    client: falcon.testing.TestClient,
) -> None:
    statuses = [login(client, "marie.dupont", f"Faux{n}xxxx").status_code for n in range(9)]
    tenth = login(client, "marie.dupont", "Faux10xxxx")
    eleventh = login(client, "marie.dupont", "Faux11xxxx")
    right = login(client, "marie.dupont", PASSWORD)

    assert statuses == [401] * 9
    for locked in (tenth, eleventh, right):
        assert locked.status_code == 423
        assert locked.headers["Content-Type"] == "application/problem+json"
        assert LOCK_ADVICE in locked.json["detail"]
        assert locked.json["rule_id"] == "compte-verrouille-15min-apres-10-echecs"
        assert locked.json["title"] == "Compte verrouillé"


def test_a_password_reset_unlocks_the_account(world: World, client: falcon.testing.TestClient) -> None:
    for n in range(10):
        login(client, "marie.dupont", f"Faux{n}xxxx")
    assert login(client, "marie.dupont").status_code == 423

    client.simulate_post("/api/v1/password-reset", json={"login": "marie.dupont"})
    token = world.notifier.sent[-1].notice.body.split("jeton=")[1].split()[0]
    reset = client.simulate_post(
        "/api/v1/password-reset/confirm",
        json={"token": token, "new_password": "Nouveau2027", "confirmation": "Nouveau2027"},
    )

    assert reset.status_code == 204
    assert login(client, "marie.dupont", "Nouveau2027").status_code == 201


def test_logout_ends_the_session_and_clears_the_cookie(client: falcon.testing.TestClient) -> None:
    token = login(client, "marie.dupont").json["token"]

    result = client.simulate_delete("/api/v1/session", headers=bearer(token))

    assert result.status_code == 204
    cleared = result.cookies["famille_session"]
    assert cleared.value == ""
    assert cleared.expires is not None  # in the past: the browser drops it
    after = client.simulate_get("/api/v1/me", headers=bearer(token))
    assert after.status_code == 401
    assert after.json["title"] == "Connexion requise"


def test_an_expired_session_is_refused(world: World, client: falcon.testing.TestClient) -> None:
    token = login(client, "marie.dupont").json["token"]
    world.clock.advance(timedelta(hours=12, seconds=1))

    assert client.simulate_get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_malformed_authorization_header_is_a_401_not_a_500(client: falcon.testing.TestClient) -> None:
    for header in ("Bearer", "Basic abc", "Bearer " + "é" * 10, "Bearer " + "x" * 10_000):
        result = client.simulate_get("/api/v1/me", headers={"Authorization": header})
        assert result.status_code == 401, header
