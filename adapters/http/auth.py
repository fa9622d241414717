"""Who is calling, and whether they may: one middleware, one declaration per resource.

Every resource declares `auth`, either one access level for all its methods or a
mapping from HTTP method to level:

- `"public"`: anyone, no session looked at;
- `"authenticated"`: any valid session (family or agent);
- `"family"` / `"agent"`: a valid session of that role.

A route that forgets to declare is refused (500, logged) rather than left open;
a test walks every route of the app to make sure none forgets.
The token comes from `Authorization: Bearer <token>` or the `famille_session` cookie.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import falcon

from famille.kernel.accounts.model import Principal, Role
from famille.kernel.families.callers import Callers
from famille.kernel.families.model import Child
from famille.kernel.shared.errors import Forbidden, Unauthenticated

SESSION_COOKIE = "famille_session"
PUBLIC = "public"
AUTHENTICATED = "authenticated"
FAMILY = "family"
AGENT = "agent"
LEVELS = frozenset({PUBLIC, AUTHENTICATED, FAMILY, AGENT})
_ROLE_OF_LEVEL = {FAMILY: Role.FAMILY, AGENT: Role.AGENT}


class UndeclaredAccess(RuntimeError):
    """A resource method that does not say who may call it (a programming error)."""


def access_level(resource: object, method: str) -> str | None:
    """The level `resource` declares for `method`, or None if it declares none."""
    declared = getattr(resource, "auth", None)
    if isinstance(declared, Mapping):
        declared = declared.get(method.upper())
    return declared if declared in LEVELS else None


def bearer_token(req: falcon.Request) -> str | None:
    """The session token the request carries, header first, then cookie."""
    header = req.get_header("Authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        return None
    cookies = req.get_cookie_values(SESSION_COOKIE)
    return cookies[0] if cookies else None


class AuthMiddleware:
    """Sets `req.context.principal` (or None) and enforces each resource's declared level.

    On a route about a child (`{child_id}`), the session and the child are read together:
    `req.context.child` is the child when the caller may see it, for the resource to pass on.
    """

    def __init__(self, callers: Callers) -> None:
        self._callers = callers

    def process_resource(
        self, req: falcon.Request, resp: falcon.Response, resource: Any, params: dict[str, Any]
    ) -> None:
        """Authenticate when the route needs it, then check the role."""
        req.context.principal = None
        req.context.child = None
        if resource is None:  # no route: the 404 needs nobody
            return
        level = access_level(resource, req.method)
        if level is None:
            if req.method == "OPTIONS" or not hasattr(resource, f"on_{req.method.lower()}"):
                return  # Falcon's own responders (OPTIONS, 405) reveal nothing
            raise UndeclaredAccess(f"{type(resource).__name__}.{req.method} ne déclare pas `auth`")
        if level == PUBLIC:
            return
        principal, req.context.child = self._principal(req, params.get("child_id"))
        required = _ROLE_OF_LEVEL.get(level)
        if required is not None and principal.role is not required:
            raise Forbidden("Cette page est réservée aux " + ("familles." if level == FAMILY else "agents."))
        req.context.principal = principal

    def _principal(self, req: falcon.Request, child_id: Any) -> tuple[Principal, Child | None]:
        token = bearer_token(req)
        if token is None:
            raise Unauthenticated("Veuillez vous connecter pour accéder à cette page.")
        if len(token) > 512 or not token.isascii():  # never a token of ours; spare the database
            raise Unauthenticated("Votre session a expiré ; veuillez vous reconnecter.")
        return self._callers.caller(token, child_id if isinstance(child_id, str) else None)
