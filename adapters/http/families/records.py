"""Family and child records, the forms that make requests, photos, and agents' decisions.

Every form answers 202 with the request it created: nothing changes until an agent
accepts it. Anything that is not the caller's (or its organisation's, for an agent)
is answered 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

import falcon

from famille.adapters.http.auth import AGENT, AUTHENTICATED, FAMILY
from famille.adapters.http.errors import ApiProblem
from famille.adapters.http.families.payloads import (
    AdultBody,
    AllergyBody,
    AuthorisationBody,
    BancairesBody,
    CafBody,
    ChildIdentityBody,
    ComplementairesBody,
    DecisionBody,
    FiscalesBody,
    PratiqueBody,
    load_changes,
)
from famille.adapters.http.families.views import (
    child_record_view,
    family_record_view,
    queue_entry_view,
    request_view,
)
from famille.adapters.http.payloads import ID_MAX, load, path_id
from famille.adapters.http.routes import Route
from famille.kernel.families.record_service import Records
from famille.kernel.families.request_service import PHOTO_MAX_BYTES, Requests
from famille.kernel.families.requests import ChangeRequest, Decision, RequestKind, RequestStatus
from famille.kernel.shared.errors import FieldError, NotFound, ValidationFailed
from famille.ports.http import Application

API = "/api/v1"

#: `POST /api/v1/account/{section}`: the kind of request and the body of each tab.
ACCOUNT_SECTIONS: dict[str, tuple[RequestKind, type]] = {
    "responsable": (RequestKind.RESPONSABLE, AdultBody),
    "conjoint": (RequestKind.CONJOINT, AdultBody),
    "fiscales": (RequestKind.FISCALES, FiscalesBody),
    "caf": (RequestKind.CAF, CafBody),
    "bancaires": (RequestKind.BANCAIRES, BancairesBody),
}


def _accepted(resp: falcon.Response, request: ChangeRequest) -> None:
    resp.status = falcon.HTTP_202
    resp.media = request_view(request)


class AccountResource(Route[Records]):
    """« Mon compte »: the caller family's record, all tabs, with its pending requests."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The record."""
        resp.media = family_record_view(self._use_case.family_record(req.context.principal))


class AccountSectionResource(Route[Requests]):
    """A tab of « Mon compte » sent as a request (responsable, conjoint, fiscales, caf, bancaires)."""

    auth = FAMILY

    def on_post(self, req: falcon.Request, resp: falcon.Response, section: str) -> None:
        """Ask for the change."""
        if section not in ACCOUNT_SECTIONS:
            raise NotFound("Rubrique introuvable.")
        kind, body_type = ACCOUNT_SECTIONS[section]
        changes = load_changes(req, body_type)
        _accepted(resp, self._use_case.submit(req.context.principal, kind, changes))


class ChildrenResource(Route[Requests]):
    """« Ajout enfant »: a family asks to add a child."""

    auth = FAMILY

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Ask for the addition."""
        changes = load_changes(req, ChildIdentityBody)
        _accepted(resp, self._use_case.submit(req.context.principal, RequestKind.AJOUT_ENFANT, changes))


class ChildResource(Route[Records]):
    """A child's record, for its families and the agents of its organisation."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The record."""
        child_id = path_id(child_id, "Enfant")
        resp.media = child_record_view(self._use_case.child_record(req.context.principal, child_id))


class _ChildRequest(Route[Requests]):
    """A route of a child's page that asks for a change of `kind` (it takes effect once an agent accepts it)."""

    auth = FAMILY

    def __init__(self, requests: Requests, kind: RequestKind) -> None:
        super().__init__(requests)
        self._kind = kind

    def _ask(self, req: falcon.Request, resp: falcon.Response, child_id: str, changes: dict[str, Any]) -> None:
        _accepted(resp, self._use_case.submit(req.context.principal, self._kind, changes, child_id=child_id))


class _ChildForm(_ChildRequest):
    """A form of a child's page that creates a request of `kind` from a body of `body_type`."""

    def __init__(self, requests: Requests, kind: RequestKind, body_type: type) -> None:
        super().__init__(requests, kind)
        self._body_type = body_type

    def _submit(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """Ask for the addition or the change."""
        child_id = path_id(child_id, "Enfant")
        self._ask(req, resp, child_id, load_changes(req, self._body_type))


class ChildFormPost(_ChildForm):
    """A child form that adds something (an authorised person, an allergy)."""

    on_post = _ChildForm._submit


class ChildFormPut(_ChildForm):
    """A child form that replaces fields (identity, complementaires, pratique alimentaire)."""

    on_put = _ChildForm._submit


class ChildItemDeletion(_ChildRequest):
    """Asks to delete an item of a child's list (an authorised person, an allergy)."""

    def __init__(self, requests: Requests, kind: RequestKind, key: str) -> None:
        super().__init__(requests, kind)
        self._key = key

    def on_delete(self, req: falcon.Request, resp: falcon.Response, child_id: str, **item: str) -> None:
        """Ask for the deletion."""
        child_id = path_id(child_id, "Enfant")
        (item_id,) = item.values()  # person_id or allergy_id, as the route names it
        self._ask(req, resp, child_id, {self._key: path_id(item_id, "Élément")})


class PhotoResource:
    """A child's photo: served to its families and agents; a family uploads a new one (a request)."""

    auth = {"GET": AUTHENTICATED, "PUT": FAMILY}

    def __init__(self, records: Records, requests: Requests) -> None:
        self._records = records
        self._requests = requests

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The accepted photo, or with `?request=<id>` the one a photo request proposes."""
        child_id = path_id(child_id, "Enfant")
        request_id = req.get_param("request")
        if request_id is not None:
            request_id = path_id(request_id, "Photo")
        photo = self._records.photo(req.context.principal, child_id, request_id)
        resp.content_type = photo.content_type
        resp.data = photo.data
        resp.set_header("Cache-Control", "private, no-store")

    def on_put(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """Upload a JPEG or PNG image (2 Mo at most) as the body; the request waits for an agent."""
        child_id = path_id(child_id, "Enfant")
        if req.content_length is not None and req.content_length > PHOTO_MAX_BYTES:
            raise _photo_too_large()
        data = req.bounded_stream.read(PHOTO_MAX_BYTES + 1)
        if len(data) > PHOTO_MAX_BYTES:
            raise _photo_too_large()
        if not data:
            raise ValidationFailed([FieldError("photo", "Envoyez une image JPEG ou PNG.")])
        request = self._requests.submit_photo(req.context.principal, child_id, req.content_type or "", data)
        _accepted(resp, request)


def _photo_too_large() -> ApiProblem:
    return ApiProblem(falcon.HTTP_413, "payload-too-large", "Requête trop volumineuse",
                      "La photo ne doit pas dépasser 2 Mo.")


def _enum_param(req: falcon.Request, name: str, enum_type: Any, default: str | None = None) -> Any:
    value = req.get_param(name)
    if value is None:
        value = default
    if value is None:
        return None
    try:
        return enum_type(value)
    except ValueError:
        choices = ", ".join(item.value for item in enum_type)
        raise ValidationFailed([FieldError(name, f"Paramètre « {name} » : l'une des valeurs {choices}.")]) from None


class RequestsResource(Route[Requests]):
    """« Liste des demandes »: the caller family's requests and their answers."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Every request, oldest first, and grouped by kind into pending, refused and accepted."""
        kind = _enum_param(req, "kind", RequestKind)
        status = _enum_param(req, "status", RequestStatus)
        found = self._use_case.of_family(req.context.principal, kind=kind, status=status)
        by_kind: dict[str, dict[str, Any]] = {}
        for request in found:
            group = by_kind.setdefault(request.kind.value, {
                "kind": request.kind.value, "label": request.kind.label,
                "pending": [], "refused": [], "accepted": []})
            group[request.status.value].append(request_view(request))
        resp.media = {"requests": [request_view(r) for r in found], "by_kind": list(by_kind.values())}


class AgentRequestsResource(Route[Requests]):
    """The agent's queue: its organisation's requests, oldest first, with before and after."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Filter by `status` (default pending; `all` for every one), `kind` and `family`."""
        all_statuses = req.get_param("status") == "all"
        status = None if all_statuses else _enum_param(req, "status", RequestStatus, default="pending")
        kind = _enum_param(req, "kind", RequestKind)
        family = req.get_param("family") or None
        if family is not None and len(family) > ID_MAX:
            raise ValidationFailed([FieldError("family", "Paramètre « family » : trop long.")])
        entries = self._use_case.queue(req.context.principal, status=status, kind=kind, family_id=family)
        resp.media = {"requests": [queue_entry_view(entry) for entry in entries]}


class DecisionResource(Route[Requests]):
    """An agent accepts or refuses (with a reason) a request of its organisation."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response, request_id: str) -> None:
        """`{"accept": true}` or `{"accept": false, "reason": "..."}`; 409 if already decided."""
        request_id = path_id(request_id, "Demande")
        body = load(req, DecisionBody)
        decided = self._use_case.decide(req.context.principal, request_id,
                                        Decision(accept=body.accept, reason=body.reason))
        resp.media = request_view(decided)


def add_record_routes(app: falcon.App, portal: Application) -> None:
    """Route the records, requests and decisions of `portal` on `app`."""
    records, requests = portal.records, portal.requests
    child = f"{API}/children/{{child_id}}"
    app.add_route(f"{API}/account", AccountResource(records))
    app.add_route(f"{API}/account/{{section}}", AccountSectionResource(requests))
    app.add_route(f"{API}/children", ChildrenResource(requests))
    app.add_route(child, ChildResource(records))
    app.add_route(f"{child}/identity", ChildFormPut(requests, RequestKind.IDENTITE_ENFANT, ChildIdentityBody))
    app.add_route(f"{child}/complementaires",
                  ChildFormPut(requests, RequestKind.COMPLEMENTAIRES, ComplementairesBody))
    app.add_route(f"{child}/pratique-alimentaire",
                  ChildFormPut(requests, RequestKind.PRATIQUE_ALIMENTAIRE, PratiqueBody))
    app.add_route(f"{child}/authorisations",
                  ChildFormPost(requests, RequestKind.AUTORISATION_AJOUT, AuthorisationBody))
    app.add_route(f"{child}/authorisations/{{person_id}}",
                  ChildItemDeletion(requests, RequestKind.AUTORISATION_SUPPRESSION, "person_id"))
    app.add_route(f"{child}/allergies", ChildFormPost(requests, RequestKind.ALLERGIE_AJOUT, AllergyBody))
    app.add_route(f"{child}/allergies/{{allergy_id}}",
                  ChildItemDeletion(requests, RequestKind.ALLERGIE_SUPPRESSION, "allergy_id"))
    app.add_route(f"{child}/photo", PhotoResource(records, requests))
    app.add_route(f"{API}/requests", RequestsResource(requests))
    app.add_route(f"{API}/agent/requests", AgentRequestsResource(requests))
    app.add_route(f"{API}/agent/requests/{{request_id}}/decision", DecisionResource(requests))
