"""Attempts per client address on the login and reset routes are limited."""

from __future__ import annotations

import uuid

import falcon.testing
import pytest

from tests.http.conftest import World


def _post(client: falcon.testing.TestClient, path: str, address: str, body: dict[str, str]
          ) -> falcon.testing.Result:
    return client.simulate_post(path, json=body, remote_addr=address)


def test_too_many_logins_from_one_address_get_a_429_with_retry_after(world: World) -> None:
    client = falcon.testing.TestClient(world.app(login_rate="3/minute"))
    body = {"login": "marie.dupont", "password": "Mauvais1"}

    statuses = [_post(client, "/api/v1/session", "203.0.113.7", body).status_code for _ in range(4)]
    refused = _post(client, "/api/v1/session", "203.0.113.7", body)

    assert statuses == [401, 401, 401, 429]
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json["title"] == "Trop de tentatives"
    assert refused.json["detail"].startswith("Trop de tentatives depuis votre adresse ; réessayez dans")


def test_another_address_and_other_routes_are_not_held_back(world: World) -> None:
    client = falcon.testing.TestClient(world.app(login_rate="2/minute"))
    body = {"login": "marie.dupont", "password": "Mauvais1"}
    for _ in range(3):
        _post(client, "/api/v1/session", "203.0.113.7", body)

    assert _post(client, "/api/v1/session", "198.51.100.2", body).status_code == 401
    assert client.simulate_get("/api/v1/health", remote_addr="203.0.113.7").status_code == 200
    reset = _post(client, "/api/v1/password-reset", "203.0.113.7", {"login": "marie.dupont"})
    assert reset.status_code == 202


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(world: World) -> None:
    client = falcon.testing.TestClient(world.app(login_rate="2/minute"))
    body = {"login": "marie.dupont", "password": "Mauvais1"}

    statuses = [
        client.simulate_post("/api/v1/session", json=body, remote_addr="203.0.113.7",
                             headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code
        for n in range(3)
    ]

    assert statuses == [401, 401, 429]


def test_password_reset_requests_are_limited_too(world: World) -> None:
    client = falcon.testing.TestClient(world.app(login_rate="2/minute"))

    statuses = [_post(client, "/api/v1/password-reset", "203.0.113.9", {"login": "x"}).status_code
                for _ in range(3)]

    assert statuses == [202, 202, 429]


def _redis_installed() -> bool:
    try:
        import redis  # noqa: F401
    except ImportError:
        return False
    return True


def _redis_running() -> bool:
    import redis

    try:
        return bool(redis.Redis(socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


needs_redis_package = pytest.mark.skipif(not _redis_installed(), reason="needs the redis package")


@needs_redis_package
def test_two_workers_sharing_redis_count_together(world: World) -> None:
    if not _redis_running():
        pytest.skip("needs a Redis server on 127.0.0.1:6379")
    options = {"rate_limit_storage": "redis://127.0.0.1:6379", "login_rate": "3/minute"}
    first = falcon.testing.TestClient(world.app(**options))
    second = falcon.testing.TestClient(world.app(**options))
    address = f"2001:db8::{uuid.uuid4().hex[:4]}"  # fresh counters on every run
    body = {"login": "marie.dupont", "password": "Mauvais1"}

    statuses = [_post(client, "/api/v1/session", address, body).status_code
                for client in (first, second, first, second)]

    assert statuses == [401, 401, 401, 429]


@needs_redis_package
def test_an_unreachable_counter_store_lets_logins_through(world: World) -> None:
    client = falcon.testing.TestClient(
        world.app(rate_limit_storage="redis://127.0.0.1:1", login_rate="1/minute"))
    body = {"login": "marie.dupont", "password": "Mauvais1"}

    statuses = [_post(client, "/api/v1/session", "203.0.113.7", body).status_code for _ in range(2)]

    assert statuses == [401, 401]
