"""Sending e-mail through an SMTP server with the standard library."""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import attrs

from famille.kernel.shared.time import PARIS


@attrs.frozen
class SmtpMailer:
    """Sends plain-text UTF-8 e-mail, one SMTP connection per message.

    `sender` is the From header (`Portail famille <portail@commune.fr>`). With
    `starttls` the connection is upgraded (certificate checked) before any login;
    `username` and `password` log in when given. Errors (`smtplib.SMTPException`,
    refused connection, timeout) are raised as `OSError` subclasses.
    """

    host: str
    port: int
    sender: str
    starttls: bool = attrs.field(default=False, kw_only=True)
    username: str | None = attrs.field(default=None, kw_only=True)
    # Never shown, even in a debugger or an error report.
    _password: str | None = attrs.field(default=None, kw_only=True, repr=False)
    timeout: float = attrs.field(default=10.0, kw_only=True)

    def message(self, to: str, subject: str, body: str) -> EmailMessage:
        """The message `send` would send: headers encoded per RFC 2047, body in UTF-8."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(datetime.now(PARIS))
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or None
        message["Message-ID"] = make_msgid(domain=domain)
        # RFC 3834: keeps out-of-office robots from answering the portal.
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(body, charset="utf-8")
        return message

    def send(self, to: str, subject: str, body: str) -> None:
        """Send one e-mail to `to`, or raise."""
        message = self.message(to, subject, body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self._password or "")
            smtp.send_message(message)
