"""The persistence port: repositories grouped in a unit of work.

A unit of work is a context manager: what is done inside is kept only if
`commit()` is called; leaving the block otherwise rolls everything back, so a
refusal never leaves a half-applied change.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from famille.ports.billing_jobs import BillingJobRepository
from famille.ports.billing_persistence import BillingRepository
from famille.ports.planning_persistence import PlanningRepository

if TYPE_CHECKING:
    from famille.kernel.accounts.model import Account, AuthSession, LoginFailures, ResetToken
    from famille.kernel.families.directory import FamilyMatches
    from famille.kernel.families.inbox import InboxMessage
    from famille.kernel.families.model import Child, Family
    from famille.kernel.families.records import ChildSections, FamilySections, Photo
    from famille.kernel.families.requests import (
        ChangeRequest,
        Changes,
        RequestQuery,
        RequestStatus,
    )
    from famille.kernel.shared.organisations import Organisation, Service, Structure


class AccountRepository(Protocol):
    """Accounts by id or login. Logins are unique across the whole installation."""

    def add(self, account: Account) -> None:
        """Store a new account."""
        ...

    def get(self, account_id: str) -> Account | None:
        """The account with this id, or None."""
        ...

    def by_login(self, login: str) -> Account | None:
        """The account with this login (compared case-insensitively), or None."""
        ...

    def by_family(self, family_id: str) -> Account | None:
        """The account of the responsable of this family, or None."""
        ...

    def set_password(self, account_id: str, password_hash: str, changed_at: datetime | None) -> None:
        """Replace the password hash (`changed_at` None keeps the date: a rehash is no change)."""
        ...


class LoginFailureRepository(Protocol):
    """Failed login attempts in a row, per `failure_key` (for logins that exist and that do not)."""

    def get(self, key: str) -> LoginFailures | None:
        """The failures counted under `key`, or None."""
        ...

    def record(self, key: str, at: datetime) -> int:
        """Add one failure at `at` and return the new count; concurrent calls never lose one."""
        ...

    def clear(self, key: str) -> None:
        """Forget the failures under `key` (a successful login, a new password)."""
        ...


class SessionRepository(Protocol):
    """Login sessions, found by the digest of their token."""

    def add(self, session: AuthSession) -> None:
        """Store a new session."""
        ...

    def by_digest(self, token_digest: str) -> AuthSession | None:
        """The session whose token has this digest, or None."""
        ...

    def caller(self, token_digest: str) -> tuple[AuthSession, Account] | None:
        """The session whose token has this digest and its account, in one read; None if either is missing."""
        ...

    def delete(self, session_id: str) -> None:
        """End one session."""
        ...

    def delete_for_account(self, account_id: str, *, keep: str | None = None) -> None:
        """End every session of an account, except `keep`."""
        ...


class ResetTokenRepository(Protocol):
    """Password-reset and activation tokens."""

    def add(self, token: ResetToken) -> None:
        """Store a new token."""
        ...

    def by_digest(self, token_digest: str) -> ResetToken | None:
        """The token with this digest, or None."""
        ...

    def issued_since(self, account_id: str, since: datetime) -> int:
        """How many tokens were issued for the account after `since`."""
        ...

    def revoke_for_account(self, account_id: str, at: datetime) -> None:
        """Mark every unused token of the account as used at `at`: older links stop working."""
        ...

    def consume(self, token_id: str, used_at: datetime) -> bool:
        """Mark the token used if it was not; True only for the one caller that did (single use)."""
        ...


class OrganisationRepository(Protocol):
    """Organisations with their structures and services."""

    def add(self, organisation: Organisation) -> None:
        """Store a new organisation."""
        ...

    def get(self, code: str) -> Organisation | None:
        """The organisation with this code, or None."""
        ...

    def list(self) -> Sequence[Organisation]:
        """Every organisation, by code."""
        ...

    def add_structure(self, structure: Structure) -> None:
        """Store a new structure."""
        ...

    def structures(self, organisation_code: str) -> Sequence[Structure]:
        """The structures of an organisation, by name."""
        ...

    def add_service(self, service: Service) -> None:
        """Store a new service."""
        ...

    def services(self, organisation_code: str) -> Sequence[Service]:
        """The services of an organisation's structures, by structure then name."""
        ...

    def with_services(self, codes: Collection[str]
                      ) -> Mapping[str, tuple[Organisation, Sequence[Structure], Sequence[Service]]]:
        """Each organisation of `codes` that exists, with its `structures` and `services` (same orders), by code,
        in one read."""
        ...


class FamilyRepository(Protocol):
    """Families and their children."""

    def add(self, family: Family) -> None:
        """Store a new family."""
        ...

    def get(self, family_id: str) -> Family | None:
        """The family with this id, or None."""
        ...

    def by_number(self, organisation_code: str, number: str) -> Family | None:
        """The family with this N° famille in an organisation, or None."""
        ...

    def of_organisation(self, organisation_code: str) -> Sequence[Family]:
        """The organisation's families, by N° famille."""
        ...

    def add_child(self, child: Child) -> None:
        """Store a new child with its links to its families."""
        ...

    def get_child(self, child_id: str) -> Child | None:
        """The child with this id, or None."""
        ...

    def get_children(self, child_ids: Collection[str]) -> Mapping[str, Child]:
        """The children with these ids that exist, by id, in one read."""
        ...

    def caller_with_child(self, token_digest: str, child_id: str) -> tuple[AuthSession, Account, Child | None] | None:
        """`SessionRepository.caller` and `get_child(child_id)` in one read: what a request about a child asks first."""
        ...

    def children_of(self, family_id: str) -> Sequence[Child]:
        """The children a family is responsible for, by date of birth."""
        ...

    def children_of_families(self, family_ids: Collection[str]) -> Mapping[str, Sequence[Child]]:
        """`children_of` each of these families, in one read (a family without children is left out)."""
        ...

    def search(self, organisation_code: str, words: Sequence[str], offset: int, limit: int) -> FamilyMatches:
        """The organisation's families where every word (folded, see `kernel.families.directory.fold`) is
        part of `family_search_text` or of the `child_search_text` of one of its children of the
        organisation; by responsable's name, first name, N° famille; `limit` of them from `offset`,
        and the count of all. Searched by the storage itself, never by loading every family."""
        ...


class InboxRepository(Protocol):
    """The messages of each account's inbox."""

    def add(self, message: InboxMessage) -> None:
        """Store a new message."""
        ...

    def for_account(self, account_id: str) -> Sequence[InboxMessage]:
        """An account's messages, newest first."""
        ...

    def unread_count(self, account_id: str) -> int:
        """How many messages of the account are still new."""
        ...

    def mark_read(self, account_id: str, message_id: str, read_at: datetime) -> bool:
        """Mark one of the account's messages read; False if it is not the account's."""
        ...


class RecordRepository(Protocol):
    """The sections of family and child records, the changes agents accept, and photos."""

    def family_sections(self, family_id: str, *, for_update: bool = False) -> FamilySections:
        """The family's fiscal, CAF and bank sections (empty ones if none were stored).

        `for_update` locks the family's row until the end of the transaction, so two
        accepted requests on the same family never lose each other's change.
        """
        ...

    def save_family_sections(self, family_id: str, sections: FamilySections) -> None:
        """Store the family's sections (insert or replace)."""
        ...

    def child_sections(self, child_id: str, *, for_update: bool = False) -> ChildSections:
        """The child's autorisations, complementaires, sanitaires and photo (defaults if none stored)."""
        ...

    def save_child_sections(self, child_id: str, sections: ChildSections) -> None:
        """Store the child's sections (insert or replace)."""
        ...

    def update_family(self, family: Family) -> None:
        """Replace the family's adults and organisme (its id, organisation and number do not change)."""
        ...

    def update_child(self, child: Child) -> None:
        """Replace the child's identity (its links to families do not change)."""
        ...

    def add_photo(self, photo: Photo) -> None:
        """Store an uploaded photo."""
        ...

    def photo(self, photo_id: str) -> Photo | None:
        """The photo with this id, or None."""
        ...


class RequestRepository(Protocol):
    """Requests and their answers; none is ever deleted."""

    def add(self, request: ChangeRequest) -> None:
        """Store a new (pending) request."""
        ...

    def get(self, request_id: str) -> ChangeRequest | None:
        """The request with this id, or None."""
        ...

    def find(self, query: RequestQuery) -> Sequence[ChangeRequest]:
        """The requests matching every filter of `query`, oldest submitted first."""
        ...

    def claim(
        self, request_id: str, status: RequestStatus, decided_at: datetime, decided_by: str,
        reason: str | None,
    ) -> bool:
        """Decide a pending request in one conditional write (`... WHERE status = 'pending'`).

        True only for the one caller whose write changed it: of two agents deciding
        at once, the second gets False, whatever the interleaving.
        """
        ...

    def record_effect(self, request_id: str, before: Changes, child_id: str | None) -> None:
        """Keep what an accepted request replaced (`before`), and the child it added."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository; rolled back unless committed."""

    accounts: AccountRepository
    login_failures: LoginFailureRepository
    sessions: SessionRepository
    reset_tokens: ResetTokenRepository
    organisations: OrganisationRepository
    families: FamilyRepository
    inbox: InboxRepository
    records: RecordRepository
    requests: RequestRepository
    planning: PlanningRepository
    billing: BillingRepository
    billing_jobs: BillingJobRepository

    def __enter__(self) -> UnitOfWork:
        """Begin the transaction."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed, and release the connection."""
        ...

    def commit(self) -> None:
        """Keep what was done so far."""
        ...

    def rollback(self) -> None:
        """Forget what was done since the last commit."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work for each use case."""

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work, not yet entered.

        `read_only`: for a use case that only reads (who is calling): no transaction is begun, each
        statement reads the latest committed data (as every statement does at READ COMMITTED), and
        `commit()` refuses; it spares the round trips of beginning and ending a transaction.
        """
        ...
