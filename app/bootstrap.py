"""The composition root: the one place that names the concrete adapters.

Nothing happens at import time; `build()` wires what the settings say.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs

from famille.adapters.calendar.holidays_fr import FrenchHolidayCalendar
from famille.adapters.clock import SystemClock
from famille.adapters.hashing import Argon2Hasher
from famille.adapters.notification.notifier import PortalNotifier
from famille.adapters.notification.sms import LogSms
from famille.adapters.notification.smtp import SmtpMailer
from famille.adapters.rules.engine import DurableRules
from famille.adapters.sqlalchemy.billing.source import SqlServiceDays
from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.config import Settings
from famille.kernel.portal.application import Portal, build_portal
from famille.rules import default_rules_dir

log = logging.getLogger("famille")


@attrs.frozen
class Wiring:
    """What `build` made: the portal and the adapters that need closing or driving."""

    settings: Settings
    portal: Portal
    uow: SqlUnitOfWorkFactory
    rules: DurableRules
    engine: Any  # sqlalchemy.Engine


def build(settings: Settings) -> Wiring:
    """Wire the portal on the real adapters named by `settings`."""
    engine = make_engine(settings.database_url)
    uow = SqlUnitOfWorkFactory(engine)
    clock = SystemClock()
    rules = DurableRules(settings.rules_dir or default_rules_dir(), logger=log)
    mailer = (
        SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_sender,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password,
        )
        if settings.smtp_host
        else None
    )
    # E-mails and SMS leave from two background threads (per process), so no request waits for SMTP.
    outgoing = ThreadPoolExecutor(max_workers=2, thread_name_prefix="famille-envoi")
    notifier = PortalNotifier(uow, clock, mailer=mailer, sms=LogSms(), background=outgoing)
    hasher = Argon2Hasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib)
    holidays = FrenchHolidayCalendar()  # public and school holidays, shipped data, cached per year
    portal = build_portal(
        uow=uow, clock=clock, rules=rules, hasher=hasher, notifier=notifier, portal_url=settings.portal_url,
        service_days=SqlServiceDays(engine, holidays), calendar=holidays,
    )
    return Wiring(settings=settings, portal=portal, uow=uow, rules=rules, engine=engine)


def create_wsgi_app(settings: Settings | None = None) -> Any:
    """The Falcon WSGI application, for gunicorn (`famille serve`) or any WSGI server."""
    from famille.adapters.http.app import create_app

    wiring = build(settings or Settings.from_environ())
    # Each gunicorn worker builds its app after the fork, so each watches the rule files itself.
    if wiring.settings.rules_reload_seconds > 0:
        wiring.rules.start_watching(wiring.settings.rules_reload_seconds)
    return create_app(
        wiring.portal,
        rate_limit_storage=wiring.settings.rate_limit_storage,
        login_rate=wiring.settings.login_rate,
        secure_cookies=wiring.settings.secure_cookies,
    )
