"""The notifier and the SMTP mailer against a real local SMTP server."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import pytest

from famille.adapters.notification.notifier import PortalNotifier
from famille.adapters.notification.sms import LogSms
from famille.adapters.notification.smtp import SmtpMailer
from famille.ports.notification import Notice, Recipient
from tests.fakes.clock import FakeClock
from tests.fakes.persistence import FakeUnitOfWorkFactory
from tests.support.smtp import LocalSmtpServer, free_port

pytestmark = pytest.mark.slow

SENDER = "Portail famille <portail@mairie.test>"
JULIE = Recipient("acc-julie", "Julie Martin", email="julie.martin@example.org", email_allowed=True)
NOTICE = Notice("Réservation confirmée : cantine d'été", "Bonjour Julie,\n\nLa réservation de Léa est confirmée.\n")


def notifier(uow: FakeUnitOfWorkFactory, host: str, port: int, timeout: float = 5.0) -> PortalNotifier:
    mailer = SmtpMailer(host, port, SENDER, timeout=timeout)
    return PortalNotifier(uow, FakeClock(), mailer=mailer, sms=LogSms())


def inbox(uow: FakeUnitOfWorkFactory) -> list[str]:
    with uow() as work:
        return [m.subject for m in work.inbox.for_account("acc-julie")]


@pytest.fixture
def smtp() -> Iterator[LocalSmtpServer]:
    with LocalSmtpServer() as server:
        yield server


def test_an_email_with_accents_arrives_with_the_right_headers_and_body(smtp: LocalSmtpServer) -> None:
    uow = FakeUnitOfWorkFactory()
    notifier(uow, smtp.host, smtp.port).notify(JULIE, NOTICE)
    [message] = smtp.wait_for(1)
    assert message.envelope_from == "portail@mairie.test"
    assert message.envelope_to == ("julie.martin@example.org",)
    assert message["From"] == SENDER and message["To"] == "julie.martin@example.org"
    assert message["Subject"] == NOTICE.subject
    assert b"=?utf-8?" in message.raw.split(b"Subject:")[1].split(b"\n")[0]  # encoded, not raw 8-bit
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert message["Message-ID"].endswith("@mairie.test>")
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert message.get_content() == NOTICE.body
    assert inbox(uow) == [NOTICE.subject]


def test_no_email_without_consent_but_the_inbox_has_the_message(smtp: LocalSmtpServer) -> None:
    uow = FakeUnitOfWorkFactory()
    notifier(uow, smtp.host, smtp.port).notify(Recipient("acc-julie", "Julie", email="j@example.org"), NOTICE)
    assert inbox(uow) == [NOTICE.subject]
    with pytest.raises(AssertionError):
        smtp.wait_for(1, timeout=0.3)


def test_urgent_notices_are_emailed_even_without_consent(smtp: LocalSmtpServer) -> None:
    uow = FakeUnitOfWorkFactory()
    reset = Notice("Réinitialisation de votre mot de passe", "https://portail.test/r?jeton=abc\n")
    notifier(uow, smtp.host, smtp.port).notify(
        Recipient("acc-julie", "Julie", email="j@example.org"), reset, urgent=True)
    [message] = smtp.wait_for(1)
    assert message.get_content() == reset.body
    assert inbox(uow) == [reset.subject]


def test_a_server_that_is_down_leaves_the_inbox_message_and_does_not_raise(
        caplog: pytest.LogCaptureFixture) -> None:
    uow = FakeUnitOfWorkFactory()
    notifier(uow, "127.0.0.1", free_port()).notify(JULIE, NOTICE)
    assert inbox(uow) == [NOTICE.subject]
    assert "Courriel non envoyé au compte acc-julie" in caplog.text
    assert "ConnectionRefusedError" in caplog.text


def test_a_server_that_never_answers_times_out_and_keeps_the_inbox_message(
        caplog: pytest.LogCaptureFixture) -> None:
    uow = FakeUnitOfWorkFactory()
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections, never greets
        notifier(uow, "127.0.0.1", silent.getsockname()[1], timeout=0.3).notify(JULIE, NOTICE)
    assert inbox(uow) == [NOTICE.subject]
    assert "timed out" in caplog.text


def test_a_server_answering_5xx_leaves_the_inbox_message_and_does_not_raise(
        caplog: pytest.LogCaptureFixture) -> None:
    uow = FakeUnitOfWorkFactory()
    with LocalSmtpServer(reject="554 5.7.1 Message refusé") as refusing:
        notifier(uow, refusing.host, refusing.port).notify(JULIE, NOTICE)
        assert refusing.messages == []
    assert inbox(uow) == [NOTICE.subject]
    [record] = [r for r in caplog.records if r.name == "famille.adapters.notification.notifier"]
    assert record.levelno == logging.WARNING
    assert "SMTPDataError" in record.getMessage() and "554" in record.getMessage()
    assert "La réservation de Léa" not in caplog.text


def test_the_mailer_logs_in_when_configured_and_never_shows_the_password(
        caplog: pytest.LogCaptureFixture) -> None:
    with LocalSmtpServer(login=("portail", "s3cret-smtp")) as guarded:
        good = SmtpMailer(guarded.host, guarded.port, SENDER, username="portail", password="s3cret-smtp")
        good.send("julie.martin@example.org", NOTICE.subject, NOTICE.body)
        assert len(guarded.wait_for(1)) == 1
        uow = FakeUnitOfWorkFactory()
        bad = SmtpMailer(guarded.host, guarded.port, SENDER, username="portail", password="wrong-pass")
        PortalNotifier(uow, FakeClock(), mailer=bad, sms=LogSms()).notify(JULIE, NOTICE)
    assert inbox(uow) == [NOTICE.subject]
    assert "SMTPAuthenticationError" in caplog.text
    assert "wrong-pass" not in caplog.text and "s3cret" not in repr(good)
