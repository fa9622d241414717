"""Slow down password guessing: moving windows of attempts per client address and per login.

What is throttled is decided on the routed resource, never on the raw path: a
resource declares `throttle = Guarded(...)` and the middleware acts in
`process_resource`, after Falcon has routed the request. `//api/v1/session`,
`/connexion/` or any other spelling that reaches the same resource counts in the
same window.

Two windows per resource: one per client address (`address_rate`), one per login
(`login_rate`, the login read from the body, whatever the address: a guess spread
over many addresses is held too).

The client address is `REMOTE_ADDR`, the peer the WSGI server saw. `X-Forwarded-For`
is read only when that peer is one of the `trusted_proxies` (FAMILLE_TRUSTED_PROXIES):
the header is then walked from its right end (the hop the trusted proxy added)
past the trusted proxies, and the first other address is the client's. Anyone
else's header is ignored, so no client picks a fresh address per request.

Counters live in the storage named by a `limits` URI: `memory://` counts per
process (one gunicorn worker each), `redis://127.0.0.1:6379` counts across
workers and hosts. If the storage fails, the request goes through (logged): the
per-account lockout still stands, and a Redis outage must not stop every login.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Iterable, Sequence

import attrs
import falcon
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from famille.adapters.http.errors import ApiProblem
from famille.adapters.http.payloads import read_json

log = logging.getLogger("famille.http.throttle")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORM_URLENCODED = "application/x-www-form-urlencoded"
LOGIN_MAX = 200


@attrs.frozen
class Guarded:
    """What a resource declares to be throttled: its methods, and the body field holding the login."""

    methods: frozenset[str] = frozenset({"POST"})
    login_field: str = "login"


#: Logins and « Mot de passe oublié », on the API and on the pages.
LOGIN_ATTEMPTS = Guarded()


def trusted_networks(spec: str | Iterable[str]) -> tuple[Network, ...]:
    """The networks of `FAMILLE_TRUSTED_PROXIES` (addresses or CIDR, comma or space separated)."""
    items = spec.replace(",", " ").split() if isinstance(spec, str) else list(spec)
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"FAMILLE_TRUSTED_PROXIES : « {item} » n'est ni une adresse IP ni un réseau (ex. 10.0.0.0/8)."
            ) from None
    return tuple(networks)


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(req: falcon.Request, trusted_proxies: Sequence[Network] = ()) -> str:
    """The client's address: the peer, or what trusted proxies say in `X-Forwarded-For`."""
    address: str = req.remote_addr or ""
    if not trusted_proxies or not _trusted(address, trusted_proxies):
        return address
    hops = [hop.strip() for hop in (req.get_header("X-Forwarded-For") or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = hop
        if not _trusted(hop, trusted_proxies):
            break
    return address[:64]


def _login_key(login: object) -> str | None:
    """The login a window counts (case and spaces do not make another one), hashed: never a raw input."""
    if not isinstance(login, str) or not login.strip():
        return None
    key = login.strip()[:LOGIN_MAX].casefold()
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


class ThrottleMiddleware:
    """Answers 429 (with `Retry-After`) once an address, or a login, exceeds its rate on a guarded resource."""

    def __init__(
        self,
        storage_uri: str,
        address_rate: str,
        login_rate: str,
        *,
        trusted_proxies: Sequence[Network] = (),
    ) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._per_address = parse(address_rate)
        self._per_login = parse(login_rate)
        self._trusted = tuple(trusted_proxies)

    def process_resource(
        self, req: falcon.Request, resp: falcon.Response, resource: object, params: dict[str, object]
    ) -> None:
        """Count the attempt against the routed resource; refuse it when a window is full."""
        guard = getattr(resource, "throttle", None)
        if not isinstance(guard, Guarded) or req.method not in guard.methods:
            return
        name = type(resource).__name__
        self._hit(self._per_address, name, "adresse", client_address(req, self._trusted),
                  "depuis votre adresse")
        login = _login_key(self._posted(req).get(guard.login_field))
        if login is not None:
            self._hit(self._per_login, name, "identifiant", login, "pour cet identifiant")

    @staticmethod
    def _posted(req: falcon.Request) -> dict[str, object]:
        """The body, read the way the resource reads it (and kept for it): JSON, or a form."""
        content_type = (req.content_type or "application/json").split(";")[0].strip().lower()
        if content_type == FORM_URLENCODED:
            media = req.get_media(default_when_empty={})
        elif content_type == "application/json" or content_type.endswith("+json"):
            media = read_json(req)  # its 400/413 are the answers the resource would give
        else:  # no login could be counted: a guarded resource takes JSON or a plain form only
            raise ApiProblem(
                falcon.HTTP_415, "unsupported-media-type", "Type de contenu non pris en charge",
                "Envoyez l'identifiant en JSON (API) ou par le formulaire de la page.",
            )
        return media if isinstance(media, dict) else {}

    def _hit(self, item: RateLimitItem, resource: str, kind: str, key: str, whose: str) -> None:
        try:
            if self._limiter.hit(item, resource, kind, key):
                return
            stats = self._limiter.get_window_stats(item, resource, kind, key)
        except Exception:
            log.exception("Compteur de tentatives indisponible ; requête laissée passer")
            return
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise ApiProblem(
            falcon.HTTP_429,
            "too-many-requests",
            "Trop de tentatives",
            f"Trop de tentatives {whose} ; réessayez dans {_duration(retry_after)}.",
            headers={"Retry-After": str(retry_after)},
        )


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"
