"""What protects the pages: which requests are pages, a CSRF token on every form, security headers.

CSRF: signed double-submit. The browser holds a random `famille_csrf` cookie
(HttpOnly, so no script reads it); every form carries HMAC(cookie, session
token). A POST whose token does not match is refused with a French 403 page.
Binding the token to the session means a token seen before login is useless
after it. No server secret is needed, so the tokens stay valid across gunicorn
workers and restarts (each worker would otherwise generate its own secret).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

import falcon
from falcon.routing import CompiledRouter

from famille.adapters.http.auth import SESSION_COOKIE
from famille.adapters.web.forms import posted

CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SEED = re.compile(r"[A-Za-z0-9_-]{32,64}")

#: No inline script or style, nothing from elsewhere, never framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
DEFAULT_REFERRER_POLICY = "same-origin"
STATIC_CACHE = "public, max-age=86400"


class CsrfRefused(falcon.HTTPForbidden):
    """A form posted without the token of this browser's session (forged, or a stale page)."""

    def __init__(self) -> None:
        super().__init__(
            title="Formulaire expiré ou invalide",
            description=(
                "Ce formulaire a expiré ou ne vient pas du portail. Revenez à la page précédente, "
                "rechargez-la, puis recommencez."
            ),
        )


def csrf_token(seed: str, session_token: str | None) -> str:
    """The token the forms of a browser (`seed`) carry while in `session_token` (or logged out)."""
    message = f"famille-csrf|{session_token or ''}".encode()
    return hmac.new(seed.encode("ascii"), message, hashlib.sha256).hexdigest()


def session_cookie(req: falcon.Request) -> str | None:
    """The session token the browser sent, if any."""
    values = req.get_cookie_values(SESSION_COOKIE)
    return values[0] if values else None


class PageRoutes:
    """Tells the portal's pages (answered in HTML) from the API (answered in problem+json)."""

    def __init__(self) -> None:
        self._router = CompiledRouter()

    def add(self, template: str, resource: object) -> None:
        """Remember a page route."""
        self._router.add_route(template, resource)

    def __call__(self, req: falcon.Request) -> bool:
        """Whether `req` asks for a page (cached on the request)."""
        known = getattr(req.context, "is_page", None)
        if known is None:
            known = self._decide(req)
            req.context.is_page = known
        return bool(known)

    def _decide(self, req: falcon.Request) -> bool:
        path = req.path
        if path.startswith("/static/") or self._router.find(path) is not None:
            return True
        if path.startswith("/api/") or path == "/openapi.json":
            return False
        # An unknown address typed in a browser gets an HTML "page introuvable".
        return "text/html" in (req.get_header("Accept") or "")


class PageGuard:
    """Middleware: CSRF on every page POST, security headers on every page answer."""

    def __init__(self, is_page: PageRoutes, *, secure_cookies: bool) -> None:
        self._is_page = is_page
        self._secure = secure_cookies
        # `__Host-` cookies cannot be set by a sibling sub-domain (needs Secure).
        self.cookie_name = "__Host-famille_csrf" if secure_cookies else "famille_csrf"

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Give the request its CSRF seed (a new one for a new browser) and its form token."""
        if not self._is_page(req):
            return
        values = req.get_cookie_values(self.cookie_name) or []
        seed = next((v for v in values if _SEED.fullmatch(v)), None)
        req.context.csrf_new_seed = seed is None
        if seed is None:
            seed = secrets.token_urlsafe(32)
        req.context.csrf_seed = seed
        req.context.csrf_token = csrf_token(seed, session_cookie(req))

    def process_resource(
        self, req: falcon.Request, resp: falcon.Response, resource: Any, params: dict[str, Any]
    ) -> None:
        """Refuse a page POST whose token is missing or wrong; no state changes without one."""
        if req.method in SAFE_METHODS or not self._is_page(req):
            return
        given = posted(req).get(CSRF_FIELD, "")
        if req.context.csrf_new_seed or not hmac.compare_digest(given.encode(), req.context.csrf_token.encode()):
            raise CsrfRefused()

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        """Security headers, the static files' cache, and the CSRF cookie of a new browser."""
        if not self._is_page(req):
            return
        for name, value in PAGE_HEADERS.items():
            resp.set_header(name, value)
        if resp.get_header("Referrer-Policy") is None:
            resp.set_header("Referrer-Policy", DEFAULT_REFERRER_POLICY)
        if req.path.startswith("/static/"):
            if req_succeeded:
                resp.set_header("Cache-Control", STATIC_CACHE)
            return
        if getattr(req.context, "csrf_new_seed", False):
            resp.set_cookie(
                self.cookie_name, req.context.csrf_seed, path="/", secure=self._secure,
                http_only=True, same_site="Lax",
            )
