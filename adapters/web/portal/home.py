"""« Accueil » : the family's home page as the guide shows it, or an agent's."""

from __future__ import annotations

import falcon

from famille.adapters.http.auth import AUTHENTICATED
from famille.adapters.web.site import Site


class HomeResource:
    """The caller's home page (family or agent)."""

    auth = AUTHENTICATED

    def __init__(self, site: Site) -> None:
        self._site = site

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Responsable, welcome, balance, unpaid invoices, children; an agent's organisation."""
        principal = req.context.principal
        home = self._site.portal.home.page(principal)
        template = "accueil_agent.html" if principal.is_agent else "accueil.html"
        self._site.page(req, resp, template, home=home)
