"""The portal notifier, with fakes: inbox first, consent for e-mail and SMS, failures logged."""

from __future__ import annotations

import logging
from typing import Any

import attrs
import pytest

from famille.adapters.notification.notifier import PortalNotifier
from famille.adapters.notification.sms import LogSms
from famille.ports.notification import Notice, Recipient
from tests.fakes.clock import FakeClock
from tests.fakes.persistence import FakeUnitOfWorkFactory

NOTICE = Notice("Réservation confirmée", "Bonjour,\nLa réservation de Léa à la cantine est confirmée.")
RESET = Notice("Réinitialisation du mot de passe", "https://portail.test/reinitialiser?jeton=SECRET-42")


class RecordingMailer:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        if self.error:
            raise self.error
        self.sent.append((to, subject, body))


class RecordingSms:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, mobile_e164: str, text: str) -> None:
        self.sent.append((mobile_e164, text))


JULIE = Recipient("acc-julie", "Julie Martin", email="julie.martin@example.org", mobile="06 11 22 33 44",
                  email_allowed=True, sms_allowed=False)


def recipient(**changes: Any) -> Recipient:
    return attrs.evolve(JULIE, **changes)


class World:
    def __init__(self, mailer: RecordingMailer | None = None) -> None:
        self.uow = FakeUnitOfWorkFactory()
        self.clock = FakeClock()
        self.mailer = mailer if mailer is not None else RecordingMailer()
        self.sms = RecordingSms()
        self.notifier = PortalNotifier(self.uow, self.clock, mailer=self.mailer, sms=self.sms)

    def inbox(self, account_id: str = "acc-julie") -> list[tuple[str, str]]:
        with self.uow() as uow:
            return [(m.subject, m.body) for m in uow.inbox.for_account(account_id)]


def test_records_the_notice_in_the_inbox_at_the_clock_time_from_the_commune() -> None:
    world = World()
    world.notifier.notify(recipient(), NOTICE)
    with world.uow() as uow:
        [message] = uow.inbox.for_account("acc-julie")
    assert (message.subject, message.body, message.sender) == (NOTICE.subject, NOTICE.body, "La commune")
    assert message.created_at == world.clock.now()
    assert message.read_at is None


def test_a_notifier_may_sign_its_messages_with_another_sender() -> None:
    uow = FakeUnitOfWorkFactory()
    notifier = PortalNotifier(uow, FakeClock(), mailer=None, sms=RecordingSms(), sender="Service scolaire")
    notifier.notify(recipient(), NOTICE)
    with uow() as work:
        assert [m.sender for m in work.inbox.for_account("acc-julie")] == ["Service scolaire"]


def test_emails_a_recipient_who_allowed_email() -> None:
    world = World()
    world.notifier.notify(recipient(), NOTICE)
    assert world.mailer.sent == [("julie.martin@example.org", NOTICE.subject, NOTICE.body)]


def test_does_not_email_without_consent_but_keeps_the_inbox_message() -> None:
    world = World()
    world.notifier.notify(recipient(email_allowed=False), NOTICE)
    assert world.mailer.sent == []
    assert world.inbox() == [(NOTICE.subject, NOTICE.body)]


def test_emails_urgent_notices_even_without_consent() -> None:
    world = World()
    world.notifier.notify(recipient(email_allowed=False), RESET, urgent=True)
    assert world.mailer.sent == [("julie.martin@example.org", RESET.subject, RESET.body)]
    assert world.inbox() == [(RESET.subject, RESET.body)]


def test_a_recipient_without_an_address_gets_only_the_inbox_message() -> None:
    world = World()
    world.notifier.notify(recipient(email=None, mobile=None), NOTICE, urgent=True)
    assert world.mailer.sent == [] and world.sms.sent == []
    assert world.inbox() == [(NOTICE.subject, NOTICE.body)]


def test_a_failed_delivery_is_logged_without_the_body_and_keeps_the_inbox_message(
        caplog: pytest.LogCaptureFixture) -> None:
    world = World(RecordingMailer(ConnectionRefusedError(111, "Connection refused")))
    with caplog.at_level(logging.INFO):
        world.notifier.notify(recipient(), RESET, urgent=True)
    assert world.inbox() == [(RESET.subject, RESET.body)]
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "Courriel non envoyé au compte acc-julie" in record.getMessage()
    assert "ConnectionRefusedError" in record.getMessage()
    assert "SECRET-42" not in caplog.text


def test_an_unexpected_mailer_error_is_logged_as_an_error_and_not_raised(
        caplog: pytest.LogCaptureFixture) -> None:
    world = World(RecordingMailer(ValueError("en-tête invalide")))
    world.notifier.notify(recipient(), NOTICE)
    assert world.inbox() == [(NOTICE.subject, NOTICE.body)]
    [record] = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None


def test_without_smtp_configured_logs_that_the_email_was_not_sent(caplog: pytest.LogCaptureFixture) -> None:
    uow = FakeUnitOfWorkFactory()
    notifier = PortalNotifier(uow, FakeClock(), mailer=None, sms=RecordingSms())
    notifier.notify(recipient(), RESET, urgent=True)
    assert "Aucun serveur SMTP configuré : courriel non envoyé au compte acc-julie" in caplog.text
    assert "SECRET-42" not in caplog.text
    with uow() as work:
        assert len(work.inbox.for_account("acc-julie")) == 1


@pytest.mark.parametrize(("sms_allowed", "mobile", "texted"), [
    (True, "06 11 22 33 44", True),
    (False, "06 11 22 33 44", False),
    (True, None, False),
])
def test_texts_only_with_sms_consent_and_a_mobile(sms_allowed: bool, mobile: str | None, texted: bool) -> None:
    world = World()
    world.notifier.notify(recipient(sms_allowed=sms_allowed, mobile=mobile), NOTICE)
    assert bool(world.sms.sent) is texted


def test_an_sms_carries_the_subject_to_an_e164_number_but_never_the_body() -> None:
    world = World()
    world.notifier.notify(recipient(sms_allowed=True), NOTICE)
    [(number, text)] = world.sms.sent
    assert number == "+33611223344"
    assert text.startswith("Réservation confirmée") and "Léa" not in text


def test_urgent_notices_are_never_texted() -> None:
    world = World()
    world.notifier.notify(recipient(sms_allowed=True), RESET, urgent=True)
    assert world.sms.sent == []


def test_an_invalid_mobile_is_logged_and_not_texted(caplog: pytest.LogCaptureFixture) -> None:
    world = World()
    world.notifier.notify(recipient(sms_allowed=True, mobile="pas un numéro"), NOTICE)
    assert world.sms.sent == []
    assert "Numéro de mobile invalide" in caplog.text


def test_the_log_only_sms_sender_writes_the_sms_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    uow = FakeUnitOfWorkFactory()
    notifier = PortalNotifier(uow, FakeClock(), mailer=None, sms=LogSms())
    with caplog.at_level(logging.INFO, logger="famille.adapters.notification.sms"):
        notifier.notify(recipient(email=None, sms_allowed=True), NOTICE)
    assert "SMS (journal uniquement, aucune passerelle) à +33611223344 : Réservation confirmée" in caplog.text


def test_with_a_background_executor_the_caller_does_not_wait_for_the_mail_server() -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from famille.adapters.notification.notifier import PortalNotifier
    from famille.adapters.notification.sms import LogSms
    from famille.ports.notification import Notice, Recipient
    from tests.fakes.clock import FakeClock
    from tests.fakes.persistence import FakeUnitOfWorkFactory

    release = threading.Event()
    sent: list[str] = []

    class SlowMailer:
        def send(self, to: str, subject: str, body: str) -> None:
            release.wait(5)
            sent.append(to)

    uow = FakeUnitOfWorkFactory()
    with ThreadPoolExecutor(max_workers=1) as background:
        notifier = PortalNotifier(uow, FakeClock(), mailer=SlowMailer(), sms=LogSms(), background=background)
        notifier.notify(Recipient(account_id="a", display_name="A", email="a@example.org", email_allowed=True),
                        Notice(subject="Sujet", body="Corps"))
        assert sent == [] and len(uow.store.inbox) == 1
        release.set()
    assert sent == ["a@example.org"]
