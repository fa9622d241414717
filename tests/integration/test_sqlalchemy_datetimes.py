"""Instants come back aware, in Europe/Paris, the same instant they were, on every database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from sqlalchemy import select

from famille.adapters.sqlalchemy.tables import auth_sessions
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.shared.time import PARIS
from tests.support import samples

INSTANTS = [
    datetime(2025, 1, 15, 12, 0, tzinfo=PARIS),  # winter, UTC+1
    datetime(2025, 7, 14, 23, 59, 59, 999999, tzinfo=PARIS),  # summer, UTC+2
    datetime(2025, 3, 30, 1, 59, 59, tzinfo=PARIS),  # just before the spring switch
    datetime(2025, 3, 30, 3, 0, tzinfo=PARIS),  # just after it
    datetime(2025, 10, 26, 2, 30, fold=0, tzinfo=PARIS),  # the autumn hour, first time (UTC+2)
    datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=PARIS),  # the same wall time, an hour later (UTC+1)
    datetime(2025, 10, 26, 0, 30, tzinfo=UTC),  # given in UTC: read back in Paris
    datetime(2024, 2, 29, 8, 0, tzinfo=timezone(timedelta(hours=-5))),  # any aware offset
]


def _same_instant_in_paris(stored: datetime, read: datetime) -> bool:
    """Equal instant, Paris zone, and the right offset (== alone ignores fold within one zone)."""
    return (
        read.tzinfo is PARIS
        and read.timestamp() == stored.timestamp()
        and read.utcoffset() == stored.astimezone(PARIS).utcoffset()
    )


def test_instants_come_back_as_the_same_aware_paris_instants(uow_factory: SqlUnitOfWorkFactory) -> None:
    account = samples.account()
    sessions = [
        # an hour later as elapsed time: Paris wall-clock arithmetic could land in the spring gap
        attrs.evolve(
            samples.session(account.id, f"{n:064x}"),
            created_at=moment,
            expires_at=(moment.astimezone(UTC) + timedelta(hours=1)).astimezone(PARIS),
        )
        for n, moment in enumerate(INSTANTS)
    ]
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation())
        uow.accounts.add(account)
        for session in sessions:
            uow.sessions.add(session)
        uow.commit()

    with uow_factory() as uow:
        for session in sessions:
            read = uow.sessions.by_digest(session.token_digest)
            assert _same_instant_in_paris(session.created_at, read.created_at)
            assert _same_instant_in_paris(session.expires_at, read.expires_at)


def test_instants_sort_in_time_order_across_the_autumn_switch(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    account = samples.account()
    first = datetime(2025, 10, 26, 2, 45, fold=0, tzinfo=PARIS)  # 00:45 UTC
    second = datetime(2025, 10, 26, 2, 15, fold=1, tzinfo=PARIS)  # 01:15 UTC, earlier wall time
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation())
        uow.accounts.add(account)
        uow.sessions.add(attrs.evolve(samples.session(account.id, "2" * 64), created_at=second))
        uow.sessions.add(attrs.evolve(samples.session(account.id, "1" * 64), created_at=first))
        uow.commit()
        rows = uow.sessions._connection.execute(
            select(auth_sessions.c.token_digest).order_by(auth_sessions.c.created_at)
        ).scalars()
        assert list(rows) == ["1" * 64, "2" * 64]


def test_a_naive_datetime_is_refused(uow_factory: SqlUnitOfWorkFactory) -> None:
    account = samples.account()
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation())
        uow.accounts.add(account)
        with pytest.raises(Exception, match="aware datetime"):
            uow.sessions.add(
                attrs.evolve(samples.session(account.id), created_at=datetime(2025, 1, 1, 12, 0))
            )
