"""An in-memory unit of work that behaves as the SQL one does (tests/contract checks both).

Each unit of work works on a copy of the store taken when it begins; `commit` writes back only
what it changed (so two units of work open at once keep each other's changes, as rows do), then
begins again on the latest store. Conditional writes (claims, single-use tokens, status checks,
insert-or-ignore) are checked against what others committed too, as a database re-checks the row.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any

import attrs

from famille.kernel.accounts.model import Account, AuthSession, LoginFailures, ResetToken
from famille.kernel.families.directory import FamilyMatches, child_search_text, family_search_text
from famille.kernel.families.inbox import InboxMessage
from famille.kernel.families.model import Child, Family
from famille.kernel.families.records import ChildSections, FamilySections, Photo
from famille.kernel.families.requests import ChangeRequest
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.planning.records import (
    AbsenceRecord,
    AttendanceRecord,
    BookingRecord,
    DeclaredClosure,
    PlanningEvent,
)
from famille.kernel.shared.organisations import Organisation, Service, Structure
from tests.fakes.billing import FakeBilling
from tests.fakes.jobs import FakeBillingJobs
from tests.fakes.planning import FakePlanning
from tests.fakes.records import FakeRecords, FakeRequests


@attrs.define
class Store:
    """What the fake database holds."""

    accounts: dict[str, Account] = attrs.Factory(dict)
    sessions: dict[str, AuthSession] = attrs.Factory(dict)
    reset_tokens: dict[str, ResetToken] = attrs.Factory(dict)
    login_failures: dict[str, LoginFailures] = attrs.Factory(dict)
    organisations: dict[str, Organisation] = attrs.Factory(dict)
    structures: dict[str, Structure] = attrs.Factory(dict)
    services: dict[str, Service] = attrs.Factory(dict)
    families: dict[str, Family] = attrs.Factory(dict)
    children: dict[str, Child] = attrs.Factory(dict)
    inbox: dict[str, InboxMessage] = attrs.Factory(dict)
    family_sections: dict[str, FamilySections] = attrs.Factory(dict)
    child_sections: dict[str, ChildSections] = attrs.Factory(dict)
    photos: dict[str, Photo] = attrs.Factory(dict)
    requests: dict[str, ChangeRequest] = attrs.Factory(dict)
    # the planning (tests/fakes/planning.py)
    enrolments: list[Enrolment] = attrs.Factory(list)
    closures: dict[str, DeclaredClosure] = attrs.Factory(dict)
    bookings: dict[tuple[str, str, date], BookingRecord] = attrs.Factory(dict)
    absences: dict[tuple[str, str, date], AbsenceRecord] = attrs.Factory(dict)
    attendance: dict[tuple[str, str, date], AttendanceRecord] = attrs.Factory(dict)
    planning_events: list[PlanningEvent] = attrs.Factory(list)
    calendar_feeds: dict[tuple[str, str], Any] = attrs.Factory(dict)  # (child, family) -> CalendarFeed
    # billing (tests/fakes/billing.py)
    billing_runs: dict[str, Any] = attrs.Factory(dict)
    invoices: dict[str, Any] = attrs.Factory(dict)
    rule_messages: dict[tuple[str, str, str, str], str] = attrs.Factory(dict)  # (version, org, rule, reason)
    payments: dict[str, Any] = attrs.Factory(dict)
    online_payments: dict[str, Any] = attrs.Factory(dict)  # id -> OnlinePayment
    counters: dict[tuple[str, str], int] = attrs.Factory(dict)
    child_shares: dict[tuple[str, str], Any] = attrs.Factory(dict)  # (child, family) -> Decimal
    family_billing: dict[str, Any] = attrs.Factory(dict)  # family -> FamilyBilling
    creditors: dict[str, Any] = attrs.Factory(dict)  # organisation -> Creditor
    billing_jobs: dict[str, Any] = attrs.Factory(dict)  # id -> BillingJob (tests/fakes/jobs.py)


class DuplicateKey(ValueError):
    """A second row with a unique key already taken (the fakes' IntegrityError)."""


class _Accounts:
    def __init__(self, store: Store) -> None:
        self.s = store

    def add(self, account: Account) -> None:
        if self.by_login(account.login) is not None or account.id in self.s.accounts:
            raise DuplicateKey("login already used")
        self.s.accounts[account.id] = account

    def get(self, account_id: str) -> Account | None:
        return self._derived(self.s.accounts.get(account_id))

    def by_login(self, login: str) -> Account | None:
        key = login.casefold()
        return self._derived(next((a for a in self.s.accounts.values() if a.login.casefold() == key), None))

    def by_family(self, family_id: str) -> Account | None:
        return self._derived(next((a for a in self.s.accounts.values() if a.family_id == family_id), None))

    def _derived(self, account: Account | None) -> Account | None:
        """As the SQL repository: a family login's e-mail is its responsable's, never a copy."""
        if account is None or account.family_id is None:
            return account
        family = self.s.families.get(account.family_id)
        return attrs.evolve(account, email=family.responsable.email if family else None)

    def set_password(self, account_id: str, password_hash: str, changed_at: datetime | None) -> None:
        account = self.s.accounts[account_id]
        self.s.accounts[account_id] = attrs.evolve(
            account, password_hash=password_hash,
            password_changed_at=changed_at or account.password_changed_at,
        )


class _LoginFailures:
    def __init__(self, store: Store, committed: Committed) -> None:
        self.s = store
        self.committed = committed

    def get(self, key: str) -> LoginFailures | None:
        return self.s.login_failures.get(key)

    def record(self, key: str, at: datetime) -> int:
        # One statement in a database: the increment counts what others committed meanwhile.
        shared = self.committed.get("login_failures", key)
        mine = self.s.login_failures.get(key)
        count = max(shared.count if shared else 0, mine.count if mine else 0) + 1
        self.s.login_failures[key] = LoginFailures(count=count, last_failed_at=at)
        return count

    def clear(self, key: str) -> None:
        self.s.login_failures.pop(key, None)


class _Sessions:
    def __init__(self, store: Store) -> None:
        self.s = store

    def add(self, session: AuthSession) -> None:
        self.s.sessions[session.id] = session

    def by_digest(self, token_digest: str) -> AuthSession | None:
        return next((x for x in self.s.sessions.values() if x.token_digest == token_digest), None)

    def caller(self, token_digest: str) -> tuple[AuthSession, Account] | None:
        session = self.by_digest(token_digest)
        account = _Accounts(self.s).get(session.account_id) if session else None
        return (session, account) if session and account else None

    def delete(self, session_id: str) -> None:
        self.s.sessions.pop(session_id, None)

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> None:
        for sid in [k for k, v in self.s.sessions.items() if v.account_id == account_id and k != keep]:
            del self.s.sessions[sid]


class _ResetTokens:
    def __init__(self, store: Store, committed: Committed) -> None:
        self.s = store
        self.committed = committed

    def add(self, token: ResetToken) -> None:
        self.s.reset_tokens[token.id] = token

    def by_digest(self, token_digest: str) -> ResetToken | None:
        return next((x for x in self.s.reset_tokens.values() if x.token_digest == token_digest), None)

    def issued_since(self, account_id: str, since: datetime) -> int:
        return sum(1 for x in self.s.reset_tokens.values() if x.account_id == account_id and x.created_at > since)

    def revoke_for_account(self, account_id: str, at: datetime) -> None:
        for key, token in list(self.s.reset_tokens.items()):
            if token.account_id == account_id and token.used_at is None:
                self.s.reset_tokens[key] = attrs.evolve(token, used_at=at)

    def consume(self, token_id: str, used_at: datetime) -> bool:
        token = self.s.reset_tokens.get(token_id)
        shared = self.committed.get("reset_tokens", token_id)
        if token is None or token.used_at is not None or (shared is not None and shared.used_at is not None):
            return False
        self.s.reset_tokens[token_id] = attrs.evolve(token, used_at=used_at)
        return True


class _Organisations:
    def __init__(self, store: Store) -> None:
        self.s = store

    def add(self, organisation: Organisation) -> None:
        self.s.organisations[organisation.code] = organisation

    def get(self, code: str) -> Organisation | None:
        return self.s.organisations.get(code)

    def list(self) -> Sequence[Organisation]:
        return sorted(self.s.organisations.values(), key=lambda o: o.code)

    def add_structure(self, structure: Structure) -> None:
        self.s.structures[structure.id] = structure

    def structures(self, organisation_code: str) -> Sequence[Structure]:
        return sorted((x for x in self.s.structures.values() if x.organisation_code == organisation_code),
                      key=lambda x: x.name)

    def add_service(self, service: Service) -> None:
        self.s.services[service.id] = service

    def services(self, organisation_code: str) -> Sequence[Service]:
        structures = {x.id: x.name for x in self.structures(organisation_code)}
        return sorted((x for x in self.s.services.values() if x.structure_id in structures),
                      key=lambda x: (structures[x.structure_id], x.name))

    def with_services(self, codes: Collection[str]
                      ) -> Mapping[str, tuple[Organisation, Sequence[Structure], Sequence[Service]]]:
        return {code: (organisation, self.structures(code), self.services(code))
                for code in codes if (organisation := self.get(code)) is not None}


class _Families:
    def __init__(self, store: Store) -> None:
        self.s = store

    def add(self, family: Family) -> None:
        self.s.families[family.id] = family

    def get(self, family_id: str) -> Family | None:
        return self.s.families.get(family_id)

    def by_number(self, organisation_code: str, number: str) -> Family | None:
        return next((f for f in self.s.families.values()
                     if f.organisation_code == organisation_code and f.number == number), None)

    def of_organisation(self, organisation_code: str) -> Sequence[Family]:
        return sorted((f for f in self.s.families.values() if f.organisation_code == organisation_code),
                      key=lambda f: f.number)

    def add_child(self, child: Child) -> None:
        self.s.children[child.id] = child

    def get_child(self, child_id: str) -> Child | None:
        return self.s.children.get(child_id)

    def get_children(self, child_ids: Collection[str]) -> Mapping[str, Child]:
        return {i: self.s.children[i] for i in child_ids if i in self.s.children}

    def caller_with_child(self, token_digest: str, child_id: str) -> tuple[AuthSession, Account, Child | None] | None:
        found = _Sessions(self.s).caller(token_digest)
        return (*found, self.get_child(child_id)) if found else None

    def children_of(self, family_id: str) -> Sequence[Child]:
        return sorted((c for c in self.s.children.values() if family_id in c.family_ids),
                      key=lambda c: c.date_naissance)

    def children_of_families(self, family_ids: Collection[str]) -> Mapping[str, Sequence[Child]]:
        found = {family_id: self.children_of(family_id) for family_id in family_ids}
        return {family_id: children for family_id, children in found.items() if children}

    def search(self, organisation_code: str, words: Sequence[str], offset: int, limit: int) -> FamilyMatches:
        def texts(family: Family) -> list[str]:
            return [family_search_text(family)] + [child_search_text(c) for c in self.children_of(family.id)
                                                    if c.organisation_code == organisation_code]

        found = sorted((f for f in self.s.families.values() if f.organisation_code == organisation_code
                        and all(any(word in text for text in texts(f)) for word in words)),
                       key=lambda f: (f.responsable.nom, f.responsable.prenom, f.number, f.id))
        return FamilyMatches(len(found), tuple(found[offset:offset + limit]))


class _Inbox:
    def __init__(self, store: Store) -> None:
        self.s = store

    def add(self, message: InboxMessage) -> None:
        self.s.inbox[message.id] = message

    def for_account(self, account_id: str) -> Sequence[InboxMessage]:
        return sorted((m for m in self.s.inbox.values() if m.account_id == account_id),
                      key=lambda m: m.created_at, reverse=True)

    def unread_count(self, account_id: str) -> int:
        return sum(1 for m in self.s.inbox.values() if m.account_id == account_id and m.read_at is None)

    def mark_read(self, account_id: str, message_id: str, read_at: datetime) -> bool:
        message = self.s.inbox.get(message_id)
        if message is None or message.account_id != account_id:
            return False
        if message.read_at is None:
            self.s.inbox[message_id] = attrs.evolve(message, read_at=read_at)
        return True


class FakeUnitOfWork:
    """Works on a copy of the shared store; `commit` writes its changes back."""

    def __init__(self, store: Store, lock: threading.Lock, *, read_only: bool = False) -> None:
        self._shared = store
        self._lock = lock
        self._read_only = read_only
        self._work: Store | None = None
        self.committed = False

    def __enter__(self) -> FakeUnitOfWork:
        if self._work is not None:
            raise RuntimeError("this unit of work is already in use")
        self._begin()
        return self

    def _begin(self) -> None:
        with self._lock:
            self._base = _containers(self._shared)
            self._work = copy.deepcopy(self._shared)
        work = self._work
        committed = self._committed = Committed(self._shared, self._lock)
        self.accounts = _Accounts(work)
        self.login_failures = _LoginFailures(work, committed)
        self.sessions = _Sessions(work)
        self.reset_tokens = _ResetTokens(work, committed)
        self.organisations = _Organisations(work)
        self.families = _Families(work)
        self.inbox = _Inbox(work)
        self.records = FakeRecords(work)
        self.requests = FakeRequests(work, committed)
        self.planning = FakePlanning(work, committed)
        self.billing = FakeBilling(work, committed)
        self.billing_jobs = FakeBillingJobs(work)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._committed.undo()  # what was not committed is rolled back
        self._work = None

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work keeps nothing")
        work = self._active()
        with self._lock:
            for field in attrs.fields(Store):
                base, mine, shared = (getattr(s, field.name) for s in (self._base, work, self._shared))
                if isinstance(mine, dict):
                    for key, value in mine.items():
                        if key not in base or base[key] != value:
                            shared[key] = copy.deepcopy(value)
                    for key in base.keys() - mine.keys():
                        shared.pop(key, None)
                else:  # the lists are append-only (enrolments, history)
                    shared.extend(copy.deepcopy(mine[len(base):]))
        self.committed = True
        self._begin()

    def rollback(self) -> None:
        self._active()
        self._committed.undo()
        self._begin()

    def _active(self) -> Store:
        if self._work is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._work


def _containers(store: Store) -> Store:
    """A copy of each table of the store (the values are frozen: shared)."""
    return Store(**{f.name: copy.copy(getattr(store, f.name)) for f in attrs.fields(Store)})


class Committed:
    """What other units of work committed, for conditional writes to check (as a database re-checks rows)."""

    def __init__(self, store: Store, lock: threading.Lock) -> None:
        self._store = store
        self._lock = lock
        self._inserted: list[tuple[str, Any, Any]] = []

    def get(self, table: str, key: Any) -> Any:
        """The committed row of `table` with this key, or None."""
        with self._lock:
            return getattr(self._store, table).get(key)

    def insert_unless(self, table: str, key: Any, row: Any, clashes: Callable[[Any], bool]) -> bool:
        """Insert `row` into the shared `table` at once unless a row there `clashes` with it; True when
        inserted. As a unique index does, this sees the rows other units of work inserted this way and
        have not committed yet, so two at once cannot both insert; `undo` takes the row back (rollback)."""
        with self._lock:
            rows = getattr(self._store, table)
            if any(clashes(other) for other in rows.values()):
                return False
            rows[key] = row
            self._inserted.append((table, key, row))
            return True

    def undo(self) -> None:
        """Take back what `insert_unless` inserted (the unit of work ends without committing)."""
        with self._lock:
            for table, key, row in self._inserted:
                rows = getattr(self._store, table)
                if rows.get(key) is row:
                    del rows[key]
            self._inserted.clear()


class FakeUnitOfWorkFactory:
    """Hands out fake units of work over one shared in-memory store."""

    def __init__(self) -> None:
        self.store = Store()
        self._lock = threading.Lock()

    def __call__(self, *, read_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, self._lock, read_only=read_only)

    def seed(self, **items: Any) -> None:
        """Put objects straight into the store (`accounts=[...]`, `families=[...]`...)."""
        for name, values in items.items():
            table = getattr(self.store, name)
            for value in values:
                key = value.code if isinstance(value, Organisation) else value.id
                table[key] = value
