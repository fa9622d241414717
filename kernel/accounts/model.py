"""Accounts of families and agents, login sessions and password-reset tokens."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import attrs


class Role(enum.Enum):
    """Who an account belongs to."""

    FAMILY = "family"
    AGENT = "agent"


@attrs.frozen
class Account:
    """A login. A family account belongs to one family (its responsable); an agent's to one organisation.

    `password_hash` is None until the password is first activated.
    """

    id: str
    login: str
    role: Role
    organisation_code: str
    display_name: str
    password_hash: str | None = None
    family_id: str | None = None
    email: str | None = None
    password_changed_at: datetime | None = None


@attrs.frozen
class Principal:
    """Who is calling, once authenticated: what authorization decisions look at."""

    account_id: str
    login: str
    role: Role
    organisation_code: str
    family_id: str | None
    session_id: str

    @property
    def is_agent(self) -> bool:
        """Whether the caller is an agent of `organisation_code`."""
        return self.role is Role.AGENT


@attrs.frozen
class AccountToken:
    """A secret token given to an account until it expires; only its digest (`token_digest`) is stored."""

    id: str
    account_id: str
    token_digest: str
    created_at: datetime
    expires_at: datetime


@attrs.frozen
class AuthSession(AccountToken):
    """A login session."""


@attrs.frozen
class ResetToken(AccountToken):
    """A single-use, expiring link to set a password (forgotten password or first activation)."""

    used_at: datetime | None = None


def token_digest(token: str) -> str:
    """The digest under which a secret token is stored (the token itself never is)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@attrs.frozen
class LoginFailures:
    """The failed attempts in a row on one login, known or not, and when the last one was."""

    count: int
    last_failed_at: datetime


def failure_key(login: str) -> str:
    """The key failed attempts are counted under: any login, existing or not, case and spaces aside.

    A digest, so the table of failures holds no login typed by anyone.
    """
    return hashlib.sha256(login.strip().casefold().encode("utf-8", "replace")).hexdigest()
