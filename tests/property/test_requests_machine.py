"""Random requests submitted, accepted and refused: the records follow a simple model, and the audit rewinds them.

The model is a dictionary of the few fields the machine changes. After every step
the real records equal the model; no request is ever lost; and the record « as of »
each past decision equals the model as it was then.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from famille.kernel.accounts.model import Principal, Role
from famille.kernel.families.records import PRATIQUES
from famille.kernel.families.requests import Decision, RequestKind, RequestStatus
from famille.kernel.shared.errors import Conflict
from famille.kernel.shared.organisations import Structure, StructureKind
from tests.unit.world import make_world

FAMILY = Principal("acc-dupont", "dupont", Role.FAMILY, "org-a", "fam-dupont", "s1")
AGENT = Principal("acc-agent-a", "agent-a", Role.AGENT, "org-a", None, "s2")
CHILD = "child-lea"
mobiles = st.sampled_from([None, "+33612345678", "+33698765432", "+33700000001"])


class RequestsMachine(RuleBasedStateMachine):
    """Submits and decides requests on the fakes against a dictionary model."""

    @initialize()
    def start(self) -> None:
        self.world = make_world()
        self.world.uow.seed(structures=[Structure("cantine", "org-a", "Cantine", StructureKind.CANTINE,
                                                  pratiques=PRATIQUES)])
        self.portal = self.world.portal
        self.model: dict[str, Any] = {"telephone_domicile": None, "mobile": None, "quotient_familial": None,
                                      "lunettes": False, "libelle": "--Aucun--", "persons": ()}
        self.pending: dict[str, tuple[RequestKind, dict[str, Any]]] = {}
        self.statuses: dict[str, RequestStatus] = {}
        self.history: list[tuple[datetime, dict[str, Any]]] = [(self.world.clock.now(), dict(self.model))]

    def _tick(self) -> None:
        self.world.clock.advance(timedelta(minutes=7))

    def _submit(self, kind: RequestKind, changes: dict[str, Any], child: bool) -> None:
        self._tick()
        request = self.portal.requests.submit(FAMILY, kind, changes, child_id=CHILD if child else None)
        self.pending[request.id] = (kind, dict(request.changes))
        self.statuses[request.id] = RequestStatus.PENDING

    @rule(mobile=mobiles, domicile=st.sampled_from([None, "+33476000000"]))
    def ask_for_phones(self, mobile: str | None, domicile: str | None) -> None:
        if mobile is None and domicile is None:
            return  # the rule file refuses it at once: tested elsewhere
        self._submit(RequestKind.RESPONSABLE, {"mobile": mobile, "telephone_domicile": domicile}, child=False)

    @rule(quotient=st.one_of(st.none(), st.integers(min_value=0, max_value=3000)))
    def ask_for_quotient(self, quotient: int | None) -> None:
        self._submit(RequestKind.CAF, {"quotient_familial": quotient}, child=False)

    @rule(lunettes=st.booleans())
    def ask_for_glasses(self, lunettes: bool) -> None:
        self._submit(RequestKind.COMPLEMENTAIRES, {"lunettes": lunettes}, child=True)

    @rule(libelle=st.sampled_from(PRATIQUES))
    def ask_for_a_menu(self, libelle: str) -> None:
        self._submit(RequestKind.PRATIQUE_ALIMENTAIRE, {"libelle": libelle}, child=True)

    @rule(nom=st.sampled_from(["ROUX", "BLANC", "NOIR"]))
    def ask_to_add_a_person(self, nom: str) -> None:
        self._submit(RequestKind.AUTORISATION_AJOUT,
                     {"nom": nom, "prenom": "Jean", "lien": "Autre", "mobile": "+33601020304"}, child=True)

    @precondition(lambda self: bool(self.model["persons"]))
    @rule(data=st.data())
    def ask_to_remove_a_person(self, data: st.DataObject) -> None:
        person = data.draw(st.sampled_from(self.model["persons"]))
        self._submit(RequestKind.AUTORISATION_SUPPRESSION, {"person_id": person}, child=True)

    @precondition(lambda self: bool(self.pending))
    @rule(data=st.data(), accept=st.booleans())
    def decide(self, data: st.DataObject, accept: bool) -> None:
        request_id = data.draw(st.sampled_from(list(self.pending)))  # in submission order: ids are random
        kind, changes = self.pending[request_id]
        self._tick()
        gone = kind is RequestKind.AUTORISATION_SUPPRESSION and changes["person_id"] not in self.model["persons"]
        try:
            self.portal.requests.decide(AGENT, request_id, Decision(accept=accept, reason="Pièce manquante"))
        except Conflict:
            assert accept and gone  # only a deletion of someone already deleted can fail
            return
        assert not (accept and gone)
        del self.pending[request_id]
        self.statuses[request_id] = RequestStatus.ACCEPTED if accept else RequestStatus.REFUSED
        if accept:
            self._apply(kind, changes)
            self.history.append((self.world.clock.now(), dict(self.model)))

    def _apply(self, kind: RequestKind, changes: dict[str, Any]) -> None:
        if kind is RequestKind.AUTORISATION_AJOUT:
            self.model["persons"] = (*self.model["persons"], changes["id"])
        elif kind is RequestKind.AUTORISATION_SUPPRESSION:
            self.model["persons"] = tuple(p for p in self.model["persons"] if p != changes["person_id"])
        else:
            self.model.update(changes)

    def _seen(self, at: datetime | None = None) -> dict[str, Any]:
        if at is None:
            family = self.portal.records.family_record(AGENT, "fam-dupont").record
            child = self.portal.records.child_record(AGENT, CHILD).record
        else:
            family = self.portal.records.family_record_as_of(AGENT, "fam-dupont", at)
            as_of = self.portal.records.child_record_as_of(AGENT, CHILD, at)
            assert as_of is not None
            child = as_of
        return {
            "telephone_domicile": family.family.responsable.telephone_domicile,
            "mobile": family.family.responsable.mobile,
            "quotient_familial": family.sections.caf.quotient_familial,
            "lunettes": child.sections.complementaires.lunettes,
            "libelle": child.sections.pratique.libelle,
            "persons": tuple(p.id for p in child.sections.autorisations),
        }

    @invariant()
    def the_records_equal_the_model(self) -> None:
        assert self._seen() == self.model

    @invariant()
    def no_request_is_lost(self) -> None:
        stored = {r.id: r.status for r in self.portal.requests.of_family(FAMILY)}
        assert stored == self.statuses

    @invariant()
    def the_audit_rewinds_to_every_past_decision(self) -> None:
        for instant, model in self.history[-4:]:  # the latest few: each rewinds through all later ones
            assert self._seen(instant) == model
        instant, model = self.history[0]
        assert self._seen(instant) == model


RequestsMachine.TestCase.settings = settings(max_examples=50, stateful_step_count=30, deadline=None)
test_requests_follow_the_model = RequestsMachine.TestCase
