"""Counters and single-use tokens hold when several processes write at once.

Each thread has its own engine, as each gunicorn worker would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import LoginFailures, failure_key
from tests.support import samples
from tests.support.samples import NOW

WORKERS = 4


def _run_together(database_url: str, work: Callable[[SqlUnitOfWorkFactory, int], None]) -> None:
    """Run `work(uow_factory, worker_number)` in WORKERS threads, started together, each with its own engine."""
    engines: list[Engine] = [make_engine(database_url) for _ in range(WORKERS)]
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            barrier.wait()
            work(SqlUnitOfWorkFactory(engines[number]), number)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert errors == []


def _seed_account(uow_factory: SqlUnitOfWorkFactory) -> str:
    """Store an account; return its id."""
    account = samples.account()
    with uow_factory() as uow:
        uow.organisations.add(samples.organisation())
        uow.accounts.add(account)
        uow.commit()
    return account.id


def test_failed_logins_recorded_concurrently_are_all_counted(
    database_url: str, uow_factory: SqlUnitOfWorkFactory
) -> None:
    key = failure_key("marie.dupont")
    seen: list[int] = []

    def fail_logins(factory: SqlUnitOfWorkFactory, _number: int) -> None:
        for _ in range(25):
            with factory() as uow:
                uow.login_failures.get(key)  # a login reads the count first
                seen.append(uow.login_failures.record(key, samples.NOW))
                uow.commit()

    _run_together(database_url, fail_logins)

    with uow_factory() as uow:
        assert uow.login_failures.get(key) == LoginFailures(4 * 25, samples.NOW)
    assert sorted(seen) == list(range(1, 101))


def test_a_reset_token_is_consumed_by_one_caller_only(
    database_url: str, uow_factory: SqlUnitOfWorkFactory
) -> None:
    account_id = _seed_account(uow_factory)
    tokens = [samples.reset_token(account_id, f"{n:064x}") for n in range(20)]
    with uow_factory() as uow:
        for token in tokens:
            uow.reset_tokens.add(token)
        uow.commit()
    winners: list[tuple[str, int]] = []

    def consume_all(factory: SqlUnitOfWorkFactory, number: int) -> None:
        for token in tokens:
            with factory() as uow:
                if uow.reset_tokens.consume(token.id, NOW + timedelta(seconds=number)):
                    winners.append((token.id, number))
                uow.commit()

    _run_together(database_url, consume_all)

    assert sorted(token_id for token_id, _ in winners) == sorted(token.id for token in tokens)
    with uow_factory() as uow:
        for token_id, number in winners:
            token = next(t for t in tokens if t.id == token_id)
            assert uow.reset_tokens.by_digest(token.token_digest).used_at == NOW + timedelta(seconds=number)
