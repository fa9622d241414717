"""SQL persistence of the accounts context: logins, sessions, reset tokens; rows <-> kernel values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from famille.adapters.primitives import as_row, from_row
from famille.adapters.sqlalchemy.database import KeyedRepository, SqlRepository
from famille.adapters.sqlalchemy.lean import Builder, LeanSelect
from famille.adapters.sqlalchemy.tables import accounts, auth_sessions, families, login_failures, reset_tokens
from famille.kernel.accounts.model import Account, AuthSession, LoginFailures, ResetToken

Values = dict[str, Any]
T = TypeVar("T")


def account_to_values(account: Account) -> Values:
    """The row of an account, with its lower-cased login key; a family login stores no e-mail (it is derived)."""
    return as_row(account, login_key=login_key(account.login), email=None if account.family_id else account.email)


def account_from_row(row: Row[Any]) -> Account:
    """The account of a row of `_ACCOUNTS`: a family login's e-mail is its responsable's accepted one."""
    return from_row(row, Account, email=row.responsable_email if row.family_id else row.email)


def login_key(login: str) -> str:
    """What makes two logins the same: case does not count."""
    return login.casefold()


# An account with its responsable's e-mail: the address « mot de passe oublié » writes to is the
# one the commune accepted on the family's record, never a copy kept by the login.
_ACCOUNTS = select(accounts, families.c.responsable_email).outerjoin(families, accounts.c.family_id == families.c.id)
_ACCOUNT_BY_ID = _ACCOUNTS.where(accounts.c.id == bindparam("p_id"))
_ACCOUNT_BY_LOGIN_KEY = _ACCOUNTS.where(accounts.c.login_key == bindparam("p_key"))
_ACCOUNT_BY_FAMILY = _ACCOUNTS.where(accounts.c.family_id == bindparam("p_family_id"))
_SET_PASSWORD = (
    update(accounts)
    .where(accounts.c.id == bindparam("p_id"))
    .values(password_hash=bindparam("p_hash"), password_changed_at=bindparam("p_changed_at"))
)
_REHASH_PASSWORD = (
    update(accounts).where(accounts.c.id == bindparam("p_id")).values(password_hash=bindparam("p_hash"))
)


class SqlAccountRepository(SqlRepository):
    """Accounts; a login is found whatever its case through the `login_key` column."""

    def add(self, account: Account) -> None:
        """Store a new account (an IntegrityError if its login is taken, in any case)."""
        self._connection.execute(insert(accounts), account_to_values(account))

    def get(self, account_id: str) -> Account | None:
        """The account with this id, or None."""
        row = self._connection.execute(_ACCOUNT_BY_ID, {"p_id": account_id}).first()
        return account_from_row(row) if row else None

    def by_login(self, login: str) -> Account | None:
        """The account with this login, compared case-insensitively, or None."""
        row = self._connection.execute(_ACCOUNT_BY_LOGIN_KEY, {"p_key": login_key(login)}).first()
        return account_from_row(row) if row else None

    def by_family(self, family_id: str) -> Account | None:
        """The account of the responsable of this family, or None."""
        row = self._connection.execute(_ACCOUNT_BY_FAMILY, {"p_family_id": family_id}).first()
        return account_from_row(row) if row else None

    def set_password(self, account_id: str, password_hash: str, changed_at: datetime | None) -> None:
        """Replace the password hash; `changed_at` None keeps the date of the last change."""
        if changed_at is None:
            self._connection.execute(_REHASH_PASSWORD, {"p_id": account_id, "p_hash": password_hash})
        else:
            self._connection.execute(
                _SET_PASSWORD, {"p_id": account_id, "p_hash": password_hash, "p_changed_at": changed_at}
            )


_FAILURES_BY_KEY = select(login_failures).where(login_failures.c.key == bindparam("p_key"))
_CLEAR_FAILURES = delete(login_failures).where(login_failures.c.key == bindparam("p_key"))


class _AccountTokenRepository(KeyedRepository[T]):
    """The secret tokens of accounts in a table of `tables._account_token`, found by their digest."""

    def by_digest(self, token_digest: str) -> T | None:
        """The token with this digest, or None."""
        return self.get(token_digest)


class SqlLoginFailureRepository(SqlRepository):
    """Failed logins in a row per login digest; `record` is one upsert, so no increment is lost."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        dialect = connection.dialect.name
        self._insert: Any = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[dialect]

    def get(self, key: str) -> LoginFailures | None:
        """The failures under `key`, or None."""
        row = self._connection.execute(_FAILURES_BY_KEY, {"p_key": key}).first()
        return LoginFailures(count=row.failures, last_failed_at=row.last_failed_at) if row else None

    def record(self, key: str, at: datetime) -> int:
        """Add one failure in the database itself (insert or increment) and return the new count."""
        statement = (
            self._insert(login_failures)
            .values(key=key, failures=1, last_failed_at=at)
            .on_conflict_do_update(
                index_elements=[login_failures.c.key],
                set_={"failures": login_failures.c.failures + 1, "last_failed_at": at},
            )
            .returning(login_failures.c.failures)
        )
        return int(self._connection.execute(statement).scalar_one())

    def clear(self, key: str) -> None:
        """Forget the failures under `key`."""
        self._connection.execute(_CLEAR_FAILURES, {"p_key": key})


#: A session and its account in one read: what every authenticated request asks first.
_SESSION_COLUMNS = [column.label(f"session_{column.name}") for column in auth_sessions.c]
CALLER = (_ACCOUNTS.add_columns(*_SESSION_COLUMNS)
           .join(auth_sessions, auth_sessions.c.account_id == accounts.c.id)
           .where(auth_sessions.c.token_digest == bindparam("p_digest")))


class CallerReader:
    """The session and the account of a row of a `LeanSelect` of `CALLER` (or of a query extending it)."""

    def __init__(self, select: LeanSelect) -> None:
        index = select.index
        self._session = Builder(AuthSession, index, prefix="session_")
        self._account = Builder(Account, index, given=("email",))
        self._family_id, self._email = index["family_id"], index["email"]
        self._responsable_email = index["responsable_email"]

    def __call__(self, row: Sequence[Any]) -> tuple[AuthSession, Account]:
        """As `account_from_row`: a family login's e-mail is its responsable's."""
        email = row[self._responsable_email] if row[self._family_id] else row[self._email]
        return self._session(row), self._account(row, email=email)


_CALLER = LeanSelect(CALLER)
_CALLER_OF = CallerReader(_CALLER)


_DELETE_SESSION = delete(auth_sessions).where(auth_sessions.c.id == bindparam("p_id"))
_DELETE_SESSIONS_OF_ACCOUNT = delete(auth_sessions).where(
    auth_sessions.c.account_id == bindparam("p_account_id")
)
_DELETE_OTHER_SESSIONS_OF_ACCOUNT = delete(auth_sessions).where(
    auth_sessions.c.account_id == bindparam("p_account_id"), auth_sessions.c.id != bindparam("p_keep")
)


class SqlSessionRepository(_AccountTokenRepository[AuthSession]):
    """Login sessions (`add`, `by_digest`), looked up by the digest of their token on every request."""

    key = auth_sessions.c.token_digest
    stored = AuthSession

    def caller(self, token_digest: str) -> tuple[AuthSession, Account] | None:
        """The session with this digest and its account (one query)."""
        rows = _CALLER.rows(self._connection, {"p_digest": token_digest})
        return _CALLER_OF(rows[0]) if rows else None

    def delete(self, session_id: str) -> None:
        """End one session."""
        self._connection.execute(_DELETE_SESSION, {"p_id": session_id})

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> None:
        """End every session of an account, except `keep`."""
        if keep is None:
            self._connection.execute(_DELETE_SESSIONS_OF_ACCOUNT, {"p_account_id": account_id})
        else:
            self._connection.execute(
                _DELETE_OTHER_SESSIONS_OF_ACCOUNT, {"p_account_id": account_id, "p_keep": keep}
            )


# The WHERE on used_at makes the second of two concurrent consumers update no row.
_CONSUME_TOKEN = (
    update(reset_tokens)
    .where(reset_tokens.c.id == bindparam("p_id"), reset_tokens.c.used_at.is_(None))
    .values(used_at=bindparam("p_used_at"))
)


_ISSUED_SINCE = select(func.count()).select_from(reset_tokens).where(
    reset_tokens.c.account_id == bindparam("p_account_id"), reset_tokens.c.created_at > bindparam("p_since")
)
_REVOKE_TOKENS = (
    update(reset_tokens)
    .where(reset_tokens.c.account_id == bindparam("p_account_id"), reset_tokens.c.used_at.is_(None))
    .values(used_at=bindparam("p_at"))
)


class SqlResetTokenRepository(_AccountTokenRepository[ResetToken]):
    """Single-use tokens (`add`, `by_digest`); `consume` is decided by the database, not by a read."""

    key = reset_tokens.c.token_digest
    stored = ResetToken

    def issued_since(self, account_id: str, since: datetime) -> int:
        """How many tokens were issued for the account after `since`."""
        return int(self._connection.execute(
            _ISSUED_SINCE, {"p_account_id": account_id, "p_since": since}).scalar_one())

    def revoke_for_account(self, account_id: str, at: datetime) -> None:
        """Every unused token of the account stops working."""
        self._connection.execute(_REVOKE_TOKENS, {"p_account_id": account_id, "p_at": at})

    def consume(self, token_id: str, used_at: datetime) -> bool:
        """Mark the token used; True only for the one caller whose UPDATE changed it."""
        result = self._connection.execute(_CONSUME_TOKEN, {"p_id": token_id, "p_used_at": used_at})
        return result.rowcount == 1


