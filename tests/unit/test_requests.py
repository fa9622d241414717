"""Requests on the fakes: submitted, checked by the rules, decided by an agent, rewound by the audit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from famille.kernel.accounts.model import Principal, Role
from famille.kernel.families.requests import Decision, RequestKind, RequestStatus
from famille.kernel.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.unit.world import World, make_world

DUPONT = Principal("acc-dupont", "dupont", Role.FAMILY, "org-a", "fam-dupont", "s1")
DURAND = Principal("acc-durand", "durand", Role.FAMILY, "org-b", "fam-durand", "s2")
AGENT_A = Principal("acc-agent-a", "agent-a", Role.AGENT, "org-a", None, "s3")
AGENT_B = Principal("acc-agent-b", "agent-b", Role.AGENT, "org-b", None, "s4")
PERSON = {"nom": "ROUX", "prenom": "Jean", "lien": "Grand père", "mobile": "+33601020304"}


@pytest.fixture
def world() -> World:
    return make_world()


def _accepted(world: World, kind: RequestKind, changes: dict, child: str | None = "child-lea") -> str:
    world.clock.advance(timedelta(minutes=5))
    request = world.portal.requests.submit(DUPONT, kind, changes, child_id=child)
    world.clock.advance(timedelta(minutes=5))
    world.portal.requests.decide(AGENT_A, request.id, Decision(accept=True))
    return request.id


def test_an_accepted_request_changes_the_record_and_keeps_what_it_replaced(world: World) -> None:
    request_id = _accepted(world, RequestKind.RESPONSABLE, {"mobile": "+33612345678"}, child=None)

    record = world.portal.records.family_record(DUPONT).record
    (decided,) = world.portal.requests.of_family(DUPONT)
    assert record.family.responsable.mobile == "+33612345678"
    assert decided.id == request_id
    assert decided.before == {"mobile": None}
    assert decided.status is RequestStatus.ACCEPTED


def test_a_refused_request_changes_nothing_and_tells_the_family_why(world: World) -> None:
    request = world.portal.requests.submit(DUPONT, RequestKind.CAF, {"quotient_familial": 400})

    world.portal.requests.decide(AGENT_A, request.id, Decision(accept=False, reason="Attestation CAF manquante"))

    assert world.portal.records.family_record(DUPONT).record.sections.caf.quotient_familial is None
    assert world.notifier.sent[-1].notice.body == (
        "Votre demande « Informations CAF » du 28/11/2026 a été refusée : Attestation CAF manquante")
    assert world.notifier.sent[-1].recipient.email_allowed is True


def test_the_rule_file_refuses_a_responsable_without_any_telephone(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        world.portal.requests.submit(DUPONT, RequestKind.RESPONSABLE, {"nom": "DUPONT"})

    assert refused.value.errors[0].rule_id == "telephone-domicile-ou-mobile-obligatoire"
    assert refused.value.errors[0].field == "telephone_domicile"
    assert world.uow.store.requests == {}


def test_a_request_for_unknown_or_wrongly_typed_fields_is_refused_by_the_kernel(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        world.portal.requests.submit(DUPONT, RequestKind.COMPLEMENTAIRES, {"lunettes": "oui", "couleur": "bleu"},
                                     child_id="child-lea")

    assert {e.field for e in refused.value.errors} == {"lunettes", "couleur"}


def test_nobody_submits_about_another_familys_child_or_decides_another_organisations_request(world: World) -> None:
    request = world.portal.requests.submit(DUPONT, RequestKind.COMPLEMENTAIRES, {"lunettes": True},
                                           child_id="child-lea")

    with pytest.raises(NotFound):
        world.portal.requests.submit(DURAND, RequestKind.COMPLEMENTAIRES, {"lunettes": True}, child_id="child-lea")
    with pytest.raises(NotFound):
        world.portal.requests.decide(AGENT_B, request.id, Decision(accept=True))
    with pytest.raises(NotFound):
        world.portal.records.child_record(AGENT_B, "child-lea")
    with pytest.raises(Forbidden):
        world.portal.requests.submit(AGENT_A, RequestKind.CAF, {"quotient_familial": 1})
    assert world.portal.requests.queue(AGENT_B) == []


def test_a_decided_request_cannot_be_decided_again(world: World) -> None:
    request_id = _accepted(world, RequestKind.CAF, {"quotient_familial": 650}, child=None)

    with pytest.raises(Conflict) as conflict:
        world.portal.requests.decide(AGENT_A, request_id, Decision(accept=False, reason="non"))
    assert "déjà été acceptée" in conflict.value.message


def test_a_pai_is_accepted_with_a_notice_and_a_menu_the_canteen_lacks_is_refused(world: World) -> None:
    from famille.kernel.shared.organisations import Structure, StructureKind

    world.uow.seed(structures=[Structure("c", "org-a", "Cantine", StructureKind.CANTINE, ("--Aucun--", "PAI"))])

    pai = world.portal.requests.submit(DUPONT, RequestKind.PRATIQUE_ALIMENTAIRE, {"libelle": "PAI"},
                                       child_id="child-lea")
    with pytest.raises(ValidationFailed) as refused:
        world.portal.requests.submit(DUPONT, RequestKind.PRATIQUE_ALIMENTAIRE, {"libelle": "Sans porc"},
                                     child_id="child-lea")

    assert pai.notice and "certificat médical" in pai.notice
    assert pai.rule_ids == ("pai-certificat-et-rencontre", "demande-recevable")
    assert refused.value.errors[0].rule_id == "pratique-non-proposee-par-la-cantine"


def test_the_audit_puts_a_deleted_person_back_where_it_was(world: World) -> None:
    for nom in ("A", "B", "C"):
        _accepted(world, RequestKind.AUTORISATION_AJOUT, {**PERSON, "nom": nom})
    before_deletion = world.clock.now()
    persons = world.portal.records.child_record(DUPONT, "child-lea").record.sections.autorisations
    _accepted(world, RequestKind.AUTORISATION_SUPPRESSION, {"person_id": persons[1].id})

    now = world.portal.records.child_record(DUPONT, "child-lea").record.sections.autorisations
    then = world.portal.records.child_record_as_of(DUPONT, "child-lea", before_deletion)
    assert [p.nom for p in now] == ["A", "C"]
    assert then is not None
    assert [p.nom for p in then.sections.autorisations] == ["A", "B", "C"]
    assert [r.kind for r in world.portal.records.child_history(DUPONT, "child-lea")] == [
        RequestKind.AUTORISATION_AJOUT] * 3 + [RequestKind.AUTORISATION_SUPPRESSION]


def test_a_conjoint_added_by_a_request_is_gone_in_the_record_as_it_was_before(world: World) -> None:
    start = world.clock.now()
    _accepted(world, RequestKind.CONJOINT, {"nom": "DUPONT", "prenom": "Paul", "mobile": "+33698765432"}, child=None)

    assert world.portal.records.family_record(DUPONT).record.family.conjoint is not None
    assert world.portal.records.family_record_as_of(DUPONT, "fam-dupont", start).family.conjoint is None


def test_a_child_added_by_a_request_did_not_exist_before_its_acceptance(world: World) -> None:
    start = world.clock.now()
    request = world.portal.requests.submit(DUPONT, RequestKind.AJOUT_ENFANT, {
        "nom": "DUPONT", "prenom": "Jules", "sexe": "M", "date_naissance": "2022-04-01"})
    world.clock.advance(timedelta(minutes=1))
    decided = world.portal.requests.decide(AGENT_A, request.id, Decision(accept=True))

    assert decided.child_id is not None
    assert world.portal.records.child_record(DUPONT, decided.child_id).record.child.prenom == "Jules"
    assert world.portal.records.child_record_as_of(DUPONT, decided.child_id, start) is None


def test_the_queue_shows_the_current_values_as_before_and_the_oldest_first(world: World) -> None:
    first = world.portal.requests.submit(DUPONT, RequestKind.COMPLEMENTAIRES, {"lunettes": True},
                                         child_id="child-lea")
    world.clock.advance(timedelta(minutes=1))
    world.portal.requests.submit(DUPONT, RequestKind.CAF, {"quotient_familial": 300})

    queue = world.portal.requests.queue(AGENT_A)
    only_caf = world.portal.requests.queue(AGENT_A, kind=RequestKind.CAF)

    assert queue[0].request.id == first.id
    assert queue[0].before == {"lunettes": False}
    assert queue[0].after == {"lunettes": True}
    assert queue[0].child_name == "LEA DUPONT"
    assert [e.request.kind for e in only_caf] == [RequestKind.CAF]
