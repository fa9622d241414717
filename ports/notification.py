"""The notification port: how the kernel reaches a family or an agent."""

from __future__ import annotations

from typing import Protocol

import attrs


@attrs.frozen
class Recipient:
    """Who receives a notice, with the consents recorded on the family's file."""

    account_id: str
    display_name: str
    email: str | None = None
    mobile: str | None = None
    email_allowed: bool = False
    sms_allowed: bool = False


@attrs.frozen
class Notice:
    """A message in French: a subject and a plain-text body.

    `inbox_body`, when given, is what the inbox keeps instead of `body`: a body
    holding a secret (a reset link) is sent by e-mail only, never stored.
    """

    subject: str
    body: str
    inbox_body: str | None = None


class Notifier(Protocol):
    """Sends a notice to a recipient.

    Contract: the notice is always recorded in the recipient's inbox (the outbox
    kept in the database), then sent by e-mail where the recipient allowed it
    ("autorisation courriel") and has an address, and by SMS where allowed.
    A failure of e-mail or SMS delivery is logged and never undoes the inbox
    record. `urgent=True` is for notices the person asked for (a password reset
    link): they are e-mailed whatever the consent, since the person requested them.
    """

    def notify(self, recipient: Recipient, notice: Notice, *, urgent: bool = False) -> None:
        """Record the notice in the inbox and send it where allowed."""
        ...
