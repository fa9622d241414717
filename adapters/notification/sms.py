"""Sending SMS: the interface a gateway implements, and a log-only sender."""

from __future__ import annotations

import logging
from typing import Protocol

logger = logging.getLogger(__name__)


class SmsSender(Protocol):
    """Sends one SMS through a gateway.

    Contract: `mobile_e164` is a number in E.164 form (`+33612345678`) and `text`
    is short plain French text. A delivery failure raises an exception (an
    `OSError` for network trouble); the notifier logs it and carries on.
    A commune plugs its operator's gateway by implementing this protocol and
    naming it in the composition root.
    """

    def send(self, mobile_e164: str, text: str) -> None:
        """Send `text` to `mobile_e164`, or raise."""
        ...


class LogSms:
    """The log-only implementation: writes each SMS to the log and sends nothing.

    Used until a commune plugs a real gateway; the notifier only ever puts a
    subject and a pointer to the inbox in an SMS, never a link or a secret.
    """

    def send(self, mobile_e164: str, text: str) -> None:
        """Log the SMS that a gateway would have sent."""
        logger.info("SMS (journal uniquement, aucune passerelle) à %s : %s", mobile_e164, text)
