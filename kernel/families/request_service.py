"""Submitting requests, listing them, and agents' decisions.

A family submits; the `request_validation` rule file checks the request at once
(each refusal names its field); the request waits, pending, for an agent of the
organisation, who accepts it (the change is applied to the record in the same
transaction) or refuses it with a reason; the family is then notified.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.families import access
from famille.kernel.families import changes as rc
from famille.kernel.families.model import Family
from famille.kernel.families.records import PAI, Photo
from famille.kernel.families.requests import (
    FAMILY_KINDS,
    ChangeRequest,
    Changes,
    Decision,
    RequestKind,
    RequestQuery,
    RequestStatus,
)
from famille.kernel.shared.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from famille.kernel.shared.refusals import refusal_reason
from famille.ports.clock import Clock
from famille.ports.notification import Notice, Notifier, Recipient
from famille.ports.persistence import UnitOfWork, UnitOfWorkFactory
from famille.ports.rules import Rules

VALIDATION_POLICY = "request_validation"
PHOTO_MAX_BYTES = 2 * 1024 * 1024
#: Magic numbers: the first bytes decide what a file is, not the Content-Type it came with.
PHOTO_SIGNATURES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
REQUEST_NOT_FOUND = "Demande introuvable."

#: The `kind` input of the rule file for each kind of request.
RULE_KINDS = {
    RequestKind.RESPONSABLE: "responsable",
    RequestKind.CONJOINT: "conjoint",
    RequestKind.FISCALES: "fiscales",
    RequestKind.CAF: "caf",
    RequestKind.BANCAIRES: "bancaires",
    RequestKind.AJOUT_ENFANT: "enfant",
    RequestKind.IDENTITE_ENFANT: "enfant",
    RequestKind.PHOTO: "enfant",
    RequestKind.AUTORISATION_AJOUT: "autorisation",
    # a deletion names a person already on file: no telephone to check
    RequestKind.AUTORISATION_SUPPRESSION: "enfant",
    RequestKind.COMPLEMENTAIRES: "complementaires",
    RequestKind.PRATIQUE_ALIMENTAIRE: "sanitaires_pratique",
    RequestKind.ALLERGIE_AJOUT: "sanitaires_allergie",
    RequestKind.ALLERGIE_SUPPRESSION: "sanitaires_allergie",
}


@attrs.frozen
class QueueEntry:
    """A request as an agent examines it: who asks, and each field before and after."""

    request: ChangeRequest
    before: Changes
    family_number: str
    family_name: str
    child_name: str | None = None

    @property
    def after(self) -> Changes:
        """The values asked for."""
        return self.request.changes


class Requests:
    """The use cases of requests (« demandes ») and of the agents' decisions."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, rules: Rules, notifier: Notifier) -> None:
        self._uow = uow
        self._clock = clock
        self._rules = rules
        self._notifier = notifier

    # --- families ---------------------------------------------------------------------------

    def submit(
        self, principal: Principal, kind: RequestKind, changes: Mapping[str, Any], *, child_id: str | None = None
    ) -> ChangeRequest:
        """Check and store a family's request; it waits for an agent. Returns it with any notice."""
        family_id = _family_of(principal)
        changes = dict(changes)
        if kind in (RequestKind.AUTORISATION_AJOUT, RequestKind.ALLERGIE_AJOUT):
            changes["id"] = str(uuid.uuid4())
        with self._uow() as uow:
            family = access.visible_family(uow, principal, family_id)
            if kind.about_child and kind is not RequestKind.AJOUT_ENFANT:
                if child_id is None:
                    raise NotFound(access.CHILD_NOT_FOUND)
                child = access.visible_child(uow, principal, child_id)
                organisation, facts_record = child.organisation_code, access.child_record(uow, child.id)
            else:
                child_id = None
                organisation, facts_record = family.organisation_code, None
            checked = rc.check_changes(kind, changes)
            if kind in FAMILY_KINDS:
                facts = self._facts(uow, kind, checked, access.family_record(uow, family.id))
            else:
                facts = self._facts(uow, kind, checked, facts_record)
            rule_ids, notice = self._validate(kind, facts, organisation)
            request = ChangeRequest(
                id=str(uuid.uuid4()), organisation_code=organisation, family_id=family.id, child_id=child_id,
                kind=kind, changes=checked, submitted_at=self._clock.now(), submitted_by=principal.account_id,
                notice=notice, rule_ids=rule_ids,
            )
            uow.requests.add(request)
            uow.commit()
            return request

    def submit_photo(self, principal: Principal, child_id: str, content_type: str, data: bytes) -> ChangeRequest:
        """Store an uploaded photo (JPEG or PNG, 2 Mo at most) and request that it become the child's."""
        family_id = _family_of(principal)
        media_type = content_type.split(";")[0].strip().lower()
        signature = PHOTO_SIGNATURES.get(media_type)
        if signature is None:
            raise ValidationFailed([FieldError("photo", "La photo doit être une image JPEG ou PNG.")])
        if len(data) > PHOTO_MAX_BYTES:
            raise ValidationFailed([FieldError("photo", "La photo ne doit pas dépasser 2 Mo.")])
        if not data.startswith(signature):
            raise ValidationFailed([FieldError("photo", "Le fichier envoyé n'est pas une image "
                                                        + ("JPEG." if media_type == "image/jpeg" else "PNG."))])
        with self._uow() as uow:
            access.visible_family(uow, principal, family_id)
            child = access.visible_child(uow, principal, child_id)
            photo = Photo(id=str(uuid.uuid4()), child_id=child.id, content_type=media_type, data=data,
                          uploaded_at=self._clock.now())
            uow.records.add_photo(photo)
            uow.commit()
        return self.submit(principal, RequestKind.PHOTO, {"photo_id": photo.id, "content_type": media_type},
                           child_id=child_id)

    def of_family(
        self,
        principal: Principal,
        *,
        kind: RequestKind | None = None,
        child_id: str | None = None,
        status: RequestStatus | None = None,
    ) -> Sequence[ChangeRequest]:
        """The caller family's own requests (« Liste des demandes »), oldest first."""
        family_id = _family_of(principal)
        with self._uow() as uow:
            found = uow.requests.find(RequestQuery(family_id=family_id, status=status,
                                                   kinds=frozenset({kind}) if kind else None))
            return [r for r in found if child_id is None or r.child_id == child_id]

    # --- agents -----------------------------------------------------------------------------

    def queue(
        self,
        principal: Principal,
        *,
        status: RequestStatus | None = RequestStatus.PENDING,
        kind: RequestKind | None = None,
        family_id: str | None = None,
    ) -> Sequence[QueueEntry]:
        """The agent's organisation's requests, oldest first, each with its before and after.

        The « before » of a pending request is the record's current value of each
        field it changes; of an accepted one, what it replaced.
        """
        if not principal.is_agent:
            raise Forbidden("Cette page est réservée aux agents.")
        with self._uow() as uow:
            found = uow.requests.find(RequestQuery(organisation_code=principal.organisation_code,
                                                   family_id=family_id, status=status,
                                                   kinds=frozenset({kind}) if kind else None))
            families: dict[str, Family] = {}
            entries = []
            for request in found:
                family = families.get(request.family_id) or uow.families.get(request.family_id)
                if family is None:  # pragma: no cover - a request always names an existing family
                    continue
                families[family.id] = family
                child = uow.families.get_child(request.child_id) if request.child_id else None
                entries.append(QueueEntry(
                    request=request,
                    before=self._before(uow, request),
                    family_number=family.number,
                    family_name=family.responsable.full_name,
                    child_name=f"{child.prenom} {child.nom}" if child else None,
                ))
            return entries

    def decide(self, principal: Principal, request_id: str, decision: Decision) -> ChangeRequest:
        """Accept (the change takes effect now) or refuse with a reason; then notify the family.

        Of two agents deciding the same request at once, exactly one wins; the other
        gets `Conflict`. A decided request cannot be decided again.
        """
        reason = refusal_reason(decision.accept, decision.reason)
        with self._uow() as uow:
            request = uow.requests.get(request_id)
            if request is None or not principal.is_agent or request.organisation_code != principal.organisation_code:
                raise NotFound(REQUEST_NOT_FOUND)
            if not request.is_pending:
                raise Conflict(_already_decided(request))
            status = RequestStatus.ACCEPTED if decision.accept else RequestStatus.REFUSED
            # The claim comes first: it is the lock that makes the second agent lose.
            if not uow.requests.claim(request.id, status, self._clock.now(), principal.account_id,
                                      None if decision.accept else reason):
                raise Conflict("Cette demande vient d'être traitée par un autre agent ; elle ne peut plus "
                               "être acceptée ni refusée.")
            if decision.accept:
                before, child_id = self._apply(uow, request)
                uow.requests.record_effect(request.id, before, child_id)
            uow.commit()
            decided = uow.requests.get(request.id)
            family = uow.families.get(request.family_id)
            account = uow.accounts.by_family(request.family_id)
        assert decided is not None
        if family is not None and account is not None:
            self._notifier.notify(_recipient(account.id, account.email, family), _notice(decided))
        return decided

    # --- helpers ----------------------------------------------------------------------------

    def _facts(self, uow: UnitOfWork, kind: RequestKind, changes: Changes, record: Any) -> dict[str, Any]:
        facts: dict[str, Any] = {"kind": RULE_KINDS[kind]}
        if kind in (RequestKind.RESPONSABLE, RequestKind.CONJOINT):
            current = rc.current_values(record, kind, {"telephone_domicile": None, "mobile": None})
            merged = {**current, **{k: v for k, v in changes.items() if k in current}}
            facts["has_telephone_domicile"] = bool(merged["telephone_domicile"])
            facts["has_mobile"] = bool(merged["mobile"])
        elif kind is RequestKind.AUTORISATION_AJOUT:
            facts["has_telephone"] = bool(changes.get("telephone"))
            facts["has_mobile"] = bool(changes.get("mobile"))
        elif kind is RequestKind.PRATIQUE_ALIMENTAIRE:
            facts["pratique_offered"] = changes["libelle"] in access.pratiques_offered(uow, record.child)
            facts["pratique_is_pai"] = changes["libelle"] == PAI
        elif kind in (RequestKind.AUTORISATION_SUPPRESSION, RequestKind.ALLERGIE_SUPPRESSION) \
                and not rc.current_values(record, kind, changes):
            raise NotFound("Personne autorisée introuvable." if kind is RequestKind.AUTORISATION_SUPPRESSION
                               else "Allergie introuvable.")
        return facts

    def _validate(self, kind: RequestKind, facts: Mapping[str, Any], organisation: str) -> tuple[tuple[str, ...], str | None]:
        decision = self._rules.decide(VALIDATION_POLICY, facts, organisation=organisation)
        refusals = [hit for hit in decision.hits if hit.outcome.get("accepted") is False]
        if refusals:
            raise ValidationFailed([FieldError(str(hit.outcome.get("field") or "$"), hit.message, hit.rule_id)
                                    for hit in refusals])
        notices = [hit.message for hit in decision.hits if hit.outcome.get("notice")]
        return tuple(hit.rule_id for hit in decision.hits), " ".join(notices) or None

    def _before(self, uow: UnitOfWork, request: ChangeRequest) -> Changes:
        if not request.is_pending:
            return request.before
        if request.kind in FAMILY_KINDS:
            return rc.current_values(access.family_record(uow, request.family_id), request.kind, request.changes)
        if request.child_id is None:
            return {}
        return rc.current_values(access.child_record(uow, request.child_id), request.kind, request.changes)

    def _apply(self, uow: UnitOfWork, request: ChangeRequest) -> tuple[Changes, str | None]:
        """Apply an accepted request to its record; the `before` it replaced and the child it concerns."""
        if request.kind in FAMILY_KINDS:
            record = access.family_record(uow, request.family_id, for_update=True)
            changed, before = rc.apply_to_family(record, request.kind, request.changes)
            access.save_family_record(uow, record, changed)
            return before, None
        if request.kind is RequestKind.AJOUT_ENFANT:
            created = rc.new_child(request.changes, child_id=str(uuid.uuid4()),
                                   organisation_code=request.organisation_code, family_id=request.family_id)
            uow.families.add_child(created.child)
            uow.records.save_child_sections(created.child.id, created.sections)
            return {}, created.child.id
        assert request.child_id is not None
        child_record = access.child_record(uow, request.child_id, for_update=True)
        new_record, before = rc.apply_to_child(child_record, request.kind, request.changes)
        access.save_child_record(uow, child_record, new_record)
        return before, request.child_id


def _family_of(principal: Principal) -> str:
    if principal.is_agent or principal.family_id is None:
        raise Forbidden("Seule une famille peut faire une demande.")
    return principal.family_id


def _already_decided(request: ChangeRequest) -> str:
    when = request.decided_at.strftime("%d/%m/%Y") if request.decided_at else ""
    return f"Cette demande a déjà été {request.status.label} le {when} ; elle ne peut plus être modifiée."


def _recipient(account_id: str, account_email: str | None, family: Family) -> Recipient:
    responsable = family.responsable
    return Recipient(
        account_id=account_id,
        display_name=responsable.full_name,
        email=responsable.email or account_email,
        mobile=responsable.mobile,
        email_allowed=responsable.autorisation_courriel,
        sms_allowed=responsable.autorisation_sms,
    )


def _notice(request: ChangeRequest) -> Notice:
    """« Votre demande « Informations responsable » du 27/07/2016 a été acceptée. »"""
    day = request.submitted_at.strftime("%d/%m/%Y")
    head = f"Votre demande « {request.kind.label} » du {day}"
    if request.status is RequestStatus.ACCEPTED:
        return Notice(subject=f"Demande acceptée : {request.kind.label}", body=f"{head} a été acceptée.")
    return Notice(subject=f"Demande refusée : {request.kind.label}",
                  body=f"{head} a été refusée : {request.reason}")
