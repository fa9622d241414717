"""The app's routes: each declares who may call it, and the OpenAPI document lists exactly them."""

from __future__ import annotations

import logging
from collections.abc import Callable

import falcon
import falcon.inspect
import falcon.testing
import pytest
from openapi_spec_validator import validate

from famille.adapters.http.app import load_openapi
from famille.adapters.http.auth import AGENT, FAMILY, LEVELS, access_level
from famille.adapters.web import PAGES
from famille.kernel.planning.rules import absence_reasons
from tests.fakes.rules import NEW_REASON, ShippedRules, one_more_reason
from tests.http.conftest import World, bearer

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def app_operations(app: falcon.App) -> set[tuple[str, str]]:
    """(path, method) for every responder the app's own resources define."""
    return {
        (route.path, method.method)
        for route in falcon.inspect.inspect_routes(app)
        for method in route.methods
        if not method.internal
    }


def api_operations(app: falcon.App) -> set[tuple[str, str]]:
    """The operations of the API: every route but the web portal's pages (which OpenAPI does not list)."""
    pages = {template for template, _ in PAGES}
    return {(path, method) for path, method in app_operations(app) if path not in pages}


def documented_operations() -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, item in load_openapi()["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def test_every_route_declares_who_may_call_it(app: falcon.App) -> None:
    router = app._router
    for path, method in app_operations(app):
        resource = router.find(path.replace("{message_id}", "x"))[0]
        assert access_level(resource, method) in LEVELS, f"{method} {path} ne déclare pas `auth`"


def test_the_openapi_document_is_valid(client: falcon.testing.TestClient) -> None:
    served = client.simulate_get("/openapi.json")

    assert served.status_code == 200
    assert served.headers["Content-Type"].startswith("application/json")
    validate(served.json)
    assert served.json == load_openapi(absence_reasons(ShippedRules(), None))


def test_the_served_document_lists_the_absence_reasons_of_the_rules_in_force(
    world: World, client: falcon.testing.TestClient
) -> None:
    def reasons() -> list[str]:
        document = client.simulate_get("/openapi.json").json
        return document["components"]["schemas"]["AbsenceRequest"]["allOf"][1]["properties"]["reason"]["enum"]

    assert reasons()[0] == "RAISON MEDICALE" and NEW_REASON not in reasons()
    world.rules.use(one_more_reason())  # one edit of absence_reasons.yaml, as a reload would take it

    assert NEW_REASON in reasons() and reasons() == list(world.rules.input_values("absence_reasons", "reason"))


def test_the_openapi_document_lists_exactly_the_routes_of_the_app(app: falcon.App) -> None:
    assert documented_operations() == api_operations(app)


def test_public_operations_are_exactly_those_documented_without_security(app: falcon.App) -> None:
    document = load_openapi()
    public_documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS and operation.get("security") == []
    }
    router = app._router
    public_in_app = {
        (path, method) for path, method in api_operations(app)
        if access_level(router.find(path.replace("{message_id}", "x"))[0], method) == "public"
    }

    assert public_documented == public_in_app


def test_health_answers_ok_without_a_session(client: falcon.testing.TestClient) -> None:
    result = client.simulate_get("/api/v1/health")

    assert result.status_code == 200
    assert result.json == {"status": "ok"}


class _Restricted:
    def __init__(self, level: str) -> None:
        self.auth = level

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"login": req.context.principal.login}


class _Undeclared:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"secret": True}


@pytest.mark.parametrize(("level", "allowed", "refused"), [
    (FAMILY, "marie.dupont", "agent.villeneuve"),
    (AGENT, "agent.villeneuve", "marie.dupont"),
])
def test_a_role_level_admits_its_role_and_forbids_the_other(
    app: falcon.App, token_of: Callable[[str], str], level: str, allowed: str, refused: str
) -> None:
    app.add_route("/test/restricted", _Restricted(level))
    client = falcon.testing.TestClient(app)

    ok = client.simulate_get("/test/restricted", headers=bearer(token_of(allowed)))
    forbidden = client.simulate_get("/test/restricted", headers=bearer(token_of(refused)))
    anonymous = client.simulate_get("/test/restricted")

    assert ok.status_code == 200
    assert ok.json == {"login": allowed}
    assert forbidden.status_code == 403
    assert forbidden.headers["Content-Type"] == "application/problem+json"
    assert forbidden.json["title"] == "Accès refusé"
    assert anonymous.status_code == 401


def test_a_route_that_declares_nothing_is_closed(app: falcon.App, caplog: pytest.LogCaptureFixture) -> None:
    app.add_route("/test/undeclared", _Undeclared())

    with caplog.at_level(logging.ERROR, logger="famille.http"):
        result = falcon.testing.TestClient(app).simulate_get("/test/undeclared")

    assert result.status_code == 500
    assert "secret" not in result.text
    assert "ne déclare pas" in caplog.text


def test_the_before_request_hook_runs_and_its_failure_is_logged_not_fatal(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def reload_rules() -> None:
        calls.append(1)
        if len(calls) == 2:
            raise ValueError("règle illisible")

    client = falcon.testing.TestClient(world.app(on_request=reload_rules))
    with caplog.at_level(logging.ERROR, logger="famille.http"):
        statuses = [client.simulate_get("/api/v1/health").status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert len(calls) == 3
    assert "règle illisible" in caplog.text
