"""Accounts: logins, passwords and their policy, sessions, lockout, reset and activation tokens."""

from famille.kernel.accounts.authentication import Authentication, LoginGrant
from famille.kernel.accounts.model import Account, AuthSession, ResetToken, Role

__all__ = ["Account", "AuthSession", "Authentication", "LoginGrant", "ResetToken", "Role"]
