"""Login, logout, sessions, change of password, forgotten password and first activation.

The change of password is the only change no agent validates (guide, 7.1).
"""

from __future__ import annotations

import functools
import secrets
import uuid
from datetime import datetime, timedelta

import attrs

from famille.kernel.accounts.model import (
    Account,
    AuthSession,
    LoginFailures,
    Principal,
    ResetToken,
    failure_key,
    token_digest,
)
from famille.kernel.accounts.passwords import check_password
from famille.kernel.shared.errors import (
    AccountLocked,
    FieldError,
    InvalidCredentials,
    InvalidResetToken,
    Unauthenticated,
    ValidationFailed,
)
from famille.ports.background import Background
from famille.ports.clock import Clock
from famille.ports.notification import Notice, Notifier, Recipient
from famille.ports.password_hashing import PasswordHasher
from famille.ports.persistence import UnitOfWork, UnitOfWorkFactory
from famille.ports.rules import Rules

LOCKOUT_POLICY = "login_lockout"
SESSION_LIFETIME = timedelta(hours=12)
RESET_LIFETIME = timedelta(hours=1)
#: At most this many reset links per account in `RESET_CAP_PERIOD` (more requests send nothing).
RESET_CAP = 3
RESET_CAP_PERIOD = timedelta(hours=1)
#: The lockout policy counts failures up to this (its input's maximum).
MAX_COUNTED = 1000
LOGIN_MAX = 200
ACTIVATION_LIFETIME = timedelta(days=30)


@attrs.frozen
class LoginGrant:
    """A successful login: the secret token (shown once) and its session."""

    token: str
    session: AuthSession
    account: Account


class Authentication:
    """The use cases of accounts and passwords."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        rules: Rules,
        hasher: PasswordHasher,
        notifier: Notifier,
        background: Background,
        *,
        portal_url: str = "http://127.0.0.1:8000",
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._rules = rules
        self._hasher = hasher
        self._notifier = notifier
        self._background = background
        self._portal_url = portal_url.rstrip("/")
        # Verified against when the login is unknown, so both answers take the same time.
        self._decoy_hash = hasher.hash(secrets.token_urlsafe(16))

    def login(self, login: str, password: str) -> LoginGrant:
        """Open a session, or refuse: wrong credentials, or a login locked by the lockout rule.

        Known and unknown logins take the same path: the same password hash is
        verified (a decoy one for an unknown login), failures are counted per login
        typed, and the lockout answers the same on the same try for both.
        """
        key = failure_key(login)
        with self._uow() as uow:
            account = uow.accounts.by_login(login.strip())
            stored = account.password_hash if account is not None else None
            verified = self._hasher.verify(stored or self._decoy_hash, password) and stored is not None
            now = self._clock.now()
            failures = uow.login_failures.get(key)
            locked = self._lockout(failures, now)
            if locked is not None:
                raise locked
            if not verified or account is None or stored is None:
                count = uow.login_failures.record(key, now)
                uow.commit()
                locked = self._lockout(LoginFailures(count, now), now)
                if locked is not None:
                    raise locked
                raise InvalidCredentials()
            if failures is not None:
                uow.login_failures.clear(key)
            if self._hasher.needs_rehash(stored):
                uow.accounts.set_password(account.id, self._hasher.hash(password), None)
            grant = self._open_session(uow, account)
            uow.commit()
            return grant

    def authenticate(self, token: str) -> Principal:
        """The caller behind a session token, or `Unauthenticated`."""
        with self._uow(read_only=True) as uow:
            return self.principal_of(uow.sessions.caller(token_digest(token)))

    def principal_of(self, found: tuple[AuthSession, Account] | None) -> Principal:
        """The caller of a session read with its account (`SessionRepository.caller`); `Unauthenticated` when
        there is none or it has expired."""
        if found is None or found[0].expires_at <= self._clock.now():
            raise Unauthenticated("Votre session a expiré ; veuillez vous reconnecter.")
        session, account = found
        return Principal(
            account_id=account.id,
            login=account.login,
            role=account.role,
            organisation_code=account.organisation_code,
            family_id=account.family_id,
            session_id=session.id,
        )

    def logout(self, principal: Principal) -> None:
        """End the caller's session."""
        with self._uow() as uow:
            uow.sessions.delete(principal.session_id)
            uow.commit()

    def change_password(
        self, principal: Principal, *, login: str, current: str, new: str, confirmation: str
    ) -> None:
        """Change the caller's password (login, current password, new one twice); other sessions end."""
        with self._uow() as uow:
            account = self._account(uow, principal.account_id)
            errors = []
            if login.strip().casefold() != account.login.casefold():
                errors.append(FieldError("login", "L'identifiant ne correspond pas à votre compte."))
            if account.password_hash is None or not self._hasher.verify(account.password_hash, current):
                now = self._clock.now()
                count = uow.login_failures.record(failure_key(account.login), now)
                uow.commit()
                locked = self._lockout(LoginFailures(count, now), now)
                if locked is not None:
                    raise locked
                errors.append(FieldError("current_password", "Le mot de passe actuel est incorrect."))
            if errors:
                raise ValidationFailed(errors)
            self._set_password(uow, account, new, confirmation)
            uow.sessions.delete_for_account(account.id, keep=principal.session_id)
            uow.commit()

    def request_reset(self, login: str) -> None:
        """Send a single-use reset link to the account's e-mail; silent whether the login exists or not.

        The lookup and the sending happen in the background: the caller's answer,
        and its time, are the same for every login. At most `RESET_CAP` links per
        account and per `RESET_CAP_PERIOD`; a new link revokes the older ones.
        """
        self._background.submit(functools.partial(self._send_reset, login.strip()[:LOGIN_MAX]))

    def _send_reset(self, login: str) -> None:
        with self._uow() as uow:
            account = uow.accounts.by_login(login)
            if account is None or not account.email:
                return
            if uow.reset_tokens.issued_since(account.id, self._clock.now() - RESET_CAP_PERIOD) >= RESET_CAP:
                return
            token = self._issue_token(uow, account, RESET_LIFETIME)
            uow.commit()
        greeting = f"Bonjour {account.display_name},\n\n"
        self._notifier.notify(
            Recipient(account_id=account.id, display_name=account.display_name, email=account.email),
            Notice(
                subject="Réinitialisation de votre mot de passe",
                body=(
                    f"{greeting}"
                    "Vous avez demandé à réinitialiser le mot de passe de votre compte du portail famille "
                    f"(identifiant : {account.login}).\n"
                    f"Ce lien est valable une heure et ne sert qu'une fois :\n"
                    f"{self._portal_url}/mot-de-passe/nouveau?jeton={token}\n\n"
                    "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : "
                    "votre mot de passe reste inchangé."
                ),
                # The inbox is read after login: it never keeps the link, only that one was sent.
                inbox_body=(
                    f"{greeting}"
                    "Un lien de réinitialisation de votre mot de passe a été envoyé à votre adresse "
                    "électronique. Il est valable une heure et remplace les liens envoyés auparavant.\n\n"
                    "Si vous n'êtes pas à l'origine de cette demande, ignorez-la : "
                    "votre mot de passe reste inchangé."
                ),
            ),
            urgent=True,
        )

    def issue_activation(self, account_id: str) -> str:
        """A first-activation token for an account created by the commune (sent or printed by an agent)."""
        with self._uow() as uow:
            account = self._account(uow, account_id)
            token = self._issue_token(uow, account, ACTIVATION_LIFETIME)
            uow.commit()
            return token

    def reset_password(self, token: str, *, new: str, confirmation: str) -> None:
        """Set a new password through a reset or activation link; it unlocks the account and ends its sessions."""
        with self._uow() as uow:
            stored = uow.reset_tokens.by_digest(token_digest(token))
            now = self._clock.now()
            if stored is None or stored.used_at is not None or stored.expires_at <= now:
                raise InvalidResetToken()
            account = self._account(uow, stored.account_id)
            self._set_password(uow, account, new, confirmation)
            if not uow.reset_tokens.consume(stored.id, now):
                raise InvalidResetToken()
            uow.reset_tokens.revoke_for_account(account.id, now)  # any other link stops working
            uow.login_failures.clear(failure_key(account.login))
            uow.sessions.delete_for_account(account.id)
            uow.commit()

    def set_initial_password(self, account_id: str, password: str) -> None:
        """Set a password without the policy check of a family's choice (demo data, agent tools)."""
        with self._uow() as uow:
            uow.accounts.set_password(account_id, self._hasher.hash(password), self._clock.now())
            uow.commit()

    # --- helpers ---------------------------------------------------------------------------

    def _account(self, uow: UnitOfWork, account_id: str) -> Account:
        account = uow.accounts.get(account_id)
        if account is None:
            raise Unauthenticated("Votre session a expiré ; veuillez vous reconnecter.")
        return account

    def _lockout(self, failures: LoginFailures | None, now: datetime) -> AccountLocked | None:
        """The refusal while the lockout rule locks these failures and its delay has not run out.

        Decided by the portal-wide policy (no organisation): an unknown login has
        none, and its answer must not differ from a known one's.
        """
        if failures is None:
            return None
        decision = self._rules.decide(LOCKOUT_POLICY, {"failed_attempts": min(failures.count, MAX_COUNTED)})
        if not decision.outcome.get("locked"):
            return None
        until = failures.last_failed_at + timedelta(minutes=int(decision.outcome["unlock_after_minutes"]))
        if now >= until:
            return None
        return AccountLocked(decision.message, decision.rule_id)

    def _open_session(self, uow: UnitOfWork, account: Account) -> LoginGrant:
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        session = AuthSession(
            id=str(uuid.uuid4()),
            account_id=account.id,
            token_digest=token_digest(token),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
        uow.sessions.add(session)
        return LoginGrant(token=token, session=session, account=account)

    def _issue_token(self, uow: UnitOfWork, account: Account, lifetime: timedelta) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        uow.reset_tokens.revoke_for_account(account.id, now)  # a new link replaces the older ones
        uow.reset_tokens.add(
            ResetToken(
                id=str(uuid.uuid4()),
                account_id=account.id,
                token_digest=token_digest(token),
                created_at=now,
                expires_at=now + lifetime,
            )
        )
        return token

    def _set_password(self, uow: UnitOfWork, account: Account, new: str, confirmation: str) -> None:
        if new != confirmation:
            raise ValidationFailed(
                [FieldError("confirmation", "Les deux saisies du nouveau mot de passe sont différentes.")]
            )
        check_password(self._rules, new, login=account.login, organisation=account.organisation_code)
        uow.accounts.set_password(account.id, self._hasher.hash(new), self._clock.now())
