"""Settings, read from the environment once at start-up (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import attrs


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "oui", "on"}


def _instant(value: str | None) -> datetime | None:
    """`FAMILLE_CLOCK`: an ISO 8601 instant with its offset (`2025-11-24T09:00:00+01:00`), or unset."""
    if value is None or value.strip() == "":
        return None
    try:
        instant = datetime.fromisoformat(value.strip())
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise ValueError(f"FAMILLE_CLOCK : « {value} » n'est pas un instant ISO 8601 avec son décalage "
                         "(exemple : 2025-11-24T09:00:00+01:00)")
    return instant


@attrs.frozen
class Settings:
    """Everything the composition root needs to know about its environment."""

    database_url: str
    rules_dir: Path | None  # None: the rules shipped with the package
    portal_url: str = "http://127.0.0.1:8000"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "Portail famille <portail@localhost>"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    rate_limit_storage: str = "memory://"
    login_rate: str = "30/minute"
    account_rate: str = "10/minute"
    trusted_proxies: tuple[str, ...] = ()
    rules_reload_seconds: float = 5.0
    secure_cookies: bool = False
    argon2_memory_kib: int = 19 * 1024
    argon2_time_cost: int = 2
    #: Signs the private calendar addresses; None: a key kept in `secret_key_file` (made on first start).
    secret_key: str | None = None
    secret_key_file: Path = Path("var") / "secret_key"
    clock_start: datetime | None = None  # None: the machine's clock (always, unless FAMILLE_CLOCK is set)
    #: Each organisation's online payment service (PayFIP); None: no online payment.
    payments_file: Path | None = None
    #: `famille worker`: seconds between its heartbeats, and of silence after which a worker is taken
    #: for dead and its job queued again.
    worker_heartbeat_seconds: float = 10.0
    worker_stalled_seconds: float = 30.0

    @property
    def https(self) -> bool:
        """Whether the portal is reached over https (then browsers are told to keep to it: HSTS)."""
        return self.portal_url.lower().startswith("https://")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read `FAMILLE_*` variables (see README, "Configuration")."""
        env = os.environ if environ is None else environ
        default_db = "sqlite:///" + str(Path("var") / "famille.db")
        rules_dir = env.get("FAMILLE_RULES_DIR")
        portal_url = env.get("FAMILLE_PORTAL_URL", "http://127.0.0.1:8000")
        return cls(
            database_url=env.get("FAMILLE_DATABASE_URL", default_db),
            rules_dir=Path(rules_dir) if rules_dir else None,
            portal_url=portal_url,
            smtp_host=env.get("FAMILLE_SMTP_HOST") or None,
            smtp_port=int(env.get("FAMILLE_SMTP_PORT", "25")),
            smtp_sender=env.get("FAMILLE_SMTP_FROM", "Portail famille <portail@localhost>"),
            smtp_starttls=_flag(env.get("FAMILLE_SMTP_STARTTLS"), False),
            smtp_username=env.get("FAMILLE_SMTP_USER") or None,
            smtp_password=env.get("FAMILLE_SMTP_PASSWORD") or None,
            rate_limit_storage=env.get("FAMILLE_RATE_LIMIT_STORAGE", "memory://"),
            login_rate=env.get("FAMILLE_LOGIN_RATE", "30/minute"),
            account_rate=env.get("FAMILLE_ACCOUNT_RATE", "10/minute"),
            trusted_proxies=tuple(env.get("FAMILLE_TRUSTED_PROXIES", "").replace(",", " ").split()),
            rules_reload_seconds=float(env.get("FAMILLE_RULES_RELOAD_SECONDS", "5")),
            secure_cookies=_flag(env.get("FAMILLE_SECURE_COOKIES"), portal_url.startswith("https://")),
            argon2_memory_kib=int(env.get("FAMILLE_ARGON2_MEMORY_KIB", str(19 * 1024))),
            argon2_time_cost=int(env.get("FAMILLE_ARGON2_TIME_COST", "2")),
            secret_key=env.get("FAMILLE_SECRET_KEY") or None,
            secret_key_file=Path(env.get("FAMILLE_SECRET_KEY_FILE", str(Path("var") / "secret_key"))),
            payments_file=Path(env["FAMILLE_PAYMENTS_FILE"]) if env.get("FAMILLE_PAYMENTS_FILE") else None,
            clock_start=_instant(env.get("FAMILLE_CLOCK")),
            worker_heartbeat_seconds=float(env.get("FAMILLE_WORKER_HEARTBEAT_SECONDS", "10")),
            worker_stalled_seconds=float(env.get("FAMILLE_WORKER_STALLED_SECONDS", "30")),
        )
