"""`famille worker` on PostgreSQL, killed with SIGKILL in the middle of a month's run: nothing of the run
is visible, and another worker, started afterwards, runs the job again to the end."""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.pool import NullPool

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.tables import billing_runs, invoice_lines, invoices
from famille.bootstrap import build
from famille.config import Settings
from famille.kernel.accounts.model import Principal
from famille.kernel.billing.jobs import BillingJob, JobState
from famille.kernel.billing.service import run_id_of
from famille.rules import default_rules_dir
from tests.integration.databases import empty_database, postgres_server_url
from tests.support.server import famille, running_worker

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

#: The portal's clock for these tests: the demo families' month is the one before, November 2026.
CLOCK = "2026-12-07T09:00:00+01:00"
MONTH = "2026-11"
#: Enough families for a run of several batches of children (progress written between them).
FAMILIES = 300


@pytest.fixture
def scaled_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A PostgreSQL database migrated (with procrastinate's schema), the demo and FAMILIES more families."""
    if postgres_server_url() is None:
        pytest.skip("PostgreSQL tests need FAMILLE_TEST_POSTGRES_URL")
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    with empty_database("postgresql", tmp_path) as url:
        env = {"FAMILLE_DATABASE_URL": url, "FAMILLE_RULES_DIR": str(rules), "FAMILLE_CLOCK": CLOCK,
               "FAMILLE_RULES_RELOAD_SECONDS": "0.2", "FAMILLE_WORKER_HEARTBEAT_SECONDS": "0.5",
               "FAMILLE_WORKER_STALLED_SECONDS": "2", "FAMILLE_ARGON2_MEMORY_KIB": "8192",
               "FAMILLE_ARGON2_TIME_COST": "1", "FAMILLE_LOGIN_RATE": "1000/minute",
               "FAMILLE_ACCOUNT_RATE": "1000/minute", "FAMILLE_SECRET_KEY_FILE": str(tmp_path / "secret_key")}
        famille("migrate", env=env)
        famille("demo", "--families", str(FAMILIES), env=env)
        yield env


@contextmanager
def portal_of(env: dict[str, str]) -> Iterator[tuple[Callable[[str], BillingJob], Principal, object]]:
    """The portal wired on `env` in this process (it only asks for jobs and reads them): a job reader, the
    demo agent, the engine."""
    wiring = build(Settings.from_environ(env))
    try:
        with wiring.uow() as uow:
            account = uow.accounts.by_login("agent")
        assert account is not None
        agent = Principal(account_id=account.id, login=account.login, role=account.role,
                          organisation_code=account.organisation_code, family_id=None, session_id="test")
        yield (lambda job_id: wiring.portal.billing_jobs.job(agent, job_id)), agent, wiring
    finally:
        wiring.jobs.close()
        wiring.engine.dispose()


def wait_for(read: Callable[[], BillingJob], done: Callable[[BillingJob], bool], seconds: float,
             every: float = 0.02) -> BillingJob:
    deadline = time.monotonic() + seconds
    while True:
        job = read()
        if done(job):
            return job
        assert time.monotonic() < deadline, f"la tâche n'a pas avancé comme prévu : {job}"
        time.sleep(every)


def test_a_worker_killed_mid_run_leaves_no_partial_run_and_the_job_is_run_again(
        scaled_env: dict[str, str]) -> None:
    with portal_of(scaled_env) as (read, agent, wiring):
        job = wiring.portal.billing_jobs.request(agent, MONTH)  # type: ignore[attr-defined]
        run_id = run_id_of(agent.organisation_code, MONTH)
        with running_worker(scaled_env) as worker:
            started = wait_for(lambda: read(job.id), lambda j: j.state is not JobState.PENDING and (
                j.state.finished or j.children_done > 0), seconds=120)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        assert started.state is JobState.RUNNING, f"le run a fini avant d'être interrompu : ajoutez des familles ({started})"
        killed = read(job.id)
        assert killed.state is JobState.RUNNING and 0 < killed.children_done < (killed.children_total or 0)

        engine = make_engine(scaled_env["FAMILLE_DATABASE_URL"], poolclass=NullPool)
        try:
            with engine.connect() as c:  # nothing of the interrupted run: no run, no invoice, no line
                assert c.execute(select(billing_runs.c.id).where(billing_runs.c.id == run_id)).first() is None
                assert c.execute(select(func.count()).select_from(invoices)
                                 .where(invoices.c.run_id == run_id)).scalar_one() == 0
                assert c.execute(select(func.count()).select_from(invoice_lines)).scalar_one() == 0

            with running_worker(scaled_env):  # a new worker finds the dead one's job and runs it again
                done = wait_for(lambda: read(job.id), lambda j: j.state.finished, seconds=300, every=0.2)
            assert done.state is JobState.DONE and done.errors == () and done.attempts == 2, done
            assert done.run_id == run_id and done.children_done == done.children_total == 2 * FAMILIES + 3  # + ZTEST's
            with engine.connect() as c:
                assert c.execute(select(billing_runs.c.status).where(billing_runs.c.id == run_id)).scalar_one() == "draft"
                families = c.execute(select(func.count()).select_from(invoices)
                                     .where(invoices.c.run_id == run_id)).scalar_one()
                assert families >= FAMILIES  # one invoice per family billed, each family once
        finally:
            engine.dispose()
