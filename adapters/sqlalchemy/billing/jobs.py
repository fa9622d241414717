"""`BillingJobRepository` over the `billing_jobs` table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from famille.adapters.sqlalchemy.database import SqlRepository
from famille.adapters.sqlalchemy.tables import billing_jobs
from famille.kernel.billing.jobs import BillingJob, JobState


def _job(row: Any) -> BillingJob:
    return BillingJob(id=row.id, organisation_code=row.organisation_code, month=row.month,
                      requested_by=row.requested_by, requested_at=row.requested_at, state=JobState(row.state),
                      final=bool(row.final), accept_flagged=bool(row.accept_flagged),
                      children_done=row.children_done, children_total=row.children_total,
                      errors=tuple(row.errors), attempts=row.attempts, started_at=row.started_at,
                      finished_at=row.finished_at, run_id=row.run_id)


class SqlBillingJobRepository(SqlRepository):
    """Implements `famille.ports.billing_jobs.BillingJobRepository` on one connection."""

    def add(self, job: BillingJob) -> None:
        """Record a new job."""
        self._connection.execute(insert(billing_jobs).values(
            id=job.id, organisation_code=job.organisation_code, month=job.month, state=job.state.value,
            final=job.final, accept_flagged=job.accept_flagged, children_done=job.children_done,
            children_total=job.children_total, errors=list(job.errors), attempts=job.attempts,
            requested_by=job.requested_by, requested_at=job.requested_at, started_at=job.started_at,
            finished_at=job.finished_at, run_id=job.run_id))

    def get(self, job_id: str) -> BillingJob | None:
        """The job with this id, or None."""
        row = self._connection.execute(select(billing_jobs).where(billing_jobs.c.id == job_id)).first()
        return None if row is None else _job(row)

    def latest(self, organisation_code: str, month: str) -> BillingJob | None:
        """The organisation's last job for `month`, or None."""
        row = self._connection.execute(select(billing_jobs).where(billing_jobs.c.organisation_code == organisation_code,
                                                         billing_jobs.c.month == month)
                              .order_by(billing_jobs.c.requested_at.desc(), billing_jobs.c.id.desc())
                              .limit(1)).first()
        return None if row is None else _job(row)

    def unfinished(self) -> Sequence[BillingJob]:
        """Pending or running, oldest first."""
        return [_job(row) for row in self._connection.execute(
            select(billing_jobs).where(billing_jobs.c.state.in_([JobState.PENDING.value, JobState.RUNNING.value]))
            .order_by(billing_jobs.c.requested_at, billing_jobs.c.id))]

    def start(self, job_id: str, at: datetime, total: int) -> None:
        """Running from `at` over `total` children; one more attempt."""
        self._connection.execute(update(billing_jobs).where(billing_jobs.c.id == job_id).values(
            state=JobState.RUNNING.value, started_at=at, children_total=total, children_done=0, errors=[],
            attempts=billing_jobs.c.attempts + 1, finished_at=None))

    def progress(self, job_id: str, done: int) -> None:
        """`done` children billed."""
        self._connection.execute(update(billing_jobs).where(billing_jobs.c.id == job_id).values(children_done=done))

    def finish(self, job_id: str, state: JobState, at: datetime, errors: Sequence[str], *,
               run_id: str | None = None, done: int | None = None) -> None:
        """Ended at `at` in `state`."""
        values: dict[str, Any] = {"state": state.value, "finished_at": at, "errors": list(errors), "run_id": run_id}
        if done is not None:
            values["children_done"] = done
        self._connection.execute(update(billing_jobs).where(billing_jobs.c.id == job_id).values(**values))
