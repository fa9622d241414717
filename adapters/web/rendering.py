"""Jinja2 rendering of the pages: one environment, French filters, the menu of each role.

Autoescaping is on for every template: whatever a family or an agent typed is
shown as text, never as markup.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import falcon
from jinja2 import Environment, PackageLoader, StrictUndefined

from famille.kernel.accounts.model import Principal, Role
from famille.kernel.shared.french_dates import describe_date, describe_instant
from famille.kernel.shared.refusals import REASON_MAX

STATIC_DIR = Path(__file__).with_name("static")
CENT = Decimal("0.01")
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


@attrs.frozen
class NavItem:
    """One entry of the menu; `prefix` marks it current on its sub-pages too."""

    label: str
    href: str

    def is_current(self, path: str) -> bool:
        """Whether `path` is this entry's page or one of its sub-pages."""
        return path == self.href or path.startswith(self.href + "/")


#: The guide's menu for a family (« Déconnexion » is a form, added by the layout).
FAMILY_MENU = (
    NavItem("Accueil", "/accueil"),
    NavItem("Mon compte", "/mon-compte"),
    NavItem("Mes enfants", "/enfants"),
    NavItem("Relevé de compte", "/releve-de-compte"),
    NavItem("Boîte de réception", "/messages"),
    NavItem("Liste des demandes", "/demandes"),
)
#: The menu of an agent of a commune.
AGENT_MENU = (
    NavItem("Accueil", "/accueil"),
    NavItem("Demandes à traiter", "/agent/demandes"),
    NavItem("Familles", "/agent/familles"),
    NavItem("Réservations", "/agent/reservations"),
    NavItem("Pointage", "/agent/pointage"),
    NavItem("Effectifs", "/agent/effectifs"),
    NavItem("Fermetures", "/agent/fermetures"),
    NavItem("Facturation", "/agent/facturation"),
    NavItem("Paiements", "/agent/paiements"),
    NavItem("Boîte de réception", "/messages"),
)


def menu_for(principal: Principal | None) -> tuple[NavItem, ...]:
    """The menu a caller sees (none before login)."""
    if principal is None:
        return ()
    return AGENT_MENU if principal.role is Role.AGENT else FAMILY_MENU


def short_date(value: date | None) -> str:
    """« 01/01/2016 », as the guide's tables write dates."""
    return "" if value is None else value.strftime("%d/%m/%Y")


def long_date(value: date) -> str:
    """« samedi 28 novembre 2026 »."""
    return describe_date(value)


def long_instant(value: datetime) -> str:
    """« jeudi 20 novembre 2026 à 09h00 »."""
    return describe_instant(value)


def euros(value: Decimal) -> str:
    """« 1 234,50 € » (narrow no-break spaces, as French typography wants)."""
    quantized = value.quantize(CENT)
    sign = "-" if quantized < 0 else ""
    whole, _, cents = f"{abs(quantized):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NARROW_NBSP.join(groups)},{cents}{NBSP}€"


class Renderer:
    """Renders templates into responses, with what every page needs in its context."""

    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("famille.adapters.web", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            date_courte=short_date, date_longue=long_date, instant=long_instant, euros=euros
        )
        self.env.globals["static"] = self.static_url
        self.env.globals["refusal_reason_max"] = REASON_MAX
        self._versions: dict[str, str] = {}

    def static_url(self, name: str) -> str:
        """The address of a static file, with a digest of its content so caches never serve an old one."""
        version = self._versions.get(name)
        if version is None:
            version = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]
            self._versions[name] = version
        return f"/static/{name}?v={version}"

    def render(self, template: str, context: Mapping[str, Any]) -> str:
        """The HTML of `template` with `context`."""
        return self.env.get_template(template).render(context)

    def page(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        template: str,
        *,
        status: str = falcon.HTTP_200,
        **context: Any,
    ) -> None:
        """Write the page `template` into `resp`."""
        principal = getattr(req.context, "principal", None)
        base = {
            "principal": principal,
            "menu": menu_for(principal),
            "current_path": req.path,
            "csrf_token": getattr(req.context, "csrf_token", ""),
            "flash": None,
        }
        resp.status = status
        resp.content_type = falcon.MEDIA_HTML
        resp.text = self.render(template, {**base, **context})


def redirect(resp: falcon.Response, location: str) -> None:
    """303 See Other: after a form, the browser GETs `location` (no resubmission on reload)."""
    resp.status = falcon.HTTP_303
    resp.location = location
    resp.text = None
