"""« Mes enfants » : the list, each child's page and its sub-pages (autorisations, données
complémentaires, données sanitaires), the photo, and the forms that send requests.

A child's pages are shown to its families and to the agents of its organisation
(agents read, never send); anyone else gets « Page introuvable », as if the child
did not exist (the kernel's `NotFound`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import falcon

from famille.adapters.http.auth import AUTHENTICATED, FAMILY
from famille.adapters.http.payloads import path_id
from famille.adapters.web.families.account import NOTHING_CHANGED
from famille.adapters.web.families.record_fields import (
    ALLERGIE,
    AUTORISATION,
    COMPLEMENTAIRES,
    PRATIQUE,
    Input,
    absorb,
    differences,
    form_values,
    normalised,
    phone_shown,
    read_form,
)
from famille.adapters.web.families.request_tables import items_of, table
from famille.adapters.web.forms import Form, posted, uploaded
from famille.adapters.web.rendering import redirect
from famille.adapters.web.site import Page, Site
from famille.kernel.families.changes import snapshot
from famille.kernel.families.model import Family
from famille.kernel.families.record_service import ChildRecordPage
from famille.kernel.families.records import PAI, ChildRecord
from famille.kernel.families.request_service import PHOTO_MAX_BYTES
from famille.kernel.families.requests import ChangeRequest, RequestKind
from famille.kernel.shared.errors import ValidationFailed

PHOTO_TYPES = "image/jpeg,image/png"
PAI_NOTICE = ("Un PAI (projet d'accueil individualisé) est un protocole médical : il demande un certificat "
              "médical et une rencontre avec le personnel de la cantine. Rapprochez-vous du personnel avant "
              "de le demander.")
AUTORISATION_KINDS = frozenset({RequestKind.AUTORISATION_AJOUT, RequestKind.AUTORISATION_SUPPRESSION})
ALLERGY_KINDS = frozenset({RequestKind.ALLERGIE_AJOUT, RequestKind.ALLERGIE_SUPPRESSION})


@attrs.frozen
class ChildView:
    """What every page of a child shows: the record, its family, its age, who is looking."""

    page: ChildRecordPage
    family: Family
    age: int
    is_family: bool

    @property
    def record(self) -> ChildRecord:
        """The child's record."""
        return self.page.record

    @property
    def child(self) -> Any:
        """The child's identity."""
        return self.page.record.child

    def pending(self, *kinds: RequestKind) -> list[ChangeRequest]:
        """The pending requests of these kinds (of every kind if none is named) that the caller may see."""
        return [r for r in self.page.pending if not kinds or r.kind in kinds]

    def removals_asked(self, kind: RequestKind, key: str) -> set[str]:
        """The ids (the changes' `key`) of the items whose removal, a request of `kind`, is pending."""
        return {str(r.changes.get(key)) for r in self.pending(kind)}

    def pending_table(self, *kinds: RequestKind) -> Any:
        """Those requests as the guide's table (one column per field)."""
        return table(self.pending(*kinds), items_of([self.record]))


def _phone(value: str | None) -> str:
    return phone_shown(value).replace(" ", "\u00a0") if value else "—"


def load_child(site: Site, req: falcon.Request, child_id: str) -> ChildView:
    """The child, if the caller may see it; `NotFound` (the 404 page) otherwise."""
    principal = req.context.principal
    page = site.portal.records.child_record(principal, path_id(child_id, "Enfant"))
    child = page.record.child
    family_id = child.family_ids[0] if principal.is_agent else principal.family_id
    family = site.portal.records.family_record(principal, family_id).record.family
    today = site.today()
    return ChildView(page, family, child.age_on(today), not principal.is_agent)


class _ChildPage(Page):
    def _page(self, req: falcon.Request, resp: falcon.Response, template: str, view: ChildView, *,
              status: str = falcon.HTTP_200, **context: Any) -> None:
        self._site.page(req, resp, template, status=status, view=view, child=view.child, phone=_phone, **context)


class ChildrenResource(Page):
    """`/enfants`: the family's children, each a link to its page."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The list, with the photo of each child who has one."""
        principal = req.context.principal
        home = self._site.portal.home.page(principal)
        records = [self._site.portal.records.child_record(principal, c.id) for c in home.children]
        self._site.page(req, resp, "enfants.html", children=records, today=home.today)


class ChildResource(_ChildPage):
    """`/enfants/{child_id}`: « Mon enfant », the identity and the photo."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The identity, the photo and its form."""
        view = load_child(self._site, req, child_id)
        self._page(req, resp, "enfant.html", view, form=Form(), section="fiche")


class ChildPhotoResource(_ChildPage):
    """`/enfants/{child_id}/photo`: the photo (GET, `?demande=` for a proposed one); a new one (POST)."""

    auth = {"GET": AUTHENTICATED, "POST": FAMILY}

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The image, never cached by a shared cache."""
        request_id = req.get_param("demande")
        if request_id is not None:
            request_id = path_id(request_id, "Photo")
        photo = self._site.portal.records.photo(req.context.principal, path_id(child_id, "Enfant"), request_id)
        resp.content_type = photo.content_type
        resp.data = photo.data
        resp.set_header("Cache-Control", "private, no-store")

    def on_post(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """Send the photo (JPEG or PNG, 2 Mo at most) for the commune to accept."""
        view = load_child(self._site, req, child_id)
        form = Form()
        upload = uploaded(req, "photo")
        if upload is None or not upload.data:
            form.add("photo", "Choisissez une photo (JPEG ou PNG, 2 Mo au plus).")
        elif len(upload.data) > PHOTO_MAX_BYTES:
            form.add("photo", "La photo ne doit pas dépasser 2 Mo.")
        else:
            try:
                self._site.portal.requests.submit_photo(req.context.principal, view.child.id,
                                                        upload.content_type, upload.data)
            except ValidationFailed as refused:
                form.absorb(refused, ["photo"])
            else:
                redirect(resp, f"/enfants/{view.child.id}?message=demande-transmise")
                return
        self._page(req, resp, "enfant.html", view, form=form, section="fiche", status=falcon.HTTP_422)


class _ChildSection(_ChildPage):
    """A tab of a child's page, `enfant_<section>.html`, read by its families and the agents."""

    auth = AUTHENTICATED
    section = ""

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The tab."""
        view = load_child(self._site, req, child_id)
        self._page(req, resp, f"enfant_{self.section}.html", view, section=self.section, **self._context(view))

    def _context(self, view: ChildView) -> dict[str, Any]:
        raise NotImplementedError


class AutorisationsResource(_ChildSection):
    """`/enfants/{child_id}/autorisations`: who may pick the child up, the pending additions and removals;
    ask to remove one."""

    section = "autorisations"

    def _context(self, view: ChildView) -> dict[str, Any]:
        return {"asked": view.removals_asked(RequestKind.AUTORISATION_SUPPRESSION, "person_id"),
                "additions": view.pending_table(RequestKind.AUTORISATION_AJOUT),
                "removals": view.pending_table(RequestKind.AUTORISATION_SUPPRESSION)}


class ComplementairesResource(_ChildSection):
    """`/enfants/{child_id}/complementaires`: the yes/no fields and the insurance (the données complémentaires)."""

    section = "complementaires"

    def _context(self, view: ChildView) -> dict[str, Any]:
        current = snapshot(view.record.sections.complementaires, [s.name for s in COMPLEMENTAIRES])
        return {"rows": [(spec.label, spec.shown(current.get(spec.name))) for spec in COMPLEMENTAIRES],
                "pending": view.pending_table(RequestKind.COMPLEMENTAIRES)}


class SanitairesResource(_ChildSection):
    """`/enfants/{child_id}/sanitaires`: pratique alimentaire and allergies (health data), and what is
    pending about them."""

    section = "sanitaires"

    def _context(self, view: ChildView) -> dict[str, Any]:
        return {"asked": view.removals_asked(RequestKind.ALLERGIE_SUPPRESSION, "allergy_id"),
                "pai_notice": PAI_NOTICE, "offered": view.page.pratiques_offered,
                "pratiques": view.pending_table(RequestKind.PRATIQUE_ALIMENTAIRE),
                "allergies": view.pending_table(RequestKind.ALLERGIE_AJOUT),
                "allergy_removals": view.pending_table(RequestKind.ALLERGIE_SUPPRESSION)}


@attrs.frozen
class ChildForm:
    """One form of a child's pages: what it asks, its fields, and where it comes from."""

    slug: str
    title: str
    heading: str
    kind: RequestKind
    back: str  # the sub-page it belongs to, e.g. "autorisations"
    back_title: str
    inputs: Callable[[ChildView], tuple[Input, ...]]
    current: Callable[[ChildView], dict[str, Any]] | None = None  # None: the form adds something
    intro: str = ""
    notices: tuple[str, ...] = ()
    pending_kinds: frozenset[RequestKind] = frozenset()
    submit: str = "Enregistrer la demande"


def _pratique_inputs(view: ChildView) -> tuple[Input, ...]:
    libelle, commentaire = PRATIQUE
    return (attrs.evolve(libelle, choices=view.page.pratiques_offered), commentaire)


FORMS = {
    "autorisation": ChildForm(
        "autorisations/nouvelle", "Nouvelle personne autorisée", "Nouvelle personne autorisée",
        RequestKind.AUTORISATION_AJOUT, "autorisations", "Autorisations", lambda v: AUTORISATION,
        intro="Saisissez le nom, le prénom, un téléphone ou un mobile de la personne que vous autorisez à "
              "venir chercher votre enfant, et son lien de parenté avec lui.",
        pending_kinds=AUTORISATION_KINDS),
    "complementaires": ChildForm(
        "complementaires/modifier", "Modifier les données complémentaires", "Modification des données complémentaires",
        RequestKind.COMPLEMENTAIRES, "complementaires", "Données complémentaires", lambda v: COMPLEMENTAIRES,
        current=lambda v: snapshot(v.record.sections.complementaires, [s.name for s in COMPLEMENTAIRES]),
        pending_kinds=frozenset({RequestKind.COMPLEMENTAIRES})),
    "pratique": ChildForm(
        "sanitaires/pratique", "Modifier la pratique alimentaire", "Pratique alimentaire",
        RequestKind.PRATIQUE_ALIMENTAIRE, "sanitaires", "Données sanitaires", _pratique_inputs,
        current=lambda v: snapshot(v.record.sections.pratique, ["libelle", "commentaire"]),
        intro="La pratique alimentaire est le menu par défaut de votre enfant à la cantine. La liste ne montre "
              "que les menus que propose la cantine de votre enfant.",
        notices=(PAI_NOTICE,), pending_kinds=frozenset({RequestKind.PRATIQUE_ALIMENTAIRE})),
    "allergie": ChildForm(
        "sanitaires/allergies/nouvelle", "Nouvelle allergie", "Nouvelle allergie", RequestKind.ALLERGIE_AJOUT,
        "sanitaires", "Données sanitaires", lambda v: ALLERGIE,
        intro="Saisissez une allergie reconnue. Dans les observations, expliquez les réactions et la conduite "
              "à tenir. En cas d'allergie sérieuse, parlez-en aussi directement au personnel.",
        pending_kinds=ALLERGY_KINDS),
}


class ChildFormResource(_ChildPage):
    """A form of a child's pages; saving it sends a request (the record changes once accepted)."""

    auth = FAMILY

    def __init__(self, site: Site, spec: ChildForm) -> None:
        super().__init__(site)
        self._spec = spec

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The form (filled with the record's values when it changes something)."""
        view = load_child(self._site, req, child_id)
        inputs = self._spec.inputs(view)
        current = self._spec.current(view) if self._spec.current else {}
        self._show(req, resp, view, Form(values=form_values(inputs, current)))

    def on_post(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """Send the request, or show each problem beside its field."""
        spec = self._spec
        view = load_child(self._site, req, child_id)
        inputs = spec.inputs(view)
        form = Form()
        values = read_form(inputs, posted(req), form)
        changes = None if form.has_errors else normalised(values, form)
        if changes is not None and spec.current is not None:
            if not differences(inputs, changes, spec.current(view)):
                form.add(None, NOTHING_CHANGED)
                changes = None
            elif spec.kind is not RequestKind.PRATIQUE_ALIMENTAIRE:  # a pratique is always sent whole
                changes = differences(inputs, changes, spec.current(view))
        if changes is not None:
            try:
                self._site.portal.requests.submit(req.context.principal, spec.kind, changes,
                                                  child_id=view.child.id)
            except ValidationFailed as refused:
                absorb(form, refused, inputs)
            else:
                redirect(resp, f"/enfants/{view.child.id}/{spec.back}?message=demande-transmise")
                return
        self._show(req, resp, view, form, status=falcon.HTTP_422)

    def _show(self, req: falcon.Request, resp: falcon.Response, view: ChildView, form: Form, *,
              status: str = falcon.HTTP_200) -> None:
        spec = self._spec
        base = f"/enfants/{view.child.id}"
        notices = list(spec.notices)
        if spec.kind is RequestKind.PRATIQUE_ALIMENTAIRE and PAI not in view.page.pratiques_offered:
            notices = ["La cantine de votre enfant ne propose pas de PAI : parlez-en au personnel de la cantine."]
        self._site.page(
            req, resp, "demande_formulaire.html", status=status, form=form, inputs=spec.inputs(view),
            title=f"{spec.title} — {view.child.prenom} {view.child.nom}", heading=spec.heading,
            crumbs=[("/enfants", "Mes enfants"), (base, f"{view.child.prenom} {view.child.nom}"),
                    (f"{base}/{spec.back}", spec.back_title)],
            intro=spec.intro, action=f"{base}/{spec.slug}", back=f"{base}/{spec.back}",
            pending=view.pending_table(*sorted(spec.pending_kinds, key=lambda k: k.value)),
            child=view.child, view=view, section=spec.back, notices=notices, submit=spec.submit,
        )


class ChildItemDeletionResource(_ChildPage):
    """Ask to remove an authorised person or an allergy (a POST form; it goes once accepted)."""

    auth = FAMILY

    def __init__(self, site: Site, kind: RequestKind, key: str, back: str) -> None:
        super().__init__(site)
        self._kind = kind
        self._key = key
        self._back = back

    def on_post(self, req: falcon.Request, resp: falcon.Response, child_id: str, **item: str) -> None:
        """Send the deletion request."""
        view = load_child(self._site, req, child_id)
        (item_id,) = item.values()
        item_id = path_id(item_id, "Élément")
        self._site.portal.requests.submit(req.context.principal, self._kind, {self._key: item_id},
                                          child_id=view.child.id)
        redirect(resp, f"/enfants/{view.child.id}/{self._back}?message=suppression-demandee")
