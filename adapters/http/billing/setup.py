"""What agents set for billing: shares of separated parents, residence and mandate, SEPA creditor."""

from __future__ import annotations

from decimal import Decimal

import falcon

from famille.adapters.http.auth import AGENT
from famille.adapters.http.billing.payloads import (
    FamilyBillingBody,
    SharesBody,
)
from famille.adapters.http.payloads import load, path_id
from famille.adapters.http.routes import Route
from famille.adapters.primitives import as_json
from famille.kernel.billing.setup import BillingSetup, Creditor, FamilyBilling

API = "/api/v1"


def shares_view(child_id: str, shares: dict[str, Decimal]) -> dict[str, object]:
    """`{child_id, shares: {family id: "50.00"}}`."""
    return {"child_id": child_id, "shares": {f: f"{share:.2f}" for f, share in shares.items()}}


def family_billing_view(settings: FamilyBilling) -> dict[str, object]:
    """`{family_id, resident, mandate: {reference, signed_on} | null}`."""
    mandate = settings.mandate
    return {"family_id": settings.family_id, "resident": settings.resident,
            "mandate": None if mandate is None else {"reference": mandate.reference,
                                                     "signed_on": mandate.signed_on.isoformat()}}


def creditor_view(creditor: Creditor | None) -> dict[str, object]:
    """The creditor's fields, as `Creditor` declares them (null when not set)."""
    return {"creditor": None if creditor is None else as_json(creditor)}


class SharesResource(Route[BillingSetup]):
    """`GET`/`PUT /agent/children/{id}/shares`: each family's share of the child's costs."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The shares in force (equal when none was set)."""
        child_id = path_id(child_id, "Enfant")
        resp.media = shares_view(child_id, self._use_case.shares(req.context.principal, child_id))

    def on_put(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """`{"shares": {family id: "50.00", ...}}` summing to 100."""
        child_id = path_id(child_id, "Enfant")
        body = load(req, SharesBody)
        resp.media = shares_view(child_id, self._use_case.set_shares(req.context.principal, child_id, body.shares))


class FamilyBillingResource(Route[BillingSetup]):
    """`GET`/`PUT /agent/families/{id}/billing`: lives in the commune, SEPA mandate."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response, family_id: str) -> None:
        """The family's billing settings."""
        resp.media = family_billing_view(self._use_case.family_billing(req.context.principal, path_id(family_id, "Famille")))

    def on_put(self, req: falcon.Request, resp: falcon.Response, family_id: str) -> None:
        """`{"resident": false, "mandate": {"signed_on": "2025-09-01", "reference": "..."}}`."""
        body = load(req, FamilyBillingBody)
        settings = self._use_case.set_family_billing(
            req.context.principal, path_id(family_id, "Famille"), resident=body.resident,
            mandate_signed_on=body.mandate.signed_on if body.mandate else None,
            mandate_reference_text=body.mandate.reference if body.mandate else None,
            remove_mandate=body.remove_mandate)
        resp.media = family_billing_view(settings)


class CreditorResource(Route[BillingSetup]):
    """`GET`/`PUT /agent/billing/creditor`: the organisation's SEPA creditor data."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The creditor, or null."""
        resp.media = creditor_view(self._use_case.creditor(req.context.principal.organisation_code))

    def on_put(self, req: falcon.Request, resp: falcon.Response) -> None:
        """`{name, iban, bic, creditor_id}`, the fields of `Creditor`, checked (IBAN key, BIC and ICS formats)."""
        body = load(req, Creditor)
        resp.media = creditor_view(self._use_case.set_own_creditor(req.context.principal, body.name, body.iban,
                                                                   body.bic, body.creditor_id))


def add_billing_setup_routes(app: falcon.App, setup: BillingSetup) -> None:  # type: ignore[type-arg]
    """Mount the billing settings routes."""
    app.add_route(f"{API}/agent/children/{{child_id}}/shares", SharesResource(setup))
    app.add_route(f"{API}/agent/families/{{family_id}}/billing", FamilyBillingResource(setup))
    app.add_route(f"{API}/agent/billing/creditor", CreditorResource(setup))
