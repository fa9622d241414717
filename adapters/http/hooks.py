"""Small middleware: a hook run before each request, and response headers every answer gets."""

from __future__ import annotations

import logging
from collections.abc import Callable

import falcon

log = logging.getLogger("famille.http")


class BeforeRequest:
    """Runs `hook` (e.g. reload the rule files if they changed) before each request.

    A failing hook is logged and the request goes on: the rules already loaded stay in force.
    """

    def __init__(self, hook: Callable[[], object]) -> None:
        self._hook = hook

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Call the hook, never letting it fail the request."""
        try:
            self._hook()
        except Exception:
            log.exception("Échec du traitement préalable à la requête (rechargement des règles ?)")


#: Browsers keep to https for a year once they have seen the portal over https.
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """Personal data and tokens must not be cached, nor sniffed as another content type.

    With `hsts` (the portal's address is https), every answer also tells the browser
    never to come back over plain http (Strict-Transport-Security).
    """

    def __init__(self, *, hsts: bool = False) -> None:
        self._hsts = hsts

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        """Add the headers unless a resource chose otherwise."""
        if resp.get_header("Cache-Control") is None:
            resp.set_header("Cache-Control", "no-store")
        resp.set_header("X-Content-Type-Options", "nosniff")
        if self._hsts:
            resp.set_header("Strict-Transport-Security", HSTS)
