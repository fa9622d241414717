"""The unit of work over SQLAlchemy: one connection, one transaction, every repository."""

from __future__ import annotations

from functools import cache
from typing import Any, get_type_hints

from sqlalchemy import Connection, Engine, RootTransaction

from famille.adapters.sqlalchemy.accounts import (
    SqlAccountRepository,
    SqlLoginFailureRepository,
    SqlResetTokenRepository,
    SqlSessionRepository,
)
from famille.adapters.sqlalchemy.billing.jobs import SqlBillingJobRepository
from famille.adapters.sqlalchemy.billing.repository import SqlBillingRepository
from famille.adapters.sqlalchemy.database import SqlRepository
from famille.adapters.sqlalchemy.families.records import SqlRecordRepository, SqlRequestRepository
from famille.adapters.sqlalchemy.families.repositories import (
    SqlFamilyRepository,
    SqlInboxRepository,
    SqlOrganisationRepository,
)
from famille.adapters.sqlalchemy.planning import SqlPlanningRepository


class SqlUnitOfWork:
    """A connection and a transaction taken on enter, rolled back on exit unless committed.

    `commit()` keeps the work and begins a new transaction, so a use case can go on
    after it (e.g. record a failed login, commit, then refuse). The repositories
    exist only inside the `with` block.

    On SQLite the driver begins the transaction at the first write, so reads before it
    see the latest committed data and a writer waits (busy timeout) rather than fails.
    """

    accounts: SqlAccountRepository
    login_failures: SqlLoginFailureRepository
    sessions: SqlSessionRepository
    reset_tokens: SqlResetTokenRepository
    organisations: SqlOrganisationRepository
    families: SqlFamilyRepository
    inbox: SqlInboxRepository
    records: SqlRecordRepository
    requests: SqlRequestRepository
    planning: SqlPlanningRepository
    billing: SqlBillingRepository
    billing_jobs: SqlBillingJobRepository

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None

    def __enter__(self) -> SqlUnitOfWork:
        """Take a connection and begin the transaction, which each repository works in from its first use
        (read-only on PostgreSQL: no transaction, the driver's autocommit, so no BEGIN and no ROLLBACK is
        sent)."""
        if self._connection is not None:
            raise RuntimeError("this unit of work is already in use")
        connection = self._engine.connect()
        self._connection = connection
        if self._read_only and connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
        self._transaction = connection.begin()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Roll back whatever was not committed and give the connection back to the pool (whether the block
        raised or not: what was committed is kept, the rest is not)."""
        connection, transaction = self._connection, self._transaction
        self._connection = self._transaction = None
        if connection is None:
            return
        try:
            self._settle_writes(keep=False)
            if transaction is not None and transaction.is_active:
                transaction.rollback()
        finally:
            for name in _repositories():  # the next `with` block makes its own
                self.__dict__.pop(name, None)
            connection.close()

    def commit(self) -> None:
        """Keep what was done so far, then begin a new transaction."""
        if self._read_only:
            raise RuntimeError("a read-only unit of work keeps nothing")
        connection, transaction = self._active()
        self._settle_writes(keep=True)
        transaction.commit()
        self._transaction = connection.begin()

    def rollback(self) -> None:
        """Forget what was done since the last commit, then begin a new transaction."""
        connection, transaction = self._active()
        self._settle_writes(keep=False)
        transaction.rollback()
        self._transaction = connection.begin()

    def _settle_writes(self, *, keep: bool) -> None:
        """Let every repository finish the writes it still has under way in the background (each waits even
        when one before it failed: nothing may still write on the connection after this). Before a commit
        the first error is raised (nothing half written is kept); before a rollback it goes with the
        transaction."""
        first: Exception | None = None
        for name in _repositories():
            if name not in self.__dict__:
                continue  # never used: nothing under way
            try:
                self.__dict__[name].finish_pending_writes()
            except Exception as error:
                first = first or error
        if keep and first is not None:
            raise first

    def _active(self) -> tuple[Connection, RootTransaction]:
        """The connection and transaction, or an error outside the `with` block."""
        if self._connection is None or self._transaction is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._connection, self._transaction


@cache
def _repositories() -> dict[str, type[SqlRepository]]:
    """The repositories `SqlUnitOfWork` declares (its class annotations), by attribute: the one list of them."""
    return {name: kind for name, kind in get_type_hints(SqlUnitOfWork).items()
            if isinstance(kind, type) and issubclass(kind, SqlRepository)}


class _Repository:
    """A repository of the unit of work, made on its first use in the `with` block and kept by the unit of work
    for the rest of it: a request uses two or three of the dozen, and making them all on enter cost it ~5 µs."""

    def __init__(self, name: str, kind: type[SqlRepository]) -> None:
        self._name, self._kind = name, kind

    def __get__(self, uow: SqlUnitOfWork | None, owner: type[SqlUnitOfWork]) -> Any:
        if uow is None:
            return self
        connection, _ = uow._active()
        repository = uow.__dict__[self._name] = self._kind(connection)
        return repository


for _name, _kind in _repositories().items():
    setattr(SqlUnitOfWork, _name, _Repository(_name, _kind))


class SqlUnitOfWorkFactory:
    """Makes a fresh `SqlUnitOfWork` on the shared engine for each use case."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        """A new unit of work, not yet entered."""
        return SqlUnitOfWork(self.engine, read_only=read_only)
