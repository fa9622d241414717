"""The composition root: the one place that names the concrete adapters.

Nothing happens at import time; `build()` wires what the settings say.
"""

from __future__ import annotations

import gc
import logging
import os
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import attrs

from famille.adapters.background import ThreadBackground
from famille.adapters.calendar.holidays_fr import FrenchHolidayCalendar
from famille.adapters.clock import StartedClock, SystemClock
from famille.adapters.hashing import Argon2Hasher
from famille.adapters.jobs.procrastinate_queue import ProcrastinateJobQueue
from famille.adapters.jobs.threads import ThreadJobQueue
from famille.adapters.notification.notifier import PortalNotifier
from famille.adapters.notification.sms import LogSms
from famille.adapters.notification.smtp import SmtpMailer
from famille.adapters.payment.eopayment_gateway import EopaymentGateway, load_payment_settings
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
    hasher: Argon2Hasher
    calendar: FrenchHolidayCalendar
    jobs: ProcrastinateJobQueue | ThreadJobQueue


def build(settings: Settings) -> Wiring:
    """Wire the portal on the real adapters named by `settings`."""
    engine = make_engine(settings.database_url)
    uow = SqlUnitOfWorkFactory(engine)
    # The machine's clock, unless FAMILLE_CLOCK sets a starting instant (end-to-end walks, demos).
    clock = StartedClock(settings.clock_start) if settings.clock_start else SystemClock()
    if settings.clock_start:
        log.warning("Horloge du portail démarrée au %s (FAMILLE_CLOCK), pas à l'heure de la machine",
                    settings.clock_start.isoformat())
    rules = DurableRules(settings.rules_dir or default_rules_dir(), logger=log,
                         organisations=lambda: _organisation_codes(uow))
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
    # Work that must not show in a request's answer or time (a reset link: lookup and sending).
    background = ThreadBackground(ThreadPoolExecutor(max_workers=1, thread_name_prefix="famille-fond"))
    hasher = Argon2Hasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib)
    holidays = FrenchHolidayCalendar()  # public and school holidays, shipped data, cached per year
    # Billing runs: procrastinate's workers (`famille worker`, any host) on PostgreSQL; on SQLite a
    # thread of this process, which cannot write progress while the run holds the one write lock.
    jobs = (ProcrastinateJobQueue(settings.database_url) if engine.dialect.name == "postgresql"
            else ThreadJobQueue(live_progress=False))
    portal = build_portal(
        uow=uow, clock=clock, rules=rules, hasher=hasher, notifier=notifier, portal_url=settings.portal_url,
        service_days=SqlServiceDays(engine), calendar=holidays, secret_key=secret_key(settings),
        payment_gateway=EopaymentGateway(load_payment_settings(settings.payments_file))
        if settings.payments_file else None,
        background=background,
        jobs=jobs,
    )
    jobs.bind(portal.billing_jobs.execute)
    return Wiring(settings=settings, portal=portal, uow=uow, rules=rules, engine=engine, hasher=hasher,
                  calendar=holidays, jobs=jobs)


def secret_key(settings: Settings) -> bytes:
    """FAMILLE_SECRET_KEY, or the key kept in its file, made once (by whichever worker starts first)."""
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    return _key_file(settings.secret_key_file)


def _key_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(48))
    # Another worker may be writing it right now: wait until the key is whole.
    for _ in range(100):
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 64:
            return key.encode("ascii")
        time.sleep(0.01)
    raise RuntimeError(f"La clé secrète {path} est vide ou trop courte : renseignez FAMILLE_SECRET_KEY.")


def _organisation_codes(uow: SqlUnitOfWorkFactory) -> list[str] | None:
    """The codes of the organisations in the database, or None when it cannot say (not migrated yet)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with uow() as work:
            return [organisation.code for organisation in work.organisations.list()]
    except SQLAlchemyError:
        return None


def organisation_codes(settings: Settings) -> list[str] | None:
    """`_organisation_codes` of the database `settings` name (for `famille rules check` and `serve`)."""
    engine = make_engine(settings.database_url)
    try:
        return _organisation_codes(SqlUnitOfWorkFactory(engine))
    finally:
        engine.dispose()


def abandon_orphan_jobs(settings: Settings) -> int:
    """On a database whose jobs run inside the portal's processes (SQLite), fail the jobs an earlier
    portal left unfinished (call once, before the server's workers start); elsewhere nothing. How many."""
    from sqlalchemy import inspect

    wiring = build(settings)
    try:
        if isinstance(wiring.jobs, ThreadJobQueue) and inspect(wiring.engine).has_table("billing_jobs"):
            return wiring.portal.billing_jobs.abandon_unfinished()
        return 0  # PostgreSQL: workers elsewhere may be running them; not migrated yet: no job at all
    finally:
        wiring.engine.dispose()


def create_wsgi_app(settings: Settings | None = None) -> Any:
    """The Falcon WSGI application, for any WSGI server whose workers each build their own app."""
    app, in_worker = preload_wsgi_app(settings)
    in_worker(1)
    return app


def preload_wsgi_app(settings: Settings | None = None) -> tuple[Any, Callable[[int], None]]:
    """The Falcon WSGI application, built once before the server forks its workers, and what each worker
    does once forked (`famille serve`: gunicorn's `preload_app` and `post_fork`).

    Built and made ready once (rules compiled, holiday data read, objects frozen out of the collector),
    a worker starts at once and shares those pages with its siblings (about half the memory per
    worker): none spends seconds of CPU building its own while the others serve, as a worker
    gunicorn replaces under load did (seen during a rush on a loaded machine). The
    parent's connections are closed before the fork, so no two processes share one; each worker
    then opens its own, one for each of its threads before it takes a request (`in_worker(threads)`),
    and watches the rule files with a thread of its own (threads do not cross a fork).
    """
    from famille.adapters.http.app import create_app
    from famille.adapters.http.throttle import trusted_networks

    wiring = build(settings or Settings.from_environ())
    app = create_app(
        wiring.portal,
        rate_limit_storage=wiring.settings.rate_limit_storage,
        login_rate=wiring.settings.login_rate,
        account_rate=wiring.settings.account_rate,
        trusted_proxies=trusted_networks(wiring.settings.trusted_proxies),
        secure_cookies=wiring.settings.secure_cookies,
        hsts=wiring.settings.https,
    )
    ready_for_requests(wiring)
    _answer_once(app)
    wiring.engine.dispose()

    def in_worker(threads: int) -> None:
        if wiring.settings.rules_reload_seconds > 0:
            wiring.rules.start_watching(wiring.settings.rules_reload_seconds)
        open_connections(wiring.engine, threads)

    return app, in_worker


def ready_for_requests(wiring: Wiring) -> None:
    """What a worker does once before its first request, so that no request pays for it.

    The holiday data are read now, the SQL of the reads of nearly every request compiled (`warm_reads`),
    and the months of this school year (and of the next once its bookings are open) computed for every
    organisation (`Planning.prepare`); then every object made so far (modules, tables, rules, holiday
    data, months: a quarter of a million) is moved out of the garbage collector's passes (`gc.freeze`),
    which otherwise walk them all on each full collection, in the middle of a request (about a
    third of a second when a school year is booked).
    """
    wiring.calendar.load()
    warm_reads(wiring.uow)
    wiring.portal.planning.prepare()
    gc.collect()
    gc.freeze()


def warm_reads(uow: SqlUnitOfWorkFactory) -> None:
    """Run once, with ids that match nothing, the reads nearly every request makes: who is calling (with the
    child it names), a child's cells and month grid, organisations' setups. SQLAlchemy compiles their SQL
    now, not in a worker's first requests: a server started under load gets those all at once, and each
    paid the compilation of the same statements (a booking took about 80 ms instead of 11, and 16 browsers
    arriving together waited up to 200 ms)."""
    day = date(2000, 1, 3)
    with uow(read_only=True) as unit:
        unit.sessions.caller("-")
        unit.families.caller_with_child("-", "-")
        unit.planning.cells_of(["-"], day, day)
        unit.planning.grid_of("-", day, day)
        unit.organisations.with_services(["-"])
        unit.planning.closures_of(["-"], day, day)


def open_connections(engine: Any, count: int) -> None:
    """Open `count` connections of the pool (at most its size) and leave them there, ready: PostgreSQL starts a
    process for each, which a worker's first requests paid together when browsers arrived at once (a
    server started under load: 16 first requests took 110–200 ms, the next ones 50). Not on SQLite, whose
    connections are a file opened."""
    if engine.dialect.name == "sqlite":
        return
    opened = [engine.connect() for _ in range(min(count, engine.pool.size()))]
    for connection in opened:
        connection.close()


def _answer_once(app: Any) -> None:
    """Answer one request (`GET /api/v1/health`) before the first browser does: Falcon compiles its routes
    at the first request it routes, and the middleware and media handlers take their first steps."""
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    environ["PATH_INFO"] = "/api/v1/health"
    body = app(environ, lambda status, headers, exc_info=None: None)
    b"".join(body)
    getattr(body, "close", lambda: None)()
