"""The agents' back office over the API: the family list and search, a family's file, the day.

Agents only (a family gets 403); an agent sees its organisation's families, and a family
of another organisation answers 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

import falcon

from famille.adapters.http.auth import AGENT
from famille.adapters.http.billing.views import invoice_view, payment_view
from famille.adapters.http.families.views import family_record_view, identity_view, request_view
from famille.adapters.http.payloads import path_id
from famille.adapters.http.planning.views import absence_view, booking_view, enrolment_view, headcounts_view
from famille.adapters.http.portal.onboarding import FamiliesResource as NewFamilyResource
from famille.adapters.http.routes import Route
from famille.adapters.http.views import amount, day
from famille.kernel.families.directory import FamilyList, FamilyListing
from famille.kernel.portal.back_office import AgentDay, ChildFile, FamilyFile
from famille.kernel.shared.errors import FieldError, ValidationFailed
from famille.ports.http import Application

API = "/api/v1"
PAGE_DIGITS = 6


def _page(req: falcon.Request) -> int:
    """`page`, a whole number from 1 (absent: 1; blank: refused, as the document says it is a
    number); the kernel decides the bounds."""
    raw = req.get_param("page")
    if raw is None:
        return 1
    if not raw.isdigit() or len(raw) > PAGE_DIGITS:
        raise ValidationFailed([FieldError("page", "Paramètre « page » : un numéro de page (1, 2, …).")])
    return int(raw)


def listing_view(entry: FamilyListing) -> dict[str, Any]:
    """A family in the list: N° famille, adults' names and town, children."""
    family = entry.family
    conjoint = family.conjoint
    return {
        "id": family.id, "number": family.number,
        "responsable": {"civilite": family.responsable.civilite.value if family.responsable.civilite else None,
                        "nom": family.responsable.nom, "prenom": family.responsable.prenom},
        "conjoint": {"nom": conjoint.nom, "prenom": conjoint.prenom} if conjoint else None,
        "ville": family.responsable.ville,
        "children": [{"id": c.id, "nom": c.nom, "prenom": c.prenom, "date_naissance": day(c.date_naissance)}
                     for c in entry.children],
        "href": f"{API}/agent/families/{family.id}",
    }


def family_list_view(found: FamilyList) -> dict[str, Any]:
    """A page of the list, with where it stands."""
    return {"query": found.query, "page": found.page, "page_size": found.page_size, "pages": found.pages,
            "total": found.total, "families": [listing_view(e) for e in found.entries]}


def child_file_view(child: ChildFile, prelevement: bool) -> dict[str, Any]:
    """A child in the family's file (`prelevement`: the family's accepted bank record says so)."""
    return {
        **identity_view(child.child, prelevement),
        "enrolments": [enrolment_view(e) for e in child.enrolments],
        "pending_bookings": [booking_view(b) for b in child.pending_bookings],
        "pending_absences": [absence_view(a) for a in child.pending_absences],
        "record": f"{API}/children/{child.child.id}",
        "planning": f"{API}/children/{child.child.id}/planning",
        "bookings": f"{API}/agent/children/{child.child.id}/bookings",
        "absences": f"{API}/agent/children/{child.child.id}/absences",
    }


def family_file_view(file: FamilyFile) -> dict[str, Any]:
    """The record (as before: every tab and `pending_requests`), children, requests, account, invoices."""
    account = file.account
    return {
        **family_record_view(file.record_page),
        "children": [child_file_view(c, file.record.sections.bancaires.prelevement) for c in file.children],
        "requests": [request_view(r) for r in file.requests],
        "account": {
            "as_of": day(account.on), "balance": amount(account.balance),
            "unpaid": [{"invoice_id": o.invoice.id, "number": o.invoice.number, "due_on": day(o.invoice.due_on),
                        "remaining": amount(o.remaining)} for o in account.unpaid],
        },
        "invoices": [invoice_view(i) for i in file.invoices],
        "payments": [payment_view(p) for p in file.payments],
    }


def agent_day_view(today: AgentDay) -> dict[str, Any]:
    """The agent's day."""
    billing = today.billing
    run = billing.run
    return {
        "date": day(today.today),
        "waiting": {"requests": today.requests_waiting, "planning": today.planning_waiting},
        "headcounts": headcounts_view(today.today, list(today.headcounts))["headcounts"],
        "missing_attendance": {
            "from": day(today.missing_from),
            "days": [{"date": day(m.day), "service": m.service_code, "children": m.children}
                     for m in today.missing_attendance],
        },
        "billing": {
            "month": billing.month,
            "status": run.status.value if run else "none",
            "run": f"{API}/agent/billing/runs/{run.id}" if run else None,
            "invoices": billing.totals.invoices, "flagged": billing.totals.flagged,
            "total": amount(billing.totals.total),
        },
    }


class FamiliesResource(NewFamilyResource):
    """`GET /agent/families?q=&page=`: the organisation's families, searched and paginated
    (`POST`, creating one, is onboarding's)."""

    auth = AGENT

    def __init__(self, portal: Application) -> None:
        super().__init__(portal.onboarding)
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """By name, N° famille or a child's name; every family without `q`."""
        found = self._portal.directory.search(req.context.principal, req.get_param("q") or "", _page(req))
        resp.media = family_list_view(found)


class FamilyFileResource(Route[Application]):
    """`GET /agent/families/{family_id}`: a family's whole file."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response, family_id: str) -> None:
        """The record, children and enrolments, requests, account, invoices and payments."""
        file = self._use_case.back_office.family_file(req.context.principal, path_id(family_id, "Famille"))
        resp.media = family_file_view(file)


class AgentDayResource(Route[Application]):
    """`GET /agent/today`: what the agent's home page shows."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Requests waiting, today's headcounts, missing pointage, last month's billing."""
        resp.media = agent_day_view(self._use_case.back_office.day(req.context.principal))


def add_back_office_routes(app: falcon.App, portal: Application) -> None:
    """Route the back office of `portal` on `app` (`/agent/families` also takes onboarding's `POST`)."""
    app.add_route(f"{API}/agent/families", FamiliesResource(portal))
    app.add_route(f"{API}/agent/families/{{family_id}}", FamilyFileResource(portal))
    app.add_route(f"{API}/agent/today", AgentDayResource(portal))
