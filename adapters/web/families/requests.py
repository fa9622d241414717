"""« Liste des demandes » for a family; the queue of requests for an agent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import falcon

from famille.adapters.http.auth import AGENT, FAMILY
from famille.adapters.http.payloads import ID_MAX, path_id
from famille.adapters.web.families.account import TABS
from famille.adapters.web.families.request_tables import DiffLine, Table, diff, items_of, table
from famille.adapters.web.forms import Form, posted, refused_decision
from famille.adapters.web.rendering import redirect
from famille.adapters.web.site import Page, Site
from famille.kernel.families.request_service import QueueEntry
from famille.kernel.families.requests import ChangeRequest, Decision, RequestKind, RequestStatus
from famille.kernel.shared.errors import Conflict, NotFound, ValidationFailed


@attrs.frozen
class KindGroup:
    """One heading of « Liste des demandes » and the kinds of request under it."""

    slug: str
    title: str
    kinds: tuple[RequestKind, ...]


ACCOUNT_GROUPS = tuple(KindGroup(tab.slug, tab.title, (tab.kind,)) for tab in TABS)
CHILD_GROUPS = (
    KindGroup("ajout-enfant", "Ajout enfant", (RequestKind.AJOUT_ENFANT,)),
    KindGroup("identite", "Identité et photo", (RequestKind.IDENTITE_ENFANT, RequestKind.PHOTO)),
    KindGroup("autorisations", "Autorisations",
              (RequestKind.AUTORISATION_AJOUT, RequestKind.AUTORISATION_SUPPRESSION)),
    KindGroup("complementaires", "Données complémentaires", (RequestKind.COMPLEMENTAIRES,)),
    KindGroup("sanitaires", "Données sanitaires",
              (RequestKind.PRATIQUE_ALIMENTAIRE, RequestKind.ALLERGIE_AJOUT, RequestKind.ALLERGIE_SUPPRESSION)),
)


@attrs.frozen
class KindTables:
    """The requests of one kind: pending, refused, accepted."""

    kind: RequestKind
    pending: Table
    refused: Table
    accepted: Table

    @property
    def empty(self) -> bool:
        """Whether there is no request of this kind at all."""
        return not (self.pending.rows or self.refused.rows or self.accepted.rows)


def _tables(requests: Sequence[ChangeRequest], kind: RequestKind, items: Any, names: dict[str, str]) -> KindTables:
    of_kind = [r for r in requests if r.kind is kind]

    def status(s: RequestStatus) -> Table:
        return table([r for r in of_kind if r.status is s], items, names)

    return KindTables(kind, status(RequestStatus.PENDING), status(RequestStatus.REFUSED),
                      status(RequestStatus.ACCEPTED))


class FamilyRequestsResource(Page):
    """`/demandes`: every request of the family, by heading and kind, with the commune's answers."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The guide's tables: pending, refused (date and reason), accepted (date)."""
        principal = req.context.principal
        portal = self._site.portal
        requests = portal.requests.of_family(principal)
        children = portal.home.page(principal).children
        records = [portal.records.child_record(principal, c.id).record for c in children]
        items, names = items_of(records), {c.id: f"{c.prenom} {c.nom}" for c in children}
        groups = [
            (heading, [(group, [_tables(requests, kind, items, names) for kind in group.kinds])
                       for group in groups])
            for heading, groups in (("Mon compte", ACCOUNT_GROUPS), ("Mes enfants", CHILD_GROUPS))
        ]
        self._site.page(req, resp, "demandes.html", groups=groups, total=len(requests),
                        pending=sum(1 for r in requests if r.is_pending))


@attrs.frozen
class QueueItem:
    """A request in the agent's queue, with its before/after lines and any error of its form."""

    entry: QueueEntry
    lines: list[DiffLine]
    form: Form


class AgentRequestsResource(Page):
    """`/agent/demandes`: the organisation's pending requests, oldest first, to accept or refuse."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The queue, filtered by kind and family."""
        self.show(req, resp)

    def show(self, req: falcon.Request, resp: falcon.Response, *, status: str = falcon.HTTP_200,
             failed: tuple[str, Form] | None = None, conflict: str | None = None) -> None:
        """The queue; `failed` is the request whose decision form was refused, and its form."""
        principal = req.context.principal
        every = self._site.portal.requests.queue(principal)
        kind_value = (req.get_param("type") or "")[:40]
        family_id = (req.get_param("famille") or "")[:ID_MAX]
        kinds = {e.request.kind for e in every}
        families = sorted({(e.request.family_id, f"{e.family_name} (N° {e.family_number})") for e in every},
                          key=lambda f: f[1])
        shown = [e for e in every
                 if (not kind_value or e.request.kind.value == kind_value)
                 and (not family_id or e.request.family_id == family_id)]
        items = [QueueItem(e, diff(e.request, e.before, {}),
                           failed[1] if failed and failed[0] == e.request.id else Form()) for e in shown]
        self._site.page(req, resp, "agent_demandes.html", status=status, items=items, total=len(every),
                        kinds=sorted(kinds, key=lambda k: k.label), families=families, kind_value=kind_value,
                        family_id=family_id, conflict=conflict)


class AgentDecisionResource:
    """`POST /agent/demandes/{request_id}`: « Accepter », or « Refuser » with a reason."""

    auth = AGENT

    def __init__(self, site: Site, queue: AgentRequestsResource) -> None:
        self._site = site
        self._queue = queue

    def on_post(self, req: falcon.Request, resp: falcon.Response, request_id: str) -> None:
        """Decide; a refusal needs a reason; another agent may have decided first."""
        request_id = path_id(request_id, "Demande")
        fields = posted(req)
        accept = fields.get("decision") == "accepter"
        reason = fields.get("motif", "")
        if not accept and fields.get("decision") != "refuser":
            raise NotFound("Décision inconnue.")
        try:
            self._site.portal.requests.decide(req.context.principal, request_id,
                                              Decision(accept=accept, reason=None if accept else reason))
        except ValidationFailed as refused:
            self._queue.show(req, resp, status=falcon.HTTP_422, failed=(request_id, refused_decision(reason, refused)))
            return
        except Conflict as conflict:
            self._queue.show(req, resp, status=falcon.HTTP_409, conflict=conflict.message)
            return
        redirect(resp, "/agent/demandes?message=" + ("demande-acceptee" if accept else "demande-refusee"))
