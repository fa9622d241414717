"""Login, lockout, change and reset of the password, on fakes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest

from famille.kernel.accounts.authentication import Authentication
from famille.kernel.portal.application import build_portal
from famille.kernel.shared.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidResetToken,
    PasswordRejected,
    Unauthenticated,
    ValidationFailed,
)
from tests.fakes.hashing import FakeHasher
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


class CountingHasher(FakeHasher):
    """Counts the hashes verified: the work a login does, whatever its answer."""

    def __init__(self) -> None:
        super().__init__()
        self.verified = 0

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return super().verify(password_hash, password)


class QueuedBackground:
    """Keeps background work until the test runs it."""

    def __init__(self) -> None:
        self.queued: list[Callable[[], None]] = []

    def submit(self, work: Callable[[], None]) -> None:
        self.queued.append(work)

    def run(self) -> None:
        while self.queued:
            self.queued.pop(0)()


def _rebuilt(world: World, **ports: object) -> Authentication:
    wiring: dict[str, object] = {"hasher": world.hasher, "notifier": world.notifier, **ports}
    return build_portal(uow=world.uow, clock=world.clock, rules=world.rules,
                        portal_url="https://portail.example", **wiring).authentication  # type: ignore[arg-type]


def _ten_tries(auth: Authentication, login: str) -> list[tuple[str, str, str]]:
    answers = []
    for _ in range(11):
        with pytest.raises((InvalidCredentials, AccountLocked)) as refused:
            auth.login(login, "mauvais")
        answers.append((type(refused.value).__name__, refused.value.message,
                        getattr(refused.value, "rule_id", "")))
    return answers


def test_an_unknown_login_is_answered_exactly_like_a_known_one_up_to_the_lockout(world: World) -> None:
    hasher = CountingHasher()
    auth = _rebuilt(world, hasher=hasher)

    known = _ten_tries(auth, "dupont")
    work_known, hasher.verified = hasher.verified, 0
    unknown = _ten_tries(auth, "personne")

    assert known == unknown
    assert [kind for kind, _, _ in known] == ["InvalidCredentials"] * 9 + ["AccountLocked"] * 2
    assert work_known == hasher.verified == 11  # one hash verified per try, locked or not


def test_a_locked_login_unlocks_by_itself_after_the_delay_of_the_rule(world: World) -> None:
    auth = world.portal.authentication
    _ten_tries(auth, "dupont")
    world.clock.advance(timedelta(minutes=14, seconds=59))
    with pytest.raises(AccountLocked):
        auth.login("dupont", PASSWORDS["dupont"])

    world.clock.advance(timedelta(seconds=1))

    assert auth.login("dupont", PASSWORDS["dupont"]).account.id == "acc-dupont"


def test_failures_after_an_unlock_lock_again_for_longer(world: World) -> None:
    auth = world.portal.authentication
    _ten_tries(auth, "dupont")  # 10 counted (the 11th was refused while locked)
    for _ in range(10):
        world.clock.advance(timedelta(minutes=15))
        with pytest.raises(AccountLocked):
            auth.login("dupont", "mauvais")
    with pytest.raises(AccountLocked) as locked:  # 20 failures: an hour
        world.clock.advance(timedelta(minutes=59))
        auth.login("dupont", PASSWORDS["dupont"])
    assert locked.value.rule_id == "compte-verrouille-1h-apres-20-echecs"
    world.clock.advance(timedelta(minutes=1))
    assert auth.login("dupont", PASSWORDS["dupont"]).account.id == "acc-dupont"


def test_asking_for_a_reset_does_the_same_work_whether_the_login_exists(world: World) -> None:
    background = QueuedBackground()
    auth = _rebuilt(world, background=background)

    auth.request_reset("personne")
    auth.request_reset("dupont")

    assert len(background.queued) == 2 and world.notifier.sent == [] and not world.uow.store.reset_tokens
    background.run()
    assert [sent.recipient.account_id for sent in world.notifier.sent] == ["acc-dupont"]


def test_at_most_three_reset_links_an_hour_per_account(world: World) -> None:
    auth = world.portal.authentication
    for _ in range(5):
        auth.request_reset("dupont")
    assert len(world.notifier.sent) == 3
    world.clock.advance(timedelta(hours=1))
    auth.request_reset("dupont")
    assert len(world.notifier.sent) == 4


def test_a_new_reset_link_revokes_the_older_ones(world: World) -> None:
    auth = world.portal.authentication
    auth.request_reset("dupont")
    older = _reset_token(world)
    auth.request_reset("dupont")
    newer = _reset_token(world)

    with pytest.raises(InvalidResetToken):
        auth.reset_password(older, new="Nouveau2027", confirmation="Nouveau2027")
    auth.reset_password(newer, new="Nouveau2027", confirmation="Nouveau2027")
    with pytest.raises(InvalidResetToken):
        auth.reset_password(older, new="Encore2028x", confirmation="Encore2028x")


def test_the_inbox_never_keeps_the_reset_link(world: World) -> None:
    from famille.adapters.notification.notifier import PortalNotifier
    from famille.adapters.notification.sms import LogSms

    notifier = PortalNotifier(world.uow, world.clock, mailer=None, sms=LogSms())
    auth = _rebuilt(world, notifier=notifier)

    auth.request_reset("dupont")

    with world.uow() as uow:
        (message,) = uow.inbox.for_account("acc-dupont")
    assert "jeton" not in message.body and "mot-de-passe/nouveau" not in message.body
    assert "lien de réinitialisation" in message.body
