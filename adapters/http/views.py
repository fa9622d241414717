"""Kernel values as JSON documents: English keys, French words where they are the real names.

Instants are ISO 8601 with their Europe/Paris offset; amounts are decimal strings
("12.50"), never floats.
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import falcon

from famille.kernel.accounts.authentication import LoginGrant
from famille.kernel.accounts.model import Account
from famille.kernel.families.inbox import InboxMessage
from famille.kernel.families.model import Child
from famille.kernel.portal.home import HomePage, UnpaidInvoice
from famille.kernel.shared.time import require_aware

CENT = Decimal("0.01")
#: JSON text as the API writes it (UTF-8 words kept as they are): the app's JSON handler and the
#: documents rendered ahead of it (the month grid) both use it.
json_text = functools.partial(json.dumps, ensure_ascii=False)


def created(resp: falcon.Response, document: object, location: str | None = None) -> None:
    """Answer 201 Created with the new thing's `document`, and where it now is when it has an address."""
    resp.status = falcon.HTTP_201
    if location is not None:
        resp.location = location
    resp.media = document


def instant(moment: datetime | None) -> str | None:
    """An aware instant as ISO 8601 with its Europe/Paris offset."""
    return require_aware(moment).isoformat() if moment is not None else None


def day(value: date | None) -> str | None:
    """A calendar date as ISO 8601."""
    return value.isoformat() if value is not None else None


def amount(value: Decimal) -> str:
    """An amount in euros, exact, two decimals."""
    return str(value.quantize(CENT))


def account_view(account: Account) -> dict[str, Any]:
    """What a client may know of the logged-in account (never its hash)."""
    return {
        "id": account.id,
        "login": account.login,
        "role": account.role.value,
        "display_name": account.display_name,
        "organisation_code": account.organisation_code,
        "family_id": account.family_id,
    }


def grant_view(grant: LoginGrant) -> dict[str, Any]:
    """The answer to a successful login."""
    return {
        "token": grant.token,
        "expires_at": instant(grant.session.expires_at),
        "account": account_view(grant.account),
    }


def child_view(child: Child, has_photo: bool) -> dict[str, Any]:
    """A child as "Mes enfants" lists it (the photo is the one accepted on its record)."""
    return {
        "id": child.id,
        "nom": child.nom,
        "prenom": child.prenom,
        "sexe": child.sexe.value,
        "date_naissance": day(child.date_naissance),
        "photo_url": f"/api/v1/children/{child.id}/photo" if has_photo else None,
    }


def invoice_view(invoice: UnpaidInvoice) -> dict[str, Any]:
    """One line of "Factures impayées"."""
    return {
        "number": invoice.number,
        "issued_on": day(invoice.issued_on),
        "due_on": day(invoice.due_on),
        "amount": amount(invoice.amount),
    }


def home_view(page: HomePage) -> dict[str, Any]:
    """The home page ("Accueil")."""
    responsable = page.responsable
    return {
        "today": day(page.today),
        "greeting": page.greeting,
        "role": page.role,
        "organisation": {"code": page.organisation_code, "name": page.organisation_name},
        "new_messages": page.new_messages,
        "responsable": None if responsable is None else {
            "civilite": responsable.civilite.value if responsable.civilite else None,
            "nom": responsable.nom,
            "prenom": responsable.prenom,
        },
        "family_number": page.family.number if page.family else None,
        "children": [child_view(child, page.has_photo(child)) for child in page.children],
        "balance": amount(page.balance),
        "unpaid_invoices": [invoice_view(invoice) for invoice in page.unpaid_invoices],
        "unpaid_total": amount(page.unpaid_total),
    }


def message_view(message: InboxMessage) -> dict[str, Any]:
    """A message of the inbox."""
    return {
        "id": message.id,
        "subject": message.subject,
        "body": message.body,
        "sender": message.sender,
        "created_at": instant(message.created_at),
        "read_at": instant(message.read_at),
        "unread": message.read_at is None,
    }
