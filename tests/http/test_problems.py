"""Every refusal is a French problem document; no body, however odd, gets a 500."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import falcon
import falcon.testing
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.http.conftest import World, bearer

PROBLEM = "application/problem+json"

#: Each POST route with a body, and a valid body for it.
BODIES: dict[str, dict[str, str]] = {
    "/api/v1/session": {"login": "marie.dupont", "password": "Cantine2026"},
    "/api/v1/password": {"login": "marie.dupont", "current_password": "Cantine2026",
                         "new_password": "Garderie2027", "confirmation": "Garderie2027"},
    "/api/v1/password-reset": {"login": "marie.dupont"},
    "/api/v1/password-reset/confirm": {"token": "x", "new_password": "Garderie2027",
                                       "confirmation": "Garderie2027"},
}
ROUTES = sorted(BODIES)


@pytest.fixture
def family(token_of: Callable[[str], str]) -> dict[str, str]:
    return bearer(token_of("marie.dupont"))


def post(client: falcon.testing.TestClient, route: str, headers: dict[str, str], **kwargs: Any
         ) -> falcon.testing.Result:
    return client.simulate_post(route, headers=headers, **kwargs)


def assert_french_problem(result: falcon.testing.Result, status: int) -> dict[str, Any]:
    assert result.status_code == status, result.text
    assert result.headers["Content-Type"] == PROBLEM
    problem = result.json
    assert problem["status"] == status
    assert problem["type"].startswith("urn:famille:problem:")
    assert problem["title"] and problem["detail"]
    return dict(problem)


@pytest.mark.parametrize("route", ROUTES)
def test_invalid_json_is_a_400_problem(client: falcon.testing.TestClient, family: dict[str, str],
                                       route: str) -> None:
    result = post(client, route, family, body='{"login": ', content_type="application/json")

    problem = assert_french_problem(result, 400)
    assert problem["detail"] == "Le corps de la requête n'est pas un JSON valide."


@pytest.mark.parametrize("route", ROUTES)
def test_an_empty_body_is_a_400_problem(client: falcon.testing.TestClient, family: dict[str, str],
                                        route: str) -> None:
    result = post(client, route, family, body="", content_type="application/json")

    assert "vide" in assert_french_problem(result, 400)["detail"]


@pytest.mark.parametrize("route", ROUTES)
def test_a_json_array_body_is_a_422_problem(client: falcon.testing.TestClient, family: dict[str, str],
                                            route: str) -> None:
    result = post(client, route, family, json=[BODIES[route]])

    problem = assert_french_problem(result, 422)
    assert problem["errors"][0]["field"] == "$"
    assert problem["errors"][0]["message"] == "Le corps de la requête doit être un objet JSON."


@pytest.mark.parametrize("route", ROUTES)
def test_a_missing_field_is_named_in_french(client: falcon.testing.TestClient, family: dict[str, str],
                                            route: str) -> None:
    body = dict(BODIES[route])
    missing = sorted(body)[0]
    del body[missing]

    problem = assert_french_problem(post(client, route, family, json=body), 422)

    assert problem["errors"] == [
        {"field": missing, "message": f"Champ « {missing} » : obligatoire.", "rule_id": None}]


@pytest.mark.parametrize("route", ROUTES)
def test_a_wrong_type_is_named_in_french(client: falcon.testing.TestClient, family: dict[str, str],
                                         route: str) -> None:
    body: dict[str, Any] = dict(BODIES[route])
    field = sorted(body)[-1]
    body[field] = 12345

    problem = assert_french_problem(post(client, route, family, json=body), 422)

    assert problem["errors"] == [{"field": field, "rule_id": None,
                                  "message": f"Champ « {field} » : doit être une chaîne de caractères."}]


@pytest.mark.parametrize("route", ROUTES)
def test_an_unknown_field_is_named_in_french(client: falcon.testing.TestClient, family: dict[str, str],
                                             route: str) -> None:
    body: dict[str, Any] = {**BODIES[route], "is_admin": True}

    problem = assert_french_problem(post(client, route, family, json=body), 422)

    assert problem["errors"] == [
        {"field": "is_admin", "message": "Champ « is_admin » : inconnu.", "rule_id": None}]


@pytest.mark.parametrize("route", ROUTES)
def test_a_100000_character_string_is_refused_by_name(
    client: falcon.testing.TestClient, family: dict[str, str], route: str
) -> None:
    body = dict(BODIES[route])
    field = sorted(body)[0]
    body[field] = "a" * 100_000

    problem = assert_french_problem(post(client, route, family, json=body), 422)

    assert [e["field"] for e in problem["errors"]] == [field]
    assert "ne doit pas dépasser" in problem["errors"][0]["message"]


@pytest.mark.parametrize("route", ROUTES)
def test_a_body_that_is_not_json_is_a_415(client: falcon.testing.TestClient, family: dict[str, str],
                                          route: str) -> None:
    result = post(client, route, family, body="login=x", content_type="application/x-www-form-urlencoded")

    assert_french_problem(result, 415)


def test_a_body_over_one_megabyte_is_a_413(client: falcon.testing.TestClient) -> None:
    body = json.dumps({"login": "x" * (1024 * 1024 + 1)})

    result = client.simulate_post("/api/v1/password-reset", body=body, content_type="application/json")

    assert_french_problem(result, 413)


def test_a_lone_surrogate_or_a_nul_character_is_a_422(client: falcon.testing.TestClient) -> None:
    for raw in ('{"login": "a\\ud800", "password": "b"}', '{"login": "a\\u0000", "password": "b"}'):
        result = client.simulate_post("/api/v1/session", body=raw, content_type="application/json")
        assert assert_french_problem(result, 422)["errors"][0]["field"] == "login"


def test_absurdly_nested_json_is_a_400(client: falcon.testing.TestClient) -> None:
    result = client.simulate_post("/api/v1/session", body="[" * 100_000, content_type="application/json")

    assert_french_problem(result, 400)


def test_a_wrong_method_is_a_405_problem_with_allow(client: falcon.testing.TestClient) -> None:
    result = client.simulate_put("/api/v1/session")

    assert_french_problem(result, 405)
    assert set(result.headers["Allow"].replace(" ", "").split(",")) >= {"POST", "DELETE"}


def test_an_unknown_route_is_a_404_problem(client: falcon.testing.TestClient) -> None:
    problem = assert_french_problem(client.simulate_get("/api/v1/nulle-part"), 404)

    assert problem["detail"] == "La ressource demandée n'existe pas."


def test_an_unexpected_exception_is_a_logged_generic_500(
    world: World, client: falcon.testing.TestClient, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("la base est tombée")

    monkeypatch.setattr(world.rules, "decide", broken)
    with caplog.at_level(logging.ERROR, logger="famille.http"):
        result = client.simulate_post("/api/v1/session", json={"login": "marie.dupont", "password": "Faux"})

    problem = assert_french_problem(result, 500)
    assert "la base est tombée" not in result.text
    assert problem["detail"] == "Une erreur inattendue est survenue ; veuillez réessayer plus tard."
    assert "la base est tombée" in caplog.text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children,
                                                                      max_size=5),
    max_leaves=12,
)
field_names = st.sampled_from(["login", "password", "current_password", "new_password", "confirmation",
                               "token"])
near_valid = st.dictionaries(field_names, json_values | st.text(max_size=300), max_size=6)


@pytest.mark.parametrize("route", ROUTES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values | near_valid)
@example(value={"login": None, "password": None})
@example(value={"login": "marie.dupont", "password": ["Cantine2026"]})
@example(value=1e308)
def test_random_json_never_gets_a_5xx_and_every_4xx_is_a_problem(
    client: falcon.testing.TestClient, family: dict[str, str], route: str, value: Any
) -> None:
    result = post(client, route, family, json=value)

    assert result.status_code < 500, result.text
    if result.status_code >= 400:
        assert result.headers["Content-Type"] == PROBLEM
        assert result.json["detail"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
@example(raw=b"\xff\xfe{")
@example(raw=b'{"login": "\\udc80"}')
def test_random_bytes_never_get_a_5xx(client: falcon.testing.TestClient, raw: bytes) -> None:
    result = client.simulate_post("/api/v1/password-reset", body=raw, content_type="application/json")

    assert result.status_code < 500
    assert result.status_code == 202 or result.headers["Content-Type"] == PROBLEM
