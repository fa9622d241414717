"""The portal's notifier: inbox first, then e-mail and SMS where allowed."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Protocol

import phonenumbers

from famille.adapters.notification.sms import SmsSender
from famille.kernel.families.inbox import InboxMessage
from famille.ports.clock import Clock
from famille.ports.notification import Notice, Recipient
from famille.ports.persistence import UnitOfWorkFactory

logger = logging.getLogger(__name__)


class Mailer(Protocol):
    """Sends one plain-text e-mail, or raises (`OSError` for SMTP and network trouble)."""

    def send(self, to: str, subject: str, body: str) -> None:
        """Send `body` to `to` under `subject`."""
        ...


class PortalNotifier:
    """Implements the Notifier port.

    The inbox record is committed in its own unit of work before any delivery,
    so a failed e-mail or SMS never undoes it, and delivery errors are logged,
    never raised. The log names the account and the subject only: the body may
    hold a password-reset link. An SMS carries the subject and a pointer to the
    inbox, never the body; urgent notices (requested links) are not sent by SMS.
    `mailer` is None when no SMTP server is configured. With a `background`
    executor, e-mails and SMS leave in its threads: the caller does not wait for
    the SMTP server, and a password-reset request answers in the same time
    whether or not the login exists.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        *,
        mailer: Mailer | None,
        sms: SmsSender,
        sender: str = "La commune",
        background: Executor | None = None,
    ) -> None:
        self._uow = uow
        self._background = background
        self._clock = clock
        self._mailer = mailer
        self._sms = sms
        self._sender = sender

    def notify(self, recipient: Recipient, notice: Notice, *, urgent: bool = False) -> None:
        """Record the notice in the inbox, then e-mail and text it where allowed."""
        self._record(recipient, notice)
        if recipient.email and (recipient.email_allowed or urgent):
            self._deliver(self._email, recipient, recipient.email, notice)
        if recipient.mobile and recipient.sms_allowed and not urgent:
            self._deliver(self._text, recipient, recipient.mobile, notice)

    def _deliver(self, send: Callable[[Recipient, str, Notice], None], recipient: Recipient,
                 address: str, notice: Notice) -> None:
        if self._background is None:
            send(recipient, address, notice)
        else:
            self._background.submit(send, recipient, address, notice)

    def _record(self, recipient: Recipient, notice: Notice) -> None:
        message = InboxMessage(
            id=str(uuid.uuid4()),
            account_id=recipient.account_id,
            subject=notice.subject,
            body=notice.body if notice.inbox_body is None else notice.inbox_body,
            created_at=self._clock.now(),
            sender=self._sender,
        )
        with self._uow() as uow:
            uow.inbox.add(message)
            uow.commit()

    def _email(self, recipient: Recipient, address: str, notice: Notice) -> None:
        if self._mailer is None:
            logger.warning("Aucun serveur SMTP configuré : courriel non envoyé au compte %s (« %s »).",
                           recipient.account_id, notice.subject)
            return
        try:
            self._mailer.send(address, notice.subject, notice.body)
        except Exception as error:  # a delivery failure must never reach the caller
            _log_failure("Courriel", recipient, notice, error)
        else:
            logger.info("Courriel envoyé au compte %s (« %s »).", recipient.account_id, notice.subject)

    def _text(self, recipient: Recipient, mobile: str, notice: Notice) -> None:
        number = _e164(mobile)
        if number is None:
            logger.warning("Numéro de mobile invalide : SMS non envoyé au compte %s (« %s »).",
                           recipient.account_id, notice.subject)
            return
        text = f"{notice.subject} : un message vous attend dans votre espace famille."
        try:
            self._sms.send(number, text)
        except Exception as error:  # a delivery failure must never reach the caller
            _log_failure("SMS", recipient, notice, error)


def _e164(mobile: str) -> str | None:
    """The number in E.164 form (French numbers may be written nationally), or None."""
    try:
        number = phonenumbers.parse(mobile, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _log_failure(channel: str, recipient: Recipient, notice: Notice, error: Exception) -> None:
    # Never the body (it may hold a reset link); a non-network error is a bug, so keep its traceback.
    unexpected = not isinstance(error, OSError)
    logger.log(logging.ERROR if unexpected else logging.WARNING,
               "%s non envoyé au compte %s (« %s ») : %s: %s", channel, recipient.account_id,
               notice.subject, type(error).__name__, error, exc_info=unexpected)
