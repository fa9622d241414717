"""The agents' back office pages: « Familles » (search, pages of results) and a family's file.

Agents of the organisation only (`auth = AGENT`); the kernel keeps each agent inside its
organisation: another organisation's family is « Page introuvable », and never appears in
a search.
"""

from __future__ import annotations

import falcon

from famille.adapters.http.auth import AGENT
from famille.adapters.http.payloads import path_id
from famille.adapters.web.billing.agent import METHODS
from famille.adapters.web.billing.family import invoice_address
from famille.adapters.web.families.account import TABS
from famille.adapters.web.forms import Form
from famille.adapters.web.planning.forms import address
from famille.adapters.web.site import Page
from famille.kernel.billing.model import PaymentMethod
from famille.kernel.families.directory import QUERY_MAX
from famille.kernel.shared.errors import ValidationFailed

PAGE_DIGITS = 6


def _page_number(raw: str | None) -> int:
    """The page asked for; anything but a number is the first page."""
    return int(raw) if raw and raw.isdigit() and len(raw) <= PAGE_DIGITS else 1


class FamiliesPage(Page):
    """`/agent/familles?q=&page=`: find a family by its name, its N° famille or a child's name."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The search form and a page of the organisation's families (all of them without a search)."""
        query = req.get_param("q") or ""
        form = Form(values={"q": query})
        status = falcon.HTTP_200
        try:
            found = self._site.portal.directory.search(req.context.principal, query,
                                                       _page_number(req.get_param("page")))
        except ValidationFailed as refused:
            form.absorb(refused, ["q"])
            found, status = None, falcon.HTTP_422

        def page_href(number: int) -> str:
            return address("/agent/familles", q=query.strip() or None, page=str(number) if number > 1 else None)

        self._site.page(req, resp, "agent_familles.html", status=status, form=form, found=found,
                        page_href=page_href, query_max=QUERY_MAX)


class FamilyFilePage(Page):
    """`/agent/familles/{family_id}`: the family's file, every part of it on one page."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response, family_id: str) -> None:
        """Children and enrolments, requests, account and invoices, and the record's tabs (read only)."""
        self.show(req, resp, family_id, Form())

    def show(self, req: falcon.Request, resp: falcon.Response, family_id: str, form: Form,
             status: str = falcon.HTTP_200) -> None:
        """The file, with what `form` says went wrong (an activation link that could not be sent)."""
        file = self._site.portal.back_office.family_file(req.context.principal, path_id(family_id, "Famille"))
        tabs = []
        for tab in TABS:
            current = tab.current(file.record)
            tabs.append((tab, tab.part(file.record) is not None,
                         [(spec.label, spec.shown(current.get(spec.name))) for spec in tab.inputs]))
        self._site.page(req, resp, "agent_famille.html", status=status, form=form, file=file, record=file.record, tabs=tabs,
                        pending=len(file.pending_requests), today=self._site.today(),
                        methods={**dict(METHODS), PaymentMethod.ONLINE.value: PaymentMethod.ONLINE.label}, invoice_href=lambda invoice_id: invoice_address(invoice_id, agent=True))
