"""« Mon compte » : the family's record in five tabs, each read, then changed through a request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import falcon

from famille.adapters.http.auth import FAMILY
from famille.adapters.web.families.record_fields import (
    ADULT,
    BANCAIRES,
    CAF,
    FISCALES,
    Input,
    absorb,
    differences,
    form_values,
    normalised,
    read_form,
)
from famille.adapters.web.families.request_tables import table
from famille.adapters.web.forms import Form, posted
from famille.adapters.web.rendering import redirect
from famille.adapters.web.site import Page
from famille.kernel.families.changes import snapshot
from famille.kernel.families.records import FamilyRecord
from famille.kernel.families.requests import RequestKind
from famille.kernel.shared.errors import NotFound, ValidationFailed

NOTHING_CHANGED = "Vous n'avez rien modifié : changez au moins un champ avant d'enregistrer."


@attrs.frozen
class Tab:
    """One tab of « Mon compte »: its address, title, kind of request, fields, and the part of the record."""

    slug: str
    title: str
    kind: RequestKind
    inputs: tuple[Input, ...]
    part: Callable[[FamilyRecord], Any]
    help: str = ""

    @property
    def short(self) -> str:
        """The tab's label: « Responsable », « CAF »…"""
        rest = self.title.removeprefix("Informations ")
        return rest[:1].upper() + rest[1:]

    def current(self, record: FamilyRecord) -> dict[str, Any]:
        """The record's values of this tab's fields."""
        return dict(snapshot(self.part(record), [spec.name for spec in self.inputs]))


_PHONES = "Vérifiez vos nom, prénom, adresse, téléphones et courriel. Renseignez au moins un numéro de " \
          "téléphone : domicile ou mobile."
TABS = (
    Tab("responsable", "Informations responsable", RequestKind.RESPONSABLE, ADULT,
        lambda r: r.family.responsable, _PHONES),
    Tab("conjoint", "Informations conjoint", RequestKind.CONJOINT, ADULT, lambda r: r.family.conjoint,
        "Le conjoint est l'adulte qui vit avec le responsable : le second parent de l'enfant ou un autre "
        "adulte. " + _PHONES),
    Tab("fiscales", "Informations fiscales", RequestKind.FISCALES, FISCALES, lambda r: r.sections.fiscales,
        "Elles figurent sur votre dernier avis d'imposition."),
    Tab("caf", "Informations CAF", RequestKind.CAF, CAF, lambda r: r.sections.caf,
        "Le quotient familial fixe la tranche de tarif de la cantine et de la garderie."),
    Tab("bancaires", "Informations bancaires", RequestKind.BANCAIRES, BANCAIRES, lambda r: r.sections.bancaires,
        "Le compte sur lequel les factures sont prélevées (prélèvement SEPA)."),
)
TAB_OF = {tab.slug: tab for tab in TABS}


def _tab(section: str) -> Tab:
    tab = TAB_OF.get(section)
    if tab is None:
        raise NotFound("Cette rubrique de « Mon compte » n'existe pas.")
    return tab


class AccountResource(Page):
    """`/mon-compte` and `/mon-compte/{section}`: one tab read, its pending requests under it."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response, section: str = "responsable") -> None:
        """The tab."""
        tab = _tab(section)
        page = self._site.portal.records.family_record(req.context.principal)
        current = tab.current(page.record)
        exists = tab.part(page.record) is not None
        rows = [(spec.label, spec.shown(current.get(spec.name))) for spec in tab.inputs]
        pending = [r for r in page.pending if r.kind is tab.kind]
        self._site.page(req, resp, "mon_compte.html", tabs=TABS, tab=tab, record=page.record, rows=rows,
                        exists=exists, pending=table(pending, {}))


class AccountFormResource(Page):
    """`/mon-compte/{section}/modifier`: the tab's form; saving it sends a request to the commune."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response, section: str) -> None:
        """The form, filled with the record's values."""
        tab = _tab(section)
        record, pending = self._load(req, tab)
        self._show(req, resp, tab, Form(values=form_values(tab.inputs, tab.current(record))), pending)

    def on_post(self, req: falcon.Request, resp: falcon.Response, section: str) -> None:
        """Send what changed as a request, or show each problem beside its field."""
        tab = _tab(section)
        record, pending = self._load(req, tab)
        form = Form()
        values = read_form(tab.inputs, posted(req), form)
        changes = None if form.has_errors else normalised(values, form)
        if changes is not None:
            changes = differences(tab.inputs, changes, tab.current(record))
            if not changes:
                form.add(None, NOTHING_CHANGED)
            else:
                try:
                    self._site.portal.requests.submit(req.context.principal, tab.kind, changes)
                except ValidationFailed as refused:
                    absorb(form, refused, tab.inputs)
                else:
                    redirect(resp, f"/mon-compte/{tab.slug}?message=demande-transmise")
                    return
        self._show(req, resp, tab, form, pending, status=falcon.HTTP_422)

    def _load(self, req: falcon.Request, tab: Tab) -> tuple[FamilyRecord, list[Any]]:
        page = self._site.portal.records.family_record(req.context.principal)
        return page.record, [r for r in page.pending if r.kind is tab.kind]

    def _show(self, req: falcon.Request, resp: falcon.Response, tab: Tab, form: Form, pending: list[Any], *,
              status: str = falcon.HTTP_200) -> None:
        self._site.page(
            req, resp, "demande_formulaire.html", status=status, form=form, inputs=tab.inputs,
            title=f"Modifier : {tab.title}", heading=f"Modification des {tab.title.lower()}",
            crumbs=[("/mon-compte", "Mon compte"), (f"/mon-compte/{tab.slug}", tab.title)],
            intro=tab.help, action=f"/mon-compte/{tab.slug}/modifier", back=f"/mon-compte/{tab.slug}",
            pending=table(pending, {}), child=None, notices=[], submit="Enregistrer la demande",
        )
