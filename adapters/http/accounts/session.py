"""`/api/v1/session`: log in (POST) and log out (DELETE)."""

from __future__ import annotations

import falcon

from famille.adapters.http.auth import AUTHENTICATED, PUBLIC, SESSION_COOKIE
from famille.adapters.http.payloads import LoginBody, load
from famille.adapters.http.throttle import LOGIN_ATTEMPTS
from famille.adapters.http.views import created, grant_view
from famille.kernel.accounts.authentication import Authentication
from famille.ports.clock import Clock


class SessionResource:
    """Opens a session (token in the body and in an HttpOnly cookie) or ends the caller's."""

    auth = {"POST": PUBLIC, "DELETE": AUTHENTICATED}
    throttle = LOGIN_ATTEMPTS

    def __init__(self, authentication: Authentication, clock: Clock, *, secure_cookies: bool) -> None:
        self._authentication = authentication
        self._clock = clock
        self._secure = secure_cookies

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Log in with login and password."""
        body = load(req, LoginBody)
        grant = self._authentication.login(body.login, body.password)
        lifetime = grant.session.expires_at - self._clock.now()
        resp.set_cookie(
            SESSION_COOKIE,
            grant.token,
            max_age=max(0, int(lifetime.total_seconds())),
            path="/",
            secure=self._secure,
            http_only=True,
            same_site="Lax",
        )
        created(resp, grant_view(grant))

    def on_delete(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Log out: the session ends and the cookie is cleared."""
        self._authentication.logout(req.context.principal)
        resp.unset_cookie(SESSION_COOKIE, path="/", same_site="Lax")
        resp.status = falcon.HTTP_204
