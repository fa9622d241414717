"""A real SMTP server on 127.0.0.1 that keeps what it receives.

    with LocalSmtpServer() as smtp:
        mailer = SmtpMailer(smtp.host, smtp.port, "Portail <portail@commune.test>")
        ...
        [message] = smtp.wait_for(1)
        message["Subject"], message.get_content(), message.envelope_to
"""

from __future__ import annotations

import socket
import threading
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class ReceivedMessage(EmailMessage):
    """A parsed message, with the SMTP envelope and the bytes it came with."""

    envelope_from: str = ""
    envelope_to: tuple[str, ...] = ()
    raw: bytes = b""


_PARSER = BytesParser(policy=policy.default.clone(message_factory=ReceivedMessage))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalSmtpServer:
    """An aiosmtpd server in a thread, collecting messages in a thread-safe list.

    `reject`, an SMTP reply such as "554 5.7.1 Refusé", is given to every message
    instead of accepting it (to test a server that answers 5xx). `login`, a
    (username, password) pair, makes the server offer AUTH (without TLS, for
    tests only) and accept only that pair at login.
    """

    host = "127.0.0.1"

    def __init__(self, *, reject: str | None = None, login: tuple[str, str] | None = None) -> None:
        self.port = free_port()
        self._reject = reject
        self._login = login
        self._received: list[ReceivedMessage] = []
        self._arrived = threading.Condition()
        auth: dict[str, Any] = {}
        if login:
            auth = dict(authenticator=self._authenticate, auth_require_tls=False)
        self._controller = Controller(self, hostname=self.host, port=self.port, **auth)

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        given = (auth_data.login.decode(), auth_data.password.decode()) \
            if isinstance(auth_data, LoginPassword) else None
        return AuthResult(success=given == self._login, handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """aiosmtpd hook: parse and keep the message (or refuse it)."""
        if self._reject:
            return self._reject
        # Plain newlines, so that tests compare bodies with ordinary Python strings.
        raw = envelope.content.replace(b"\r\n", b"\n")
        message = _PARSER.parsebytes(raw)
        assert isinstance(message, ReceivedMessage)
        message.raw = raw
        message.envelope_from = envelope.mail_from
        message.envelope_to = tuple(envelope.rcpt_tos)
        with self._arrived:
            self._received.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[ReceivedMessage]:
        """A copy of the messages received so far, in order."""
        with self._arrived:
            return list(self._received)

    def wait_for(self, count: int, timeout: float = 5) -> list[ReceivedMessage]:
        """The messages once at least `count` arrived; fails the test after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self._received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} message(s), got {len(self._received)}")
                self._arrived.wait(left)
            return list(self._received)

    def __enter__(self) -> LocalSmtpServer:
        self._controller.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._controller.stop()
