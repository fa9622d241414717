"""The "Boîte de réception": messages from the commune to a family or an agent."""

from __future__ import annotations

from datetime import datetime

import attrs


@attrs.frozen
class InboxMessage:
    """A message in an account's inbox; `read_at` is None while it is new."""

    id: str
    account_id: str
    subject: str
    body: str
    created_at: datetime
    sender: str = "La commune"
    read_at: datetime | None = None
