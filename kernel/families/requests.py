"""Requests ("demandes"): every change a family asks about itself or its children.

A request is checked at once by the `request_validation` rule file, then waits
for an agent of the organisation, who accepts it (it takes effect) or refuses it
with a reason. Nothing is deleted: requests and answers stay readable.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import attrs

Primitive = str | int | bool | None
"""A JSON-able value of a request's changes (decimals and dates travel as strings)."""

Changes = Mapping[str, Primitive]


class RequestKind(enum.Enum):
    """What a request changes. Later work adds inscription, reservation and absence."""

    RESPONSABLE = "responsable"
    CONJOINT = "conjoint"
    FISCALES = "fiscales"
    CAF = "caf"
    BANCAIRES = "bancaires"
    AJOUT_ENFANT = "ajout_enfant"
    IDENTITE_ENFANT = "identite_enfant"
    AUTORISATION_AJOUT = "autorisation_ajout"
    AUTORISATION_SUPPRESSION = "autorisation_suppression"
    COMPLEMENTAIRES = "complementaires"
    PRATIQUE_ALIMENTAIRE = "pratique_alimentaire"
    ALLERGIE_AJOUT = "allergie_ajout"
    ALLERGIE_SUPPRESSION = "allergie_suppression"
    PHOTO = "photo"

    @property
    def label(self) -> str:
        """The French name « Liste des demandes » gives it."""
        return KIND_LABELS[self]

    @property
    def about_child(self) -> bool:
        """Whether it changes a child's record (else the family's « Mon compte »)."""
        return self not in FAMILY_KINDS

    @property
    def is_health(self) -> bool:
        """Whether it carries health data (données sanitaires), shown only to the family and its agents."""
        return self in HEALTH_KINDS


FAMILY_KINDS = frozenset({RequestKind.RESPONSABLE, RequestKind.CONJOINT, RequestKind.FISCALES,
                          RequestKind.CAF, RequestKind.BANCAIRES})
HEALTH_KINDS = frozenset({RequestKind.PRATIQUE_ALIMENTAIRE, RequestKind.ALLERGIE_AJOUT,
                          RequestKind.ALLERGIE_SUPPRESSION})

KIND_LABELS = {
    RequestKind.RESPONSABLE: "Informations responsable",
    RequestKind.CONJOINT: "Informations conjoint",
    RequestKind.FISCALES: "Informations fiscales",
    RequestKind.CAF: "Informations CAF",
    RequestKind.BANCAIRES: "Informations bancaires",
    RequestKind.AJOUT_ENFANT: "Ajout enfant",
    RequestKind.IDENTITE_ENFANT: "Identité de l'enfant",
    RequestKind.AUTORISATION_AJOUT: "Ajout d'une personne autorisée",
    RequestKind.AUTORISATION_SUPPRESSION: "Suppression d'une personne autorisée",
    RequestKind.COMPLEMENTAIRES: "Données complémentaires",
    RequestKind.PRATIQUE_ALIMENTAIRE: "Pratique alimentaire",
    RequestKind.ALLERGIE_AJOUT: "Ajout d'une allergie",
    RequestKind.ALLERGIE_SUPPRESSION: "Suppression d'une allergie",
    RequestKind.PHOTO: "Photo de l'enfant",
}


class RequestStatus(enum.Enum):
    """Where a request stands."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        """« en cours », « acceptée », « refusée »."""
        return {"pending": "en cours", "accepted": "acceptée", "refused": "refusée"}[self.value]


@attrs.frozen
class ChangeRequest:
    """One request and, once decided, its answer.

    `changes` is the "after" (only the fields asked for); `before` the same fields
    as they were when the request was accepted (empty until then), which is what
    the audit restores to see a record as it was. `child_id` is set at acceptance
    for an « ajout enfant ». `rule_ids` are the validation rules that accepted it.
    """

    id: str
    organisation_code: str
    family_id: str
    child_id: str | None
    kind: RequestKind
    changes: Changes
    submitted_at: datetime
    submitted_by: str
    status: RequestStatus = RequestStatus.PENDING
    before: Changes = attrs.field(factory=dict)
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    notice: str | None = None
    rule_ids: tuple[str, ...] = ()

    @property
    def is_pending(self) -> bool:
        """Whether no agent has decided it yet."""
        return self.status is RequestStatus.PENDING


@attrs.frozen
class RequestQuery:
    """Which requests to list: every filter given must hold; None (the default) lets any through.

    The repositories answer it (`RequestRepository.find`), oldest submitted first; `matches` is what
    each filter means, for a repository that filters in memory.
    """

    organisation_code: str | None = None
    family_id: str | None = None
    child_id: str | None = None
    status: RequestStatus | None = None
    kinds: frozenset[RequestKind] | None = None

    def matches(self, request: ChangeRequest) -> bool:
        """Whether `request` passes every filter given."""
        return ((self.organisation_code is None or request.organisation_code == self.organisation_code)
                and (self.family_id is None or request.family_id == self.family_id)
                and (self.child_id is None or request.child_id == self.child_id)
                and (self.status is None or request.status is self.status)
                and (self.kinds is None or request.kind in self.kinds))


@attrs.frozen
class Decision:
    """What an agent decides: accept, or refuse with a reason."""

    accept: bool
    reason: str | None = None
