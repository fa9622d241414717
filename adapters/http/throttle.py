"""Slow down password guessing: a moving window of attempts per client address on a few routes.

The address is `REMOTE_ADDR`, the peer the WSGI server saw. `X-Forwarded-For` is
not trusted by default: any client can send it, so trusting it without a proxy in
front would let an attacker pick a fresh address per request and never be
throttled. Behind a reverse proxy every client shares the proxy's address; then
pass `client_address` a function that reads the header the proxy sets (and that
the proxy overwrites, never appends to blindly).

Counters live in the storage named by a `limits` URI: `memory://` counts per
process (one gunicorn worker each), `redis://127.0.0.1:6379` counts across
workers and hosts. If the storage fails, the request goes through (logged): the
per-account lockout still stands, and a Redis outage must not stop every login.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable

import falcon
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from famille.adapters.http.errors import ApiProblem

log = logging.getLogger("famille.http.throttle")


def remote_address(req: falcon.Request) -> str:
    """The peer address of the connection (`REMOTE_ADDR`)."""
    return req.remote_addr


class ThrottleMiddleware:
    """Answers 429 (with `Retry-After`) once an address exceeds `rate` on one of the `routes`."""

    def __init__(
        self,
        storage_uri: str,
        rate: str,
        routes: Iterable[tuple[str, str]],
        *,
        client_address: Callable[[falcon.Request], str] = remote_address,
    ) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._item = parse(rate)
        self._routes = frozenset((method.upper(), path) for method, path in routes)
        self._client_address = client_address

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Count the attempt; refuse it when the window is full."""
        if (req.method, req.path) not in self._routes:
            return
        address = self._client_address(req)
        try:
            allowed = self._limiter.hit(self._item, req.path, address)
            if allowed:
                return
            stats = self._limiter.get_window_stats(self._item, req.path, address)
        except Exception:
            log.exception("Compteur de tentatives indisponible ; requête laissée passer")
            return
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise ApiProblem(
            falcon.HTTP_429,
            "too-many-requests",
            "Trop de tentatives",
            f"Trop de tentatives depuis votre adresse ; réessayez dans {_duration(retry_after)}.",
            headers={"Retry-After": str(retry_after)},
        )


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"

