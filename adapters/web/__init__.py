"""The web portal: the pages families and agents use, served by the same Falcon app as the API.

A second driving adapter on the same kernel. `add_pages` mounts the pages under `/`
(the API stays under `/api/v1`): page resources declare who may call them exactly
as API resources do (`auth`, see `famille.adapters.http.auth`), but a page answers
a refusal with a page: no session sends the browser to `/connexion`, anything
else shows a French error page. Every form carries a CSRF token (`security.py`).

To add a page: a resource in its context's package (`planning/`, `billing/`…), a template
extending `base.html` (`base_planning.html` for a page showing planning cells), and one line
in `PAGES` below.
"""

from __future__ import annotations

from collections.abc import Callable

import falcon

from famille.adapters.http.billing.resources import InvoicePdfResource
from famille.adapters.web import errors
from famille.adapters.web.accounts.password import (
    ChangePasswordResource,
    ForgottenPasswordResource,
    NewPasswordResource,
)
from famille.adapters.web.accounts.session import LoginResource, LogoutResource, RootResource
from famille.adapters.web.billing import agent as agent_billing
from famille.adapters.web.billing import family as billing_pages
from famille.adapters.web.families.account import AccountFormResource, AccountResource
from famille.adapters.web.families.children import (
    FORMS,
    AutorisationsResource,
    ChildFormResource,
    ChildItemDeletionResource,
    ChildPhotoResource,
    ChildrenResource,
    ChildResource,
    ComplementairesResource,
    SanitairesResource,
)
from famille.adapters.web.families.inbox import InboxResource, MessageReadResource, MessageResource
from famille.adapters.web.families.requests import (
    AgentDecisionResource,
    AgentRequestsResource,
    FamilyRequestsResource,
)
from famille.adapters.web.planning import agent as agent_planning
from famille.adapters.web.planning import family as planning_pages
from famille.adapters.web.portal import onboarding
from famille.adapters.web.portal.back_office import FamiliesPage, FamilyFilePage
from famille.adapters.web.portal.home import HomeResource
from famille.adapters.web.rendering import STATIC_DIR, Renderer
from famille.adapters.web.security import PageGuard, PageRoutes
from famille.adapters.web.site import Site
from famille.kernel.families.requests import RequestKind
from famille.ports.http import Application

__all__ = ["PAGES", "add_pages"]


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
    ("/mon-compte", AccountResource),
    ("/mon-compte/{section}", AccountResource),
    ("/mon-compte/{section}/modifier", AccountFormResource),
    ("/enfants", ChildrenResource),
    ("/enfants/{child_id}", ChildResource),
    ("/enfants/{child_id}/photo", ChildPhotoResource),
    ("/enfants/{child_id}/autorisations", AutorisationsResource),
    ("/enfants/{child_id}/autorisations/nouvelle", lambda site: ChildFormResource(site, FORMS["autorisation"])),
    ("/enfants/{child_id}/autorisations/{person_id}/suppression", lambda site: ChildItemDeletionResource(
        site, RequestKind.AUTORISATION_SUPPRESSION, "person_id", "autorisations")),
    ("/enfants/{child_id}/complementaires", ComplementairesResource),
    ("/enfants/{child_id}/complementaires/modifier",
     lambda site: ChildFormResource(site, FORMS["complementaires"])),
    ("/enfants/{child_id}/sanitaires", SanitairesResource),
    ("/enfants/{child_id}/sanitaires/pratique", lambda site: ChildFormResource(site, FORMS["pratique"])),
    ("/enfants/{child_id}/sanitaires/allergies/nouvelle", lambda site: ChildFormResource(site, FORMS["allergie"])),
    ("/enfants/{child_id}/sanitaires/allergies/{allergy_id}/suppression", lambda site: ChildItemDeletionResource(
        site, RequestKind.ALLERGIE_SUPPRESSION, "allergy_id", "sanitaires")),
    ("/enfants/{child_id}/planning", planning_pages.ChildPlanningResource),
    ("/enfants/{child_id}/planning/jour", planning_pages.DayResource),
    ("/enfants/{child_id}/planning/calendrier", planning_pages.CalendarRevocation),
    ("/enfants/{child_id}/planning/absence",
     lambda site: planning_pages.ChildAbsenceResource(site, planning_pages.ChildPlanningResource(site))),
    ("/reservations", planning_pages.BookingPatternResource),
    ("/releve-de-compte", billing_pages.StatementPage),
    ("/releve-de-compte/factures/{invoice_id}", billing_pages.InvoicePage),
    ("/releve-de-compte/paiement",
     lambda site: billing_pages.PayOnline(site, billing_pages.StatementPage(site))),
    ("/paiements/{payment_id}", billing_pages.PaymentPage),
    ("/releve-de-compte/factures/{invoice_id}.pdf", lambda site: InvoicePdfResource(site.portal.billing)),
    ("/demandes", FamilyRequestsResource),
    ("/agent/demandes", AgentRequestsResource),
    ("/agent/demandes/{request_id}", lambda site: AgentDecisionResource(site, AgentRequestsResource(site))),
    ("/agent/familles", FamiliesPage),
    ("/agent/familles/nouvelle", onboarding.NewFamilyPage),
    ("/agent/familles/{family_id}", FamilyFilePage),
    ("/agent/familles/{family_id}/activation", onboarding.ActivationLink),
    ("/agent/familles/{family_id}/enfants/nouveau", onboarding.NewChildPage),
    ("/agent/familles/{family_id}/enfants/{child_id}/inscription", onboarding.EnrolmentPage),
    ("/agent/import", onboarding.ImportPage),
    ("/agent/import/activation", onboarding.ActivationLinks),
    ("/agent/reservations", agent_planning.PendingPage),
    ("/agent/reservations/{kind}/{record_id}",
     lambda site: agent_planning.PendingDecision(site, agent_planning.PendingPage(site))),
    ("/agent/pointage", agent_planning.AttendancePage),
    ("/agent/fermetures", agent_planning.ClosuresPage),
    ("/agent/fermetures/{closure_id}/suppression", agent_planning.ClosureDeletion),
    ("/agent/effectifs", agent_planning.HeadcountsPage),
    ("/agent/effectifs/csv", agent_planning.HeadcountsCsv),
    ("/agent/facturation", agent_billing.BillingPage),
    ("/agent/facturation/taches/{job_id}", agent_billing.JobPage),
    ("/agent/facturation/{run_id}", agent_billing.RunPage),
    ("/agent/facturation/{run_id}/validation",
     lambda site: agent_billing.RunFinalise(site, agent_billing.RunPage(site))),
    ("/agent/factures/{invoice_id}", agent_billing.AgentInvoicePage),
    ("/agent/factures/{invoice_id}.pdf", lambda site: InvoicePdfResource(site.portal.billing)),
    ("/agent/factures/{invoice_id}/avoir", agent_billing.CreditNotePage),
    ("/agent/paiements", agent_billing.PaymentsPage),
    ("/agent/paiements-en-ligne", agent_billing.OnlinePaymentsPage),
    ("/agent/prelevements", agent_billing.SepaPage),
)


def add_pages(
    app: falcon.App,
    portal: Application,
    *,
    secure_cookies: bool,
) -> None:
    """Mount the portal's pages, their static files, their guard and their error pages on `app`."""
    site = Site(portal=portal, renderer=Renderer(), secure_cookies=secure_cookies)
    routes = PageRoutes()
    for template, build in PAGES:
        resource = build(site)
        app.add_route(template, resource)
        routes.add(template, resource)
    app.add_static_route("/static", STATIC_DIR)
    app.add_middleware([PageGuard(routes, secure_cookies=secure_cookies)])
    errors.install(app, site, routes)


