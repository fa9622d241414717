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


@pytest.mark.parametrize("path", ["//api/v1/session", "///api/v1/session"])
def test_another_spelling_of_the_login_route_counts_in_the_same_window(world: World, path: str) -> None:
    client = falcon.testing.TestClient(world.app(login_rate="2/minute"))
    body = {"login": "marie.dupont", "password": "Mauvais1"}
    _post(client, "/api/v1/session", "203.0.113.7", body)
    _post(client, "/api/v1/session", "203.0.113.7", body)

    assert _post(client, path, "203.0.113.7", body).status_code == 429


def test_the_reset_route_and_the_pages_cannot_be_side_stepped_by_a_leading_slash(world: World) -> None:
    client = falcon.testing.TestClient(world.app(login_rate="1/minute"))
    client.simulate_post("/api/v1/password-reset", json={"login": "x"}, remote_addr="203.0.113.7")
    form = {"headers": {"Content-Type": "application/x-www-form-urlencoded"}, "remote_addr": "203.0.113.7"}
    client.simulate_post("/connexion", body="login=x&password=y", **form)

    assert client.simulate_post("//api/v1/password-reset", json={"login": "x"},
                                remote_addr="203.0.113.7").status_code == 429
    refused = client.simulate_post("//connexion", body="login=x&password=y", **form)
    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.text


def test_one_login_tried_from_many_addresses_is_held_back(world: World) -> None:
    client = falcon.testing.TestClient(world.app(login_rate="100/minute", account_rate="3/minute"))

    statuses = [_post(client, "/api/v1/session", f"198.51.100.{n}",
                      {"login": " Marie.Dupont" if n % 2 else "marie.dupont", "password": "Mauvais1"}).status_code
                for n in range(4)]
    other_login = _post(client, "/api/v1/session", "198.51.100.9", {"login": "paul.martin", "password": "x"})

    assert statuses == [401, 401, 401, 429]
    assert "pour cet identifiant" in _post(client, "/api/v1/session", "198.51.100.8",
                                           {"login": "marie.dupont", "password": "x"}).json["detail"]
    assert other_login.status_code == 401


def test_behind_a_trusted_proxy_each_family_has_its_own_window(world: World) -> None:
    from famille.adapters.http.throttle import trusted_networks

    client = falcon.testing.TestClient(
        world.app(login_rate="2/minute", trusted_proxies=trusted_networks("10.0.0.1, 192.0.2.0/24")))
    body = {"login": "marie.dupont", "password": "Mauvais1"}

    def via_proxy(forwarded: str) -> int:
        return client.simulate_post("/api/v1/session", json=body, remote_addr="10.0.0.1",
                                    headers={"X-Forwarded-For": forwarded}).status_code

    first = [via_proxy("203.0.113.7") for _ in range(3)]
    # A client's own header comes first; the proxies add the real peer at the end.
    forged = [via_proxy(f"198.51.100.{n}, 203.0.113.7, 192.0.2.5") for n in range(2)]
    other_family = via_proxy("203.0.113.8")

    assert first == [401, 401, 429]
    assert forged == [429, 429]
    assert other_family == 401


def test_trusted_proxies_are_addresses_or_networks() -> None:
    from famille.adapters.http.throttle import trusted_networks

    assert [str(n) for n in trusted_networks("10.0.0.1 ,fd00::/8")] == ["10.0.0.1/32", "fd00::/8"]
    with pytest.raises(ValueError, match=r"FAMILLE_TRUSTED_PROXIES : « proxy\.local »"):
        trusted_networks("proxy.local")


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
