"""The job queue of the embedded SQLite default: one thread of the portal's own process runs the jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger("famille.jobs")


class ThreadJobQueue:
    """Implements `famille.ports.jobs.JobQueue` with one worker thread per process.

    One thread runs the jobs one after the other, so jobs of one lock never overlap in a
    process (across gunicorn workers, SQLite's single writer orders the runs). A job's state
    lives in the job table, read by every process; a job of a process that stopped mid-run
    stays « en cours » (asking again runs the month again: the run it was writing was never committed).
    """

    def __init__(self, *, live_progress: bool) -> None:
        self.live_progress = live_progress
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="famille-travaux")
        self._runner: Callable[[str], None] | None = None

    def bind(self, runner: Callable[[str], None]) -> None:
        """The use case that runs a job by its id (`BillingJobs.execute`)."""
        self._runner = runner

    def enqueue(self, job_id: str, *, lock: str) -> None:
        """Hand the job to the thread and return at once."""
        if self._runner is None:
            raise RuntimeError("ThreadJobQueue.bind was not called")
        self._executor.submit(self._run, self._runner, job_id)

    @staticmethod
    def _run(runner: Callable[[str], None], job_id: str) -> None:
        try:
            runner(job_id)
        except Exception:  # the job is marked failed by the use case; the fault goes to the log
            log.exception("Échec de la tâche de facturation %s", job_id)

    def shutdown(self) -> None:
        """Wait for the job running now, drop the others (tests)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
