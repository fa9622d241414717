"""`/api/v1/me`: the caller's home page."""

from __future__ import annotations

import falcon

from famille.adapters.http.auth import AUTHENTICATED
from famille.adapters.http.routes import Route
from famille.adapters.http.views import home_view
from famille.kernel.portal.home import Home


class HomeResource(Route[Home]):
    """The home page of whoever is logged in (a family or an agent)."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The home page."""
        resp.media = home_view(self._use_case.page(req.context.principal))
