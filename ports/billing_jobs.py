"""The billing job repository: the table of monthly runs asked as background jobs.

Part of the unit of work (`UnitOfWork.billing_jobs`); the same transaction rules apply.
Each write is its own short transaction in the use case, so that any process polling a job
reads its state while a worker elsewhere runs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from famille.kernel.billing.jobs import BillingJob, JobState


class BillingJobRepository(Protocol):
    """Stores billing jobs and what happens to them.

    Contract:
    - `add` records a pending job; `get` gives it back whole (None for an unknown id);
    - `start` sets it running: started now, `total` children, none done, no errors, one more attempt;
    - `progress` sets the children done; `finish` sets the final state, the end, the errors, the
      run (when done) and, when given, the children done;
    - `latest` is the job of the organisation and month asked last (None if none);
    - `unfinished` lists the jobs pending or running, oldest first.
    """

    def add(self, job: BillingJob) -> None:
        """Record a new job."""
        ...

    def get(self, job_id: str) -> BillingJob | None:
        """The job with this id, or None."""
        ...

    def latest(self, organisation_code: str, month: str) -> BillingJob | None:
        """The organisation's last job for `month`, or None."""
        ...

    def unfinished(self) -> Sequence[BillingJob]:
        """The jobs pending or running, oldest first."""
        ...

    def start(self, job_id: str, at: datetime, total: int) -> None:
        """The job is running from `at`, over `total` children."""
        ...

    def progress(self, job_id: str, done: int) -> None:
        """`done` children of the job are billed."""
        ...

    def finish(self, job_id: str, state: JobState, at: datetime, errors: Sequence[str], *,
               run_id: str | None = None, done: int | None = None) -> None:
        """The job ended at `at` in `state`, with `errors` and (when done) its run."""
        ...
