"""Record sections, photos and requests round-trip through SQLite and PostgreSQL; decisions are claimed once."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from sqlalchemy import Engine

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import Principal, Role
from famille.kernel.families.model import Child, Family
from famille.kernel.families.records import (
    Allergy,
    AllergyType,
    AuthorisedPerson,
    BankInfo,
    CafInfo,
    ChildSections,
    Complementaires,
    FamilySections,
    FiscalInfo,
    Lien,
    Photo,
    PratiqueAlimentaire,
)
from famille.kernel.families.request_service import Requests
from famille.kernel.families.requests import ChangeRequest, Decision, RequestKind, RequestStatus
from famille.kernel.shared.errors import Conflict
from tests.fakes.clock import FakeClock
from tests.fakes.notification import FakeNotifier
from tests.fakes.rules import FakeRules

from . import samples
from .samples import NOW


def _seed(uow_factory: SqlUnitOfWorkFactory) -> tuple[Family, Child, str]:
    """An organisation with a canteen, a family with its account, and a child; the account id."""
    family = samples.family()
    child = samples.child((family.id,))
    account = samples.account(family_id=family.id)
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation())
        uow.organisations.add_structure(attrs.evolve(samples.structure(), pratiques=("--Aucun--", "PAI")))
        uow.families.add(family)
        uow.families.add_child(child)
        uow.accounts.add(account)
        uow.commit()
    return family, child, account.id


def _request(family: Family, child: Child | None, account_id: str, kind: RequestKind, changes: dict,
             *, minutes: int = 0) -> ChangeRequest:
    return ChangeRequest(id=samples.new_id(), organisation_code=family.organisation_code, family_id=family.id,
                         child_id=child.id if child else None, kind=kind, changes=changes,
                         submitted_at=NOW + timedelta(minutes=minutes), submitted_by=account_id,
                         notice="Un PAI demande un certificat médical.", rule_ids=("demande-recevable",))


def test_record_sections_round_trip_with_decimals_dates_and_enums(uow_factory: SqlUnitOfWorkFactory) -> None:
    family, child, _ = _seed(uow_factory)
    family_sections = FamilySections(
        fiscales=FiscalInfo("1234567890123", Decimal("31250.50"), Decimal("2.5")),
        caf=CafInfo("7654321", 650),
        bancaires=BankInfo("Crédit Mutuel", "Marie DUPONT", "FR7630006000011234567890189", "AGRIFRPPXXX", True),
    )
    child_sections = ChildSections(
        autorisations=(AuthorisedPerson("p1", "ROUX", "Jean", Lien.GRAND_PERE, mobile="+33601020304"),
                       AuthorisedPerson("p2", "ROUX", "Anne", Lien.ASSISTANTE_MATERNELLE, telephone="+33476000000")),
        complementaires=Complementaires(lunettes=True, sorties_scolaires=True, compagnie_assurance="MAIF"),
        pratique=PratiqueAlimentaire("PAI", "Protocole signé"),
        allergies=(Allergy("a1", AllergyType.ALIMENTAIRES, "Arachide : stylo d'adrénaline", date(2021, 5, 3),
                           "Dr Martin"),),
        photo_id=None,
    )
    with uow_factory() as uow:
        assert uow.records.family_sections(family.id) == FamilySections()
        assert uow.records.child_sections(child.id) == ChildSections()
        uow.records.save_family_sections(family.id, family_sections)
        uow.records.save_child_sections(child.id, child_sections)
        uow.commit()
    with uow_factory() as uow:
        uow.records.save_child_sections(child.id, child_sections)  # a second save replaces
        uow.commit()

    with uow_factory() as uow:
        assert uow.records.family_sections(family.id, for_update=True) == family_sections
        assert uow.records.child_sections(child.id, for_update=True) == child_sections


def test_identity_updates_keep_the_links_and_photos_keep_their_bytes(uow_factory: SqlUnitOfWorkFactory) -> None:
    family, child, _ = _seed(uow_factory)
    photo = Photo(samples.new_id(), child.id, "image/png", b"\x89PNG\r\n\x1a\n\x00\xff", NOW)
    with uow_factory() as uow:
        uow.records.update_family(attrs.evolve(family, conjoint=None, organisme_rattachement=None,
                                               responsable=attrs.evolve(family.responsable, mobile=None)))
        uow.records.update_child(attrs.evolve(child, prenom="Léonie", date_naissance=date(2017, 3, 1)))
        uow.records.add_photo(photo)
        uow.commit()

    with uow_factory() as uow:
        stored = uow.families.get(family.id)
        assert stored.conjoint is None and stored.responsable.mobile is None
        assert stored.number == family.number
        assert uow.families.get_child(child.id) == attrs.evolve(child, prenom="Léonie", date_naissance=date(2017, 3, 1))
        assert uow.records.photo(photo.id) == photo
        assert uow.records.photo("inconnue") is None
        assert uow.organisations.structures("saint-martin")[0].pratiques == ("--Aucun--", "PAI")


def test_requests_round_trip_and_are_found_by_each_filter(uow_factory: SqlUnitOfWorkFactory) -> None:
    family, child, account_id = _seed(uow_factory)
    first = _request(family, child, account_id, RequestKind.PRATIQUE_ALIMENTAIRE, {"libelle": "PAI"}, minutes=2)
    second = _request(family, None, account_id, RequestKind.RESPONSABLE,
                      {"mobile": "+33612345678", "autorisation_sms": True, "telephone_domicile": None}, minutes=1)
    with uow_factory() as uow:
        uow.requests.add(first)
        uow.requests.add(second)
        uow.commit()

    with uow_factory() as uow:
        assert uow.requests.get(first.id) == first
        assert uow.requests.find(family_id=family.id) == [second, first]
        assert uow.requests.find(organisation_code="saint-martin", status=RequestStatus.PENDING) == [second, first]
        assert uow.requests.find(child_id=child.id) == [first]
        assert uow.requests.find(kinds=frozenset({RequestKind.RESPONSABLE})) == [second]
        assert uow.requests.find(organisation_code="ailleurs") == []
        assert uow.requests.find(status=RequestStatus.ACCEPTED) == []


def test_a_request_is_claimed_once_and_keeps_what_it_replaced(uow_factory: SqlUnitOfWorkFactory) -> None:
    family, child, account_id = _seed(uow_factory)
    request = _request(family, child, account_id, RequestKind.COMPLEMENTAIRES, {"lunettes": True})
    with uow_factory() as uow:
        uow.requests.add(request)
        uow.commit()

    with uow_factory() as uow:
        assert uow.requests.claim(request.id, RequestStatus.ACCEPTED, NOW, "agent", None)
        assert not uow.requests.claim(request.id, RequestStatus.REFUSED, NOW, "agent", "non")
        uow.requests.record_effect(request.id, {"lunettes": False}, child.id)
        uow.commit()

    with uow_factory() as uow:
        stored = uow.requests.get(request.id)
    assert stored == attrs.evolve(request, status=RequestStatus.ACCEPTED, decided_at=NOW, decided_by="agent",
                                  before={"lunettes": False})


WORKERS = 4


def test_two_agents_deciding_the_same_request_at_once_one_wins_the_other_gets_a_conflict(
    database_url: str, uow_factory: SqlUnitOfWorkFactory
) -> None:
    family, child, account_id = _seed(uow_factory)
    agent = Principal("agent-id", "agent", Role.AGENT, "saint-martin", None, "session")
    requests = [_request(family, child, account_id, RequestKind.AUTORISATION_AJOUT,
                         {"id": f"p{n}", "nom": "ROUX", "prenom": f"Jean {n}", "lien": "Voisin(e)",
                          "mobile": "+33601020304"}, minutes=n) for n in range(8)]
    with uow_factory() as uow:
        for request in requests:
            uow.requests.add(request)
        uow.commit()
    engines: list[Engine] = [make_engine(database_url) for _ in range(WORKERS)]
    outcomes: dict[str, list[str]] = {r.id: [] for r in requests}
    errors: list[BaseException] = []
    barrier = threading.Barrier(WORKERS)

    def agent_at_work(number: int) -> None:
        service = Requests(SqlUnitOfWorkFactory(engines[number]), FakeClock(NOW + timedelta(hours=1)),
                           FakeRules(), FakeNotifier())
        try:
            for request in requests:
                barrier.wait()
                try:
                    service.decide(agent, request.id, Decision(accept=number % 2 == 0, reason=f"motif {number}"))
                    outcomes[request.id].append("won")
                except Conflict:
                    outcomes[request.id].append("conflict")
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=agent_at_work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()

    assert errors == []
    assert all(sorted(o) == ["conflict"] * (WORKERS - 1) + ["won"] for o in outcomes.values()), outcomes
    with uow_factory() as uow:
        decided = uow.requests.find(family_id=family.id)
        persons = uow.records.child_sections(child.id).autorisations
    assert all(not r.is_pending for r in decided)
    accepted = [r.changes["id"] for r in decided if r.status is RequestStatus.ACCEPTED]
    assert [p.id for p in persons] == accepted  # every accepted addition is there, once, in order


@pytest.mark.parametrize("accept", [True, False])
def test_a_decided_request_cannot_be_decided_again(uow_factory: SqlUnitOfWorkFactory, accept: bool) -> None:
    family, child, account_id = _seed(uow_factory)
    request = _request(family, child, account_id, RequestKind.CAF, {"quotient_familial": 650})
    with uow_factory() as uow:
        uow.requests.add(request)
        uow.commit()
    agent = Principal("agent-id", "agent", Role.AGENT, "saint-martin", None, "session")
    service = Requests(uow_factory, FakeClock(NOW), FakeRules(), FakeNotifier())

    service.decide(agent, request.id, Decision(accept=accept, reason="Pièce manquante"))
    with pytest.raises(Conflict):
        service.decide(agent, request.id, Decision(accept=not accept, reason="Pièce manquante"))
