"""The billing job table in memory, and a job queue that runs each job at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import attrs

from famille.kernel.billing.jobs import BillingJob, JobState


class FakeBillingJobs:
    """Implements `famille.ports.billing_jobs.BillingJobRepository` on the fake store."""

    def __init__(self, store: Any) -> None:
        self._jobs: dict[str, BillingJob] = store.billing_jobs

    def add(self, job: BillingJob) -> None:
        """Record a new job."""
        self._jobs[job.id] = job

    def get(self, job_id: str) -> BillingJob | None:
        """The job, or None."""
        return self._jobs.get(job_id)

    def latest(self, organisation_code: str, month: str) -> BillingJob | None:
        """The last asked for the organisation and month."""
        mine = [j for j in self._jobs.values() if (j.organisation_code, j.month) == (organisation_code, month)]
        return max(mine, key=lambda j: (j.requested_at, j.id), default=None)

    def unfinished(self) -> Sequence[BillingJob]:
        """Pending or running, oldest first."""
        return sorted((j for j in self._jobs.values() if not j.state.finished), key=lambda j: (j.requested_at, j.id))

    def start(self, job_id: str, at: datetime, total: int) -> None:
        """Running."""
        job = self._jobs[job_id]
        self._jobs[job_id] = attrs.evolve(job, state=JobState.RUNNING, started_at=at, children_total=total,
                                          children_done=0, errors=(), attempts=job.attempts + 1, finished_at=None)

    def progress(self, job_id: str, done: int) -> None:
        """Children done."""
        self._jobs[job_id] = attrs.evolve(self._jobs[job_id], children_done=done)

    def finish(self, job_id: str, state: JobState, at: datetime, errors: Sequence[str], *,
               run_id: str | None = None, done: int | None = None) -> None:
        """Ended."""
        job = self._jobs[job_id]
        self._jobs[job_id] = attrs.evolve(job, state=state, finished_at=at, errors=tuple(errors), run_id=run_id,
                                          children_done=job.children_done if done is None else done)


class QueuedJobs:
    """A job queue that keeps what it is given until `run_all` (a worker that has not started yet)."""

    live_progress = True

    def __init__(self) -> None:
        self.queued: list[tuple[str, str]] = []
        self.runner: Callable[[str], None] | None = None

    def enqueue(self, job_id: str, *, lock: str) -> None:
        """Keep it."""
        self.queued.append((job_id, lock))

    def run_all(self) -> None:
        """Run what was queued, in order."""
        assert self.runner is not None
        while self.queued:
            self.runner(self.queued.pop(0)[0])
