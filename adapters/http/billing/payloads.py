"""Bodies of the billing routes, structured strictly (amounts are decimal strings, never floats)."""

from __future__ import annotations

from datetime import date

import attrs
import falcon

from famille.kernel.shared import dates


@attrs.frozen
class RunBody:
    """`POST /api/v1/agent/billing/runs`."""

    month: str
    final: bool = False
    accept_flagged: bool = False


@attrs.frozen
class FinaliseBody:
    """`POST /api/v1/agent/billing/runs/{id}/finalise` (the body may be empty: `{}`)."""

    accept_flagged: bool = False


@attrs.frozen
class PaymentBody:
    """`POST /api/v1/agent/payments`."""

    family: str
    amount: str
    method: str
    date: date
    reference: str | None = None


@attrs.frozen
class OnlinePaymentBody:
    """`POST /api/v1/payments`: the ids of the invoices to pay online."""

    invoices: list[str]


@attrs.frozen
class CreditNoteBody:
    """`POST /api/v1/agent/invoices/{id}/credit-note`: an amount, or line indexes (from 0)."""

    reason: str
    amount: str | None = None
    lines: list[int] = attrs.Factory(list)


@attrs.frozen
class SharesBody:
    """`PUT /api/v1/agent/children/{id}/shares`: {family id: "50.00"}, summing to 100."""

    shares: dict[str, str]


@attrs.frozen
class MandateBody:
    """A SEPA mandate: its date of signature, its reference (RUM; by default the family's)."""

    signed_on: date
    reference: str | None = None


@attrs.frozen
class FamilyBillingBody:
    """`PUT /api/v1/agent/families/{id}/billing`: residence, mandate (or its removal)."""

    resident: bool | None = None
    mandate: MandateBody | None = None
    remove_mandate: bool = False


def query_date(req: falcon.Request, name: str) -> date:
    """A required `YYYY-MM-DD` query parameter, or 422 naming it."""
    return dates.parse_day(req.get_param(name), name)
