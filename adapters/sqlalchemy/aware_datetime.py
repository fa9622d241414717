"""Column types: instants stored in UTC, read back as aware Europe/Paris datetimes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from famille.kernel.shared.time import PARIS


class AwareDateTime(TypeDecorator[datetime]):
    """A `TIMESTAMP WITH TIME ZONE` that refuses naive datetimes and answers in Europe/Paris.

    PostgreSQL keeps the instant itself; SQLite has no time zones, so the instant is
    stored there as naive UTC text (which also sorts in time order) and read back as UTC.
    Either way the kernel gets the same aware Europe/Paris value it stored, DST included.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        """Turn an aware datetime into UTC (naive UTC for SQLite)."""
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"an aware datetime is required, not {value!r}")
        in_utc = value.astimezone(UTC)
        return in_utc.replace(tzinfo=None) if dialect.name == "sqlite" else in_utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Read an instant back as an aware Europe/Paris datetime."""
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(PARIS)
