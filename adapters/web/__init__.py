"""The web portal: the pages families and agents use, served by the same Falcon app as the API.

A second driving adapter on the same kernel. `add_pages` mounts the pages under `/`
(the API stays under `/api/v1`): page resources declare who may call them exactly
as API resources do (`auth`, see `famille.adapters.http.auth`), but a page answers
a refusal with a page: no session sends the browser to `/connexion`, anything
else shows a French error page. Every form carries a CSRF token (`security.py`).

To add a page: a resource in `resources/`, a template extending `base.html`, and
one line in `PAGES` below (replace the `SoonResource` of its menu entry).
"""

from __future__ import annotations

from collections.abc import Callable

import falcon

from famille.adapters.http.auth import AGENT, FAMILY
from famille.adapters.http.throttle import ThrottleMiddleware
from famille.adapters.web import errors
from famille.adapters.web.rendering import STATIC_DIR, Renderer
from famille.adapters.web.resources.home import HomeResource
from famille.adapters.web.resources.inbox import InboxResource, MessageReadResource, MessageResource
from famille.adapters.web.resources.password import (
    ChangePasswordResource,
    ForgottenPasswordResource,
    NewPasswordResource,
)
from famille.adapters.web.resources.session import LoginResource, LogoutResource, RootResource
from famille.adapters.web.resources.soon import SoonResource
from famille.adapters.web.security import PageGuard, PageRoutes
from famille.adapters.web.site import Site
from famille.ports.http import Application

__all__ = ["PAGES", "add_pages"]


def _soon(title: str, summary: str, auth: str = FAMILY) -> Callable[[Site], object]:
    return lambda site: SoonResource(site, title, summary, auth=auth)


#: Every page: its address and how to build its resource.
PAGES: tuple[tuple[str, Callable[[Site], object]], ...] = (
    ("/", RootResource),
    ("/connexion", LoginResource),
    ("/deconnexion", LogoutResource),
    ("/mot-de-passe-oublie", ForgottenPasswordResource),
    ("/mot-de-passe/nouveau", NewPasswordResource),
    ("/mot-de-passe", ChangePasswordResource),
    ("/accueil", HomeResource),
    ("/messages", InboxResource),
    ("/messages/{message_id}", MessageResource),
    ("/messages/{message_id}/lu", MessageReadResource),
    ("/mon-compte", _soon("Mon compte", "Vous y trouverez les informations du responsable et du "
                          "conjoint, les données fiscales, CAF et bancaires, et vos demandes de modification.")),
    ("/enfants", _soon("Mes enfants", "Vous y trouverez la fiche de chaque enfant : autorisations, "
                       "données complémentaires, données sanitaires et agenda.")),
    ("/enfants/{child_id}", _soon("Fiche enfant", "Vous y trouverez l'identité de l'enfant, ses "
                                  "autorisations, ses données complémentaires et sanitaires, et son agenda.")),
    ("/releve-de-compte", _soon("Relevé de compte", "Vous y trouverez vos factures, vos paiements et "
                                "le solde de votre compte.")),
    ("/demandes", _soon("Liste des demandes", "Vous y suivrez vos demandes : en attente, acceptées "
                        "(avec leur date) ou refusées (avec le motif).")),
    ("/agent/demandes", _soon("Demandes à traiter", "Vous y accepterez ou refuserez les demandes des "
                              "familles de votre organisation.", AGENT)),
    ("/agent/familles", _soon("Familles", "Vous y trouverez les familles et les enfants de votre "
                              "organisation.", AGENT)),
)
#: The forms where passwords or logins are guessed: throttled per address, like the API's.
THROTTLED = (("POST", "/connexion"), ("POST", "/mot-de-passe-oublie"))


def add_pages(
    app: falcon.App,
    portal: Application,
    *,
    secure_cookies: bool,
    rate_limit_storage: str = "memory://",
    login_rate: str = "30/minute",
) -> None:
    """Mount the portal's pages, their static files, their guard and their error pages on `app`."""
    site = Site(portal=portal, renderer=Renderer(), secure_cookies=secure_cookies)
    routes = PageRoutes()
    for template, build in PAGES:
        resource = build(site)
        app.add_route(template, resource)
        routes.add(template, resource)
    app.add_static_route("/static", STATIC_DIR)
    app.add_middleware([
        ThrottleMiddleware(rate_limit_storage, login_rate, THROTTLED),
        PageGuard(routes, secure_cookies=secure_cookies),
    ])
    errors.install(app, site, routes)


