"""Record sections, photos and requests: stored and read back alike by the fakes and the databases."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs

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
from famille.kernel.families.requests import ChangeRequest, RequestKind, RequestQuery, RequestStatus
from famille.ports.persistence import UnitOfWorkFactory
from tests.support import samples
from tests.support.samples import NOW


def seed_family(uow_factory: UnitOfWorkFactory) -> tuple[Family, Child, str]:
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


def change_request(family: Family, child: Child | None, account_id: str, kind: RequestKind, changes: dict,
             *, minutes: int = 0) -> ChangeRequest:
    return ChangeRequest(id=samples.new_id(), organisation_code=family.organisation_code, family_id=family.id,
                         child_id=child.id if child else None, kind=kind, changes=changes,
                         submitted_at=NOW + timedelta(minutes=minutes), submitted_by=account_id,
                         notice="Un PAI demande un certificat médical.", rule_ids=("demande-recevable",))


def test_record_sections_round_trip_with_decimals_dates_and_enums(uow_factory: UnitOfWorkFactory) -> None:
    family, child, _ = seed_family(uow_factory)
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


def test_identity_updates_keep_the_links_and_photos_keep_their_bytes(uow_factory: UnitOfWorkFactory) -> None:
    family, child, _ = seed_family(uow_factory)
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
        uow.records.update_family(attrs.evolve(stored, number="AUTRE", organisation_code="ailleurs"))
        uow.commit()
        assert uow.families.get(family.id) == stored  # its organisation and N° famille do not change
        assert uow.families.get_child(child.id) == attrs.evolve(child, prenom="Léonie", date_naissance=date(2017, 3, 1))
        assert uow.records.photo(photo.id) == photo
        assert uow.records.photo("inconnue") is None
        assert uow.organisations.structures("saint-martin")[0].pratiques == ("--Aucun--", "PAI")


def test_requests_round_trip_and_are_found_by_each_filter(uow_factory: UnitOfWorkFactory) -> None:
    family, child, account_id = seed_family(uow_factory)
    first = change_request(family, child, account_id, RequestKind.PRATIQUE_ALIMENTAIRE, {"libelle": "PAI"}, minutes=2)
    second = change_request(family, None, account_id, RequestKind.RESPONSABLE,
                      {"mobile": "+33612345678", "autorisation_sms": True, "telephone_domicile": None}, minutes=1)
    with uow_factory() as uow:
        uow.requests.add(first)
        uow.requests.add(second)
        uow.commit()

    with uow_factory() as uow:
        assert uow.requests.get(first.id) == first
        assert uow.requests.find(RequestQuery(family_id=family.id)) == [second, first]
        pending = RequestQuery(organisation_code="saint-martin", status=RequestStatus.PENDING)
        assert uow.requests.find(pending) == [second, first]
        assert uow.requests.find(RequestQuery(child_id=child.id)) == [first]
        assert uow.requests.find(RequestQuery(kinds=frozenset({RequestKind.RESPONSABLE}))) == [second]
        assert uow.requests.find(RequestQuery(organisation_code="ailleurs")) == []
        assert uow.requests.find(RequestQuery(status=RequestStatus.ACCEPTED)) == []


def test_a_request_is_claimed_once_and_keeps_what_it_replaced(uow_factory: UnitOfWorkFactory) -> None:
    family, child, account_id = seed_family(uow_factory)
    request = change_request(family, child, account_id, RequestKind.COMPLEMENTAIRES, {"lunettes": True})
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




def test_a_request_claimed_and_committed_elsewhere_cannot_be_claimed_again(uow_factory: UnitOfWorkFactory) -> None:
    family, child, account_id = seed_family(uow_factory)
    request = change_request(family, child, account_id, RequestKind.CAF, {"quotient_familial": 650})
    with uow_factory() as uow:
        uow.requests.add(request)
        uow.commit()

    with uow_factory() as late, uow_factory() as first:
        assert late.requests.get(request.id) == request
        assert first.requests.claim(request.id, RequestStatus.ACCEPTED, NOW, "agent-1", None)
        first.commit()
        assert not late.requests.claim(request.id, RequestStatus.REFUSED, NOW, "agent-2", "non")
        late.commit()

    with uow_factory() as uow:
        assert uow.requests.get(request.id).status is RequestStatus.ACCEPTED  # type: ignore[union-attr]


def test_a_token_consumed_and_committed_elsewhere_cannot_be_consumed_again(uow_factory: UnitOfWorkFactory) -> None:
    account = samples.account()
    token = samples.reset_token(account.id)
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation())
        uow.accounts.add(account)
        uow.reset_tokens.add(token)
        uow.commit()

    with uow_factory() as late, uow_factory() as first:
        assert late.reset_tokens.by_digest(token.token_digest) == token
        assert first.reset_tokens.consume(token.id, NOW)
        first.commit()
        assert not late.reset_tokens.consume(token.id, NOW + timedelta(minutes=1))
