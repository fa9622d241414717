"""Refusals on pages are pages: a redirect to the login, or a French error page, never JSON.

The API's handlers (`famille.adapters.http.errors`) stay in force for everything
that is not a page; these handlers replace them on the app and hand the API's
requests back to them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import falcon

from famille.adapters.http import errors as api_errors
from famille.adapters.web.security import CsrfRefused, session_cookie
from famille.adapters.web.site import Site, login_address
from famille.kernel.shared.errors import DomainError, Unauthenticated
from famille.ports.rules import RulesUnavailable

log = logging.getLogger("famille.web")

PAGE_TITLES = {
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Action impossible sur cette page",
}
PAGE_DETAILS = {
    403: "Vous n'avez pas accès à cette page.",
    404: "La page demandée n'existe pas ou a été déplacée. Vérifiez l'adresse ou revenez à l'accueil.",
    405: "Cette page ne permet pas cette action. Revenez à l'accueil et recommencez.",
}


def install(app: falcon.App, site: Site, is_page: Callable[[falcon.Request], bool]) -> None:
    """Replace the app's handlers by ones that draw pages for pages and defer to the API otherwise."""

    def on_domain_error(req: falcon.Request, resp: falcon.Response, error: DomainError, params: Any) -> None:
        if not is_page(req):
            api_errors.handle_domain_error(req, resp, error, params)
        elif isinstance(error, Unauthenticated):
            _to_login(req, resp, site)
        else:
            status, _ = api_errors.domain_mapping(error)  # pages catch the refusals they expect themselves
            if falcon.http_status_to_code(status) >= 500:
                log.error("%s sur la page %s %s : %s", error.title, req.method, req.path, error.message)
            site.page(req, resp, "erreur.html", status=status, title=error.title, detail=error.message)

    def on_http_error(req: falcon.Request, resp: falcon.Response, error: falcon.HTTPError, params: Any) -> None:
        if not is_page(req):
            api_errors.handle_http_error(req, resp, error, params)
            return
        if error.headers:
            resp.set_headers(error.headers)
        code = error.status_code
        _, generic_title, generic_detail = api_errors.HTTP_PROBLEMS.get(
            code, ("", "Requête refusée", "La requête a été refusée.")
        )
        if isinstance(error, CsrfRefused | api_errors.ApiProblem):
            title, detail = error.title or generic_title, error.description or generic_detail
        else:
            title, detail = PAGE_TITLES.get(code, generic_title), PAGE_DETAILS.get(code, generic_detail)
        site.page(req, resp, "erreur.html", status=error.status, title=title, detail=detail)

    def on_unexpected(req: falcon.Request, resp: falcon.Response, error: Exception, params: Any) -> None:
        if not is_page(req):
            api_errors.handle_unexpected(req, resp, error, params)
            return
        log.exception("Erreur inattendue sur la page %s %s", req.method, req.path)
        _, title, detail = api_errors.HTTP_PROBLEMS[500]
        site.page(req, resp, "erreur.html", status=falcon.HTTP_500, title=title, detail=detail)

    def on_rules_unavailable(req: falcon.Request, resp: falcon.Response, error: RulesUnavailable,
                             params: Any) -> None:
        if not is_page(req):
            api_errors.handle_rules_unavailable(req, resp, error, params)
            return
        log.error("Règles indisponibles sur la page %s %s : %s", req.method, req.path, error, exc_info=error)
        _, title, detail = api_errors.RULES_UNAVAILABLE
        site.page(req, resp, "erreur.html", status=falcon.HTTP_503, title=title, detail=detail)

    app.add_error_handler(Exception, on_unexpected)
    app.add_error_handler(RulesUnavailable, on_rules_unavailable)
    app.add_error_handler(falcon.HTTPError, on_http_error)
    app.add_error_handler(DomainError, on_domain_error)


def _to_login(req: falcon.Request, resp: falcon.Response, site: Site) -> None:
    """No valid session: to the login page, back to the page asked for afterwards (GET only)."""
    expired = session_cookie(req) is not None
    if expired:
        site.close_session(resp)
    back = req.relative_uri if req.method == "GET" else None
    resp.status = falcon.HTTP_303
    resp.location = login_address(back, "session-expiree" if expired else None)
    resp.text = None
