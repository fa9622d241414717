"""Menu entries whose pages are not built yet say so plainly (« Bientôt disponible »)."""

from __future__ import annotations

import falcon

from famille.adapters.web.site import Site


class SoonResource:
    """A page of the menu that a later version of the portal fills."""

    def __init__(self, site: Site, title: str, summary: str, *, auth: str) -> None:
        self._site = site
        self._title = title
        self._summary = summary
        self.auth = auth

    def on_get(self, req: falcon.Request, resp: falcon.Response, **params: str) -> None:
        """The placeholder, with what the page will offer."""
        self._site.page(req, resp, "bientot.html", title=self._title, summary=self._summary)
