"""« Accueil » : the family's home page as the guide shows it, or an agent's."""

from __future__ import annotations

import falcon

from famille.adapters.http.auth import AUTHENTICATED
from famille.adapters.web.billing.agent import month_label
from famille.adapters.web.planning.forms import address
from famille.adapters.web.site import Page


class HomeResource(Page):
    """The caller's home page (family or agent)."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Responsable, welcome, balance, unpaid invoices, children; for an agent, the day: what waits,
        today's headcounts, missing pointage, last month's billing."""
        principal = req.context.principal
        home = self._site.portal.home.page(principal)
        if not principal.is_agent:
            self._site.page(req, resp, "accueil.html", home=home)
            return
        today = self._site.portal.back_office.day(principal)
        self._site.page(req, resp, "accueil_agent.html", home=home, day=today,
                        month=month_label(today.billing.month),
                        run_href=f"/agent/facturation/{today.billing.run.id}" if today.billing.run else
                        address("/agent/facturation", mois=today.billing.month))
