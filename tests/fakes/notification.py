"""A notifier that remembers what it was asked to send."""

from __future__ import annotations

import attrs

from famille.ports.notification import Notice, Recipient


@attrs.frozen
class Sent:
    recipient: Recipient
    notice: Notice
    urgent: bool


class FakeNotifier:
    """Keeps every notice in `sent`, in order."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []

    def notify(self, recipient: Recipient, notice: Notice, *, urgent: bool = False) -> None:
        self.sent.append(Sent(recipient, notice, urgent))
