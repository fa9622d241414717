"""Every repository method of the SQLAlchemy adapter, on a real database."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs
import pytest

from famille.kernel.accounts.model import LoginFailures, failure_key
from famille.kernel.families.inbox import InboxMessage
from famille.kernel.shared.organisations import Organisation, OrganisationKind
from famille.ports.persistence import UnitOfWorkFactory
from tests.support import samples
from tests.support.samples import NOW


@pytest.fixture
def seeded(uow_factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    """A database holding the organisation every sample belongs to."""
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation())
        uow.commit()
    return uow_factory


def test_organisations_structures_and_services_come_back_in_order(seeded: UnitOfWorkFactory) -> None:
    other = Organisation(code="rpi-des-vignes", name="RPI des Vignes", kind=OrganisationKind.RPI)
    with seeded() as uow:
        uow.organisations.add(other)
        tilleuls = samples.structure(name="École des Tilleuls")
        acacias = samples.structure(name="École des Acacias")
        uow.organisations.add_structure(tilleuls)
        uow.organisations.add_structure(acacias)
        restauration = samples.service(tilleuls.id, "RESTAURATION", "Restauration")
        garderie = samples.service(tilleuls.id, "GARDERIE-MATIN", "Garderie matin")
        acacias_restauration = samples.service(acacias.id, "RESTAURATION", "Restauration")
        for service in (restauration, garderie, acacias_restauration):
            uow.organisations.add_service(service)
        uow.commit()

    with seeded() as uow:
        assert uow.organisations.get("saint-martin") == samples.organisation()
        assert uow.organisations.get("rpi-des-vignes") == other
        assert uow.organisations.get("inconnue") is None
        assert [o.code for o in uow.organisations.list()] == ["rpi-des-vignes", "saint-martin"]
        assert uow.organisations.structures("saint-martin") == [acacias, tilleuls]
        assert uow.organisations.structures("rpi-des-vignes") == []
        assert uow.organisations.services("saint-martin") == [acacias_restauration, garderie, restauration]
        # the same in one read, for several organisations at once
        assert _setups(uow, ["saint-martin", "rpi-des-vignes", "inconnue"]) == {
            "saint-martin": (samples.organisation(), [acacias, tilleuls], [acacias_restauration, garderie, restauration]),
            "rpi-des-vignes": (other, [], [])}
        assert uow.organisations.with_services([]) == {}
        # read again after a change: the change shows (nothing kept from the read before)
        vignes = samples.structure("rpi-des-vignes", name="Garderie des Vignes")
        uow.organisations.add_structure(vignes)
        soir = samples.service(vignes.id, "GARDERIE-SOIR", "Garderie du soir")
        uow.organisations.add_service(soir)
        assert _setups(uow, ["rpi-des-vignes"]) == {"rpi-des-vignes": (other, [vignes], [soir])}


def _setups(uow: Any, codes: list[str]) -> dict[str, tuple[Any, list[Any], list[Any]]]:
    return {code: (organisation, list(structures), list(services))
            for code, (organisation, structures, services) in uow.organisations.with_services(codes).items()}


def test_families_round_trip_with_and_without_conjoint(seeded: UnitOfWorkFactory) -> None:
    with_conjoint = samples.family(number="F1")
    alone = samples.family(number="F2", conjoint=False)
    with seeded() as uow:
        uow.families.add(with_conjoint)
        uow.families.add(alone)
        uow.commit()

    with seeded() as uow:
        assert uow.families.get(with_conjoint.id) == with_conjoint
        assert uow.families.get(alone.id) == alone
        assert uow.families.get("inconnue") is None
        assert uow.families.by_number("saint-martin", "F2") == alone
        assert uow.families.by_number("saint-martin", "F3") is None
        assert uow.families.of_organisation("saint-martin") == [with_conjoint, alone]
        assert uow.families.of_organisation("ailleurs") == []


def test_children_keep_their_families_in_order_and_come_by_date_of_birth(
    seeded: UnitOfWorkFactory,
) -> None:
    mother, father = samples.family(number="F1"), samples.family(number="F2", conjoint=False)
    lea = samples.child((father.id, mother.id), prenom="Léa", born=date(2017, 2, 28))
    hugo = samples.child((mother.id,), prenom="Hugo", born=date(2015, 9, 1))
    with seeded() as uow:
        uow.families.add(mother)
        uow.families.add(father)
        uow.families.add_child(lea)
        uow.families.add_child(hugo)
        uow.commit()

    with seeded() as uow:
        assert uow.families.get_child(lea.id) == lea
        assert uow.families.get_child("inconnu") is None
        assert uow.families.get_children([lea.id, "inconnu", hugo.id]) == {lea.id: lea, hugo.id: hugo}
        assert uow.families.get_children([]) == {}
        assert uow.families.children_of(mother.id) == [hugo, lea]
        assert uow.families.children_of(father.id) == [lea]
        assert uow.families.children_of("inconnue") == []
        assert uow.families.children_of_families([mother.id, father.id, "inconnue"]) == {
            mother.id: [hugo, lea], father.id: [lea]}
        assert uow.families.children_of_families([]) == {}


def test_accounts_are_found_by_id_login_and_family(seeded: UnitOfWorkFactory) -> None:
    family = samples.family()
    holder = samples.account("Marie.Dupont", family_id=family.id)
    agent = attrs.evolve(samples.account("agent"), password_hash=None, email=None, password_changed_at=None)
    with seeded() as uow:
        uow.families.add(family)
        uow.accounts.add(holder)
        uow.accounts.add(agent)
        uow.commit()

    with seeded() as uow:
        assert uow.accounts.get(holder.id) == holder
        assert uow.accounts.get(agent.id) == agent
        assert uow.accounts.get("inconnu") is None
        assert uow.accounts.by_login("MARIE.DUPONT") == holder
        assert uow.accounts.by_login("marie.dupont") == holder
        assert uow.accounts.by_login("inconnu") is None
        assert uow.accounts.by_family(family.id) == holder
        assert uow.accounts.by_family("inconnue") is None


def test_password_change_sets_the_date_and_a_rehash_keeps_it(seeded: UnitOfWorkFactory) -> None:
    account = samples.account()
    later = NOW + timedelta(days=3)
    with seeded() as uow:
        uow.accounts.add(account)
        uow.accounts.set_password(account.id, "$argon2id$new", later)
        uow.commit()
        assert uow.accounts.get(account.id) == attrs.evolve(
            account, password_hash="$argon2id$new", password_changed_at=later
        )
        uow.accounts.set_password(account.id, "$argon2id$rehashed", None)
        uow.commit()
        assert uow.accounts.get(account.id) == attrs.evolve(
            account, password_hash="$argon2id$rehashed", password_changed_at=later
        )


def test_failed_logins_are_counted_per_login_typed_and_cleared(seeded: UnitOfWorkFactory) -> None:
    key, later = failure_key("personne"), samples.NOW + timedelta(minutes=3)
    with seeded() as uow:
        assert uow.login_failures.get(key) is None
        assert uow.login_failures.record(key, samples.NOW) == 1
        assert uow.login_failures.record(key, later) == 2
        uow.commit()
    with seeded() as uow:
        assert uow.login_failures.get(key) == LoginFailures(2, later)
        assert uow.login_failures.get(failure_key("autre")) is None
        uow.login_failures.clear(key)
        uow.commit()
    with seeded() as uow:
        assert uow.login_failures.get(key) is None


def test_reset_tokens_are_counted_and_revoked_per_account(seeded: UnitOfWorkFactory) -> None:
    account = samples.account()
    first = samples.reset_token(account.id, "1" * 64)
    second = attrs.evolve(samples.reset_token(account.id, "2" * 64), created_at=samples.NOW + timedelta(minutes=5))
    with seeded() as uow:
        uow.accounts.add(account)
        uow.reset_tokens.add(first)
        uow.reset_tokens.add(second)
        assert uow.reset_tokens.issued_since(account.id, samples.NOW - timedelta(hours=1)) == 2
        assert uow.reset_tokens.issued_since(account.id, samples.NOW) == 1
        uow.reset_tokens.revoke_for_account(account.id, samples.NOW + timedelta(minutes=6))
        uow.commit()
    with seeded() as uow:
        assert uow.reset_tokens.by_digest("1" * 64).used_at == samples.NOW + timedelta(minutes=6)
        assert not uow.reset_tokens.consume(second.id, samples.NOW + timedelta(minutes=7))


def test_sessions_are_found_by_digest_and_deleted(seeded: UnitOfWorkFactory) -> None:
    account, other = samples.account("marie"), samples.account("paul")
    first = samples.session(account.id, "1" * 64)
    second = samples.session(account.id, "2" * 64)
    third = samples.session(account.id, "3" * 64)
    others = samples.session(other.id, "4" * 64)
    with seeded() as uow:
        uow.accounts.add(account)
        uow.accounts.add(other)
        for session in (first, second, third, others):
            uow.sessions.add(session)
        uow.commit()

    with seeded() as uow:
        assert uow.sessions.by_digest("1" * 64) == first
        assert uow.sessions.by_digest("f" * 64) is None
        uow.sessions.delete(first.id)
        assert uow.sessions.by_digest("1" * 64) is None
        uow.sessions.delete_for_account(account.id, keep=second.id)
        assert uow.sessions.by_digest("2" * 64) == second
        assert uow.sessions.by_digest("3" * 64) is None
        uow.sessions.delete_for_account(account.id)
        assert uow.sessions.by_digest("2" * 64) is None
        assert uow.sessions.by_digest("4" * 64) == others


def test_a_session_is_read_with_its_account_and_the_child_a_request_names(seeded: UnitOfWorkFactory) -> None:
    mother, father = samples.family(number="F1"), samples.family(number="F2", conjoint=False)
    lea = samples.child((father.id, mother.id), prenom="Léa", born=date(2017, 2, 28))
    holder = samples.account("marie", family_id=mother.id)
    session = samples.session(holder.id, "1" * 64)
    with seeded() as uow:
        uow.families.add(mother)
        uow.families.add(father)
        uow.families.add_child(lea)
        uow.accounts.add(holder)
        uow.sessions.add(session)
        uow.commit()

    with seeded() as uow:
        account = uow.accounts.get(holder.id)
        assert uow.sessions.caller("1" * 64) == (session, account)
        assert uow.sessions.caller("f" * 64) is None
        assert uow.families.caller_with_child("1" * 64, lea.id) == (session, account, lea)
        assert uow.families.caller_with_child("1" * 64, "inconnu") == (session, account, None)
        assert uow.families.caller_with_child("f" * 64, lea.id) is None


def test_a_reset_token_is_consumed_once(seeded: UnitOfWorkFactory) -> None:
    account = samples.account()
    token = samples.reset_token(account.id)
    used_at = NOW + timedelta(minutes=5)
    with seeded() as uow:
        uow.accounts.add(account)
        uow.reset_tokens.add(token)
        uow.commit()

    with seeded() as uow:
        assert uow.reset_tokens.by_digest(token.token_digest) == token
        assert uow.reset_tokens.by_digest("0" * 64) is None
        assert uow.reset_tokens.consume(token.id, used_at) is True
        assert uow.reset_tokens.consume(token.id, used_at + timedelta(minutes=1)) is False
        assert uow.reset_tokens.consume("inconnu", used_at) is False
        uow.commit()
        assert uow.reset_tokens.by_digest(token.token_digest) == attrs.evolve(token, used_at=used_at)


def test_inbox_lists_newest_first_counts_unread_and_marks_read(seeded: UnitOfWorkFactory) -> None:
    account, other = samples.account("marie"), samples.account("paul")
    older = InboxMessage(
        id=samples.new_id(), account_id=account.id, subject="Menus", body="Les menus de mars.", created_at=NOW
    )
    newer = InboxMessage(
        id=samples.new_id(),
        account_id=account.id,
        subject="Facture",
        body="Votre facture de février est disponible.",
        created_at=NOW + timedelta(days=1),
        sender="Service périscolaire",
    )
    theirs = InboxMessage(
        id=samples.new_id(), account_id=other.id, subject="Bienvenue", body="…", created_at=NOW
    )
    read_at = NOW + timedelta(days=2)
    with seeded() as uow:
        uow.accounts.add(account)
        uow.accounts.add(other)
        for message in (older, newer, theirs):
            uow.inbox.add(message)
        uow.commit()

    with seeded() as uow:
        assert uow.inbox.for_account(account.id) == [newer, older]
        assert uow.inbox.unread_count(account.id) == 2
        assert uow.inbox.mark_read(account.id, older.id, read_at) is True
        assert uow.inbox.mark_read(account.id, older.id, read_at + timedelta(hours=1)) is True
        assert uow.inbox.mark_read(account.id, theirs.id, read_at) is False
        uow.commit()
        assert uow.inbox.unread_count(account.id) == 1
        assert uow.inbox.unread_count(other.id) == 1
        assert uow.inbox.for_account(account.id) == [newer, attrs.evolve(older, read_at=read_at)]


def test_a_family_login_reads_its_e_mail_from_the_accepted_record_never_from_a_copy(
    seeded: UnitOfWorkFactory,
) -> None:
    family = samples.family()
    holder = attrs.evolve(samples.account("marie.dupont", family_id=family.id), email="ancienne@example.org")
    with seeded() as uow:
        uow.families.add(family)
        uow.accounts.add(holder)
        uow.commit()
    moved = attrs.evolve(family, responsable=attrs.evolve(family.responsable, email="nouvelle@example.org"))
    with seeded() as uow:
        uow.records.update_family(moved)
        uow.commit()

    with seeded() as uow:
        assert uow.accounts.by_login("marie.dupont").email == "nouvelle@example.org"  # type: ignore[union-attr]
        assert uow.accounts.get(holder.id).email == "nouvelle@example.org"  # type: ignore[union-attr]
        assert uow.accounts.by_family(family.id).email == "nouvelle@example.org"  # type: ignore[union-attr]
