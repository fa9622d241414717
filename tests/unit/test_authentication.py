"""Login, lockout, change and reset of the password, on fakes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from famille.kernel.shared.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidResetToken,
    PasswordRejected,
    Unauthenticated,
    ValidationFailed,
)
from tests.unit.world import PASSWORDS, World, make_world


@pytest.fixture
def world() -> World:
    return make_world()


def _reset_token(world: World) -> str:
    match = re.search(r"jeton=([\w-]+)", world.notifier.sent[-1].notice.body)
    assert match
    return match.group(1)


def test_opens_a_session_whose_token_identifies_the_family(world: World) -> None:
    grant = world.portal.authentication.login("dupont", PASSWORDS["dupont"])
    principal = world.portal.authentication.authenticate(grant.token)
    assert principal.family_id == "fam-dupont"
    assert principal.organisation_code == "org-a"
    assert grant.session.expires_at > world.clock.now()


def test_accepts_the_login_in_another_case(world: World) -> None:
    assert world.portal.authentication.login("  DUPONT ", PASSWORDS["dupont"]).account.id == "acc-dupont"


def test_refuses_wrong_password_and_unknown_login_alike(world: World) -> None:
    with pytest.raises(InvalidCredentials) as wrong:
        world.portal.authentication.login("dupont", "nope")
    with pytest.raises(InvalidCredentials) as unknown:
        world.portal.authentication.login("personne", "nope")
    assert wrong.value.message == unknown.value.message


def test_locks_the_account_after_ten_failures_even_for_the_right_password(world: World) -> None:
    auth = world.portal.authentication
    for _ in range(9):
        with pytest.raises(InvalidCredentials):
            auth.login("dupont", "mauvais")
    with pytest.raises(AccountLocked) as tenth:
        auth.login("dupont", "mauvais")
    assert "Mot de passe oublié" in tenth.value.message
    with pytest.raises(AccountLocked):
        auth.login("dupont", PASSWORDS["dupont"])


def test_a_reset_unlocks_a_locked_account(world: World) -> None:
    auth = world.portal.authentication
    for _ in range(10):
        with pytest.raises((InvalidCredentials, AccountLocked)):
            auth.login("dupont", "mauvais")
    auth.request_reset("dupont")
    auth.reset_password(_reset_token(world), new="Nouveau2027", confirmation="Nouveau2027")
    assert auth.login("dupont", "Nouveau2027").account.id == "acc-dupont"


def test_a_successful_login_clears_the_failure_count(world: World) -> None:
    auth = world.portal.authentication
    for _ in range(9):
        with pytest.raises(InvalidCredentials):
            auth.login("dupont", "mauvais")
    auth.login("dupont", PASSWORDS["dupont"])
    for _ in range(9):
        with pytest.raises(InvalidCredentials):
            auth.login("dupont", "mauvais")
    auth.login("dupont", PASSWORDS["dupont"])


def test_rehashes_an_old_hash_at_login(world: World) -> None:
    world.hasher.version = 2
    world.portal.authentication.login("dupont", PASSWORDS["dupont"])
    assert world.uow.store.accounts["acc-dupont"].password_hash == "fake$2$" + PASSWORDS["dupont"]


def test_logout_ends_the_session(world: World) -> None:
    auth = world.portal.authentication
    grant = auth.login("dupont", PASSWORDS["dupont"])
    auth.logout(auth.authenticate(grant.token))
    with pytest.raises(Unauthenticated):
        auth.authenticate(grant.token)


def test_a_session_expires_after_its_lifetime(world: World) -> None:
    grant = world.portal.authentication.login("dupont", PASSWORDS["dupont"])
    world.clock.advance(timedelta(hours=12, seconds=1))
    with pytest.raises(Unauthenticated):
        world.portal.authentication.authenticate(grant.token)


def test_changes_the_password_and_ends_the_other_sessions(world: World) -> None:
    auth = world.portal.authentication
    other = auth.login("dupont", PASSWORDS["dupont"])
    current = auth.authenticate(auth.login("dupont", PASSWORDS["dupont"]).token)
    auth.change_password(current, login="dupont", current=PASSWORDS["dupont"], new="Autre2027x",
                         confirmation="Autre2027x")
    with pytest.raises(Unauthenticated):
        auth.authenticate(other.token)
    auth.login("dupont", "Autre2027x")


def test_refuses_a_new_password_naming_every_failing_part(world: World) -> None:
    auth = world.portal.authentication
    me = auth.authenticate(auth.login("dupont", PASSWORDS["dupont"]).token)
    with pytest.raises(PasswordRejected) as refused:
        auth.change_password(me, login="dupont", current=PASSWORDS["dupont"], new="xqz", confirmation="xqz")
    assert {e.rule_id for e in refused.value.errors} == {"longueur-minimum-8", "majuscule-obligatoire",
                                                           "chiffre-obligatoire"}
    assert all(e.field == "new_password" for e in refused.value.errors)


def test_refuses_a_change_with_a_wrong_current_password_or_confirmation(world: World) -> None:
    auth = world.portal.authentication
    me = auth.authenticate(auth.login("dupont", PASSWORDS["dupont"]).token)
    with pytest.raises(ValidationFailed) as wrong:
        auth.change_password(me, login="dupont", current="faux", new="Autre2027x", confirmation="Autre2027x")
    assert [e.field for e in wrong.value.errors] == ["current_password"]
    with pytest.raises(ValidationFailed) as mismatch:
        auth.change_password(me, login="dupont", current=PASSWORDS["dupont"], new="Autre2027x",
                             confirmation="Autre2027y")
    assert [e.field for e in mismatch.value.errors] == ["confirmation"]


def test_sends_a_reset_link_only_for_known_logins_and_says_nothing_either_way(world: World) -> None:
    auth = world.portal.authentication
    assert auth.request_reset("personne") is None
    assert world.notifier.sent == []
    auth.request_reset("dupont")
    sent = world.notifier.sent[-1]
    assert sent.urgent and sent.recipient.email == "marie@example.org"
    assert sent.notice.body.count("https://portail.example/mot-de-passe/nouveau?jeton=") == 1


def test_a_reset_link_works_once(world: World) -> None:
    auth = world.portal.authentication
    auth.request_reset("dupont")
    token = _reset_token(world)
    auth.reset_password(token, new="Nouveau2027", confirmation="Nouveau2027")
    with pytest.raises(InvalidResetToken):
        auth.reset_password(token, new="Encore2028x", confirmation="Encore2028x")


def test_a_reset_link_expires_after_an_hour(world: World) -> None:
    auth = world.portal.authentication
    auth.request_reset("dupont")
    world.clock.advance(timedelta(hours=1))
    with pytest.raises(InvalidResetToken):
        auth.reset_password(_reset_token(world), new="Nouveau2027", confirmation="Nouveau2027")


def test_a_refused_new_password_does_not_use_up_the_link(world: World) -> None:
    auth = world.portal.authentication
    auth.request_reset("dupont")
    token = _reset_token(world)
    with pytest.raises(PasswordRejected):
        auth.reset_password(token, new="court", confirmation="court")
    auth.reset_password(token, new="Nouveau2027", confirmation="Nouveau2027")


def test_first_activation_sets_the_password_of_a_new_account(world: World) -> None:
    auth = world.portal.authentication
    token = auth.issue_activation("acc-durand")
    auth.reset_password(token, new="Premier2026", confirmation="Premier2026")
    assert auth.login("durand", "Premier2026").account.id == "acc-durand"
