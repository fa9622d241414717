"""The job queue on PostgreSQL: procrastinate, whose workers (`famille worker`) run on any host.

The portal's processes only defer (a row in `procrastinate_jobs`, a NOTIFY); a worker process
built on the same wiring runs `BillingJobs.execute` with the job's id. Jobs of one lock (an
organisation's month) run one at a time. A worker killed mid-job stops sending its heartbeat:
any running worker finds, every `heartbeat` seconds, the jobs of workers silent for `stalled`
seconds, and queues them again (the job starts over; its unfinished run was rolled back by
PostgreSQL when the killed worker's connection closed).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import procrastinate
from sqlalchemy.engine import make_url

log = logging.getLogger("famille.jobs")

QUEUE = "famille"
BILLING_TASK = "famille.billing_job"


def conninfo(database_url: str) -> str:
    """A libpq connection string from the SQLAlchemy URL `postgresql+psycopg://…`."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class ProcrastinateJobQueue:
    """Implements `famille.ports.jobs.JobQueue` on procrastinate."""

    live_progress = True

    def __init__(self, database_url: str) -> None:
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(
            conninfo=conninfo(database_url), min_size=1, max_size=4))
        self._runner: Callable[[str], None] | None = None
        self._opened = False

        @self.app.task(name=BILLING_TASK, queue=QUEUE)
        def billing_job(job_id: str) -> None:
            if self._runner is None:
                raise RuntimeError("ProcrastinateJobQueue.bind was not called")
            self._runner(job_id)

        self._task = billing_job

    def bind(self, runner: Callable[[str], None]) -> None:
        """The use case that runs a job by its id (`BillingJobs.execute`)."""
        self._runner = runner

    def enqueue(self, job_id: str, *, lock: str) -> None:
        """Defer the job (a row in procrastinate's table, committed at once)."""
        if not self._opened:  # opened lazily: after gunicorn's fork, never at import or build time
            self.app.open()
            self._opened = True
        self._task.configure(lock=lock).defer(job_id=job_id)

    def close(self) -> None:
        """Close the connections opened to defer (a process that asked for jobs and stops)."""
        if self._opened:
            self.app.close()
            self._opened = False

    def run_worker(self, *, heartbeat: float = 10.0, stalled: float = 30.0, wait: bool = True) -> None:
        """Run jobs until stopped (SIGINT, SIGTERM), queueing again those of stalled workers."""
        asyncio.run(self._work(heartbeat, stalled, wait))

    async def _work(self, heartbeat: float, stalled: float, wait: bool) -> None:
        async with self.app.open_async():
            retrying = asyncio.create_task(self._retry_stalled(heartbeat, stalled))
            try:
                await self.app.run_worker_async(queues=[QUEUE], wait=wait, update_heartbeat_interval=heartbeat,
                                                stalled_worker_timeout=stalled, name="famille-worker",
                                                delete_jobs="successful")  # the job table keeps the history
            finally:
                retrying.cancel()

    async def _retry_stalled(self, heartbeat: float, stalled: float) -> None:
        manager: Any = self.app.job_manager
        while True:
            try:
                await manager.prune_stalled_workers(stalled)
                for job in await manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=stalled):
                    log.warning("Tâche %s d'un worker arrêté : relancée", job.id)
                    await manager.retry_job(job)
            except Exception:
                log.exception("Recherche des tâches d'un worker arrêté impossible")
            await asyncio.sleep(heartbeat)
