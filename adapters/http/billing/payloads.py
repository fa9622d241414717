"""Bodies of the billing routes, structured strictly (amounts are decimal strings, never floats)."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

import attrs
import cattrs
import falcon
from cattrs.errors import ForbiddenExtraKeysError

from famille.adapters.http.payloads import (
    PayloadTypeError,
    PayloadValueError,
    field_errors,
    make_converter,
    read_json,
)
from famille.kernel.shared.errors import FieldError, ValidationFailed

B = TypeVar("B")


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


@attrs.frozen
class CreditorBody:
    """`PUT /api/v1/agent/billing/creditor`: the organisation's SEPA creditor data."""

    name: str
    iban: str
    bic: str
    creditor_id: str


def _bool(value: Any, _type: Any) -> bool:
    if not isinstance(value, bool):
        raise PayloadTypeError("doit être true ou false")
    return value


def _int(value: Any, _type: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadTypeError("doit être un entier")
    return value


def _date(value: Any, _type: Any) -> date:
    if not isinstance(value, str):
        raise PayloadTypeError("doit être une date AAAA-MM-JJ")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PayloadValueError("doit être une date AAAA-MM-JJ") from None


def _converter() -> cattrs.Converter:
    converter = make_converter()
    converter.register_structure_hook(bool, _bool)
    converter.register_structure_hook(int, _int)
    converter.register_structure_hook(date, _date)
    return converter


CONVERTER = _converter()


def load_billing_body(req: falcon.Request, body_type: type[B]) -> B:
    """The body as `body_type`, or 422 with one message per wrong field."""
    data = read_json(req)
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("$", "Le corps de la requête doit être un objet JSON.")])
    known = {a.name for a in attrs.fields(body_type)}  # type: ignore[arg-type]
    unknown = [FieldError(str(k), f"Champ « {k} » : inconnu.") for k in sorted(map(str, data)) if k not in known]
    if unknown:
        raise ValidationFailed(unknown)
    try:
        return CONVERTER.structure(data, body_type)
    except (cattrs.BaseValidationError, ForbiddenExtraKeysError) as error:
        raise ValidationFailed(field_errors(error)) from None


def query_date(req: falcon.Request, name: str) -> date:
    """A required `YYYY-MM-DD` query parameter, or 422 naming it."""
    value = req.get_param(name)
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise ValidationFailed([FieldError(name, f"Le paramètre « {name} » doit être une date AAAA-MM-JJ.")]) \
            from None
