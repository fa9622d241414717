"""Billing runs as background jobs: an agent asks, a worker runs, anyone of the organisation polls.

A job is recorded in the database (`UnitOfWork.billing_jobs`) before it is handed to the job
queue (`famille.ports.jobs.JobQueue`), so that its state, children done and total, errors and
run can be read by any process while a worker elsewhere runs it. The run itself is
`Billing.prepare` (one transaction: a worker killed mid-run leaves nothing of it), then, when
asked, `Billing.finalise_run`.
"""

from __future__ import annotations

import enum
import logging
import uuid
from datetime import datetime

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.billing.model import RunStatus, parse_month
from famille.kernel.billing.service import Billing, run_id_of
from famille.kernel.shared.errors import Conflict, DomainError, NotFound
from famille.ports.clock import Clock
from famille.ports.jobs import JobQueue
from famille.ports.persistence import UnitOfWorkFactory

log = logging.getLogger("famille.jobs")

#: What an agent reads when a job failed on a fault (the details are in the worker's log).
FAULT = "La facturation a échoué sur une erreur inattendue : réessayez, ou signalez-la à l'administrateur."


#: What an agent reads of a job its portal process stopped in (SQLite: the jobs run in the portal).
ABANDONED = ("Le portail s'est arrêté pendant cette facturation : rien n'en a été gardé. "
             "Demandez-la à nouveau.")


class JobState(enum.Enum):
    """Where a job is: waiting for a worker, being run, done, or failed (with its errors)."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        """The state as an agent reads it."""
        return {"pending": "en attente", "running": "en cours", "done": "terminé", "failed": "échoué"}[self.value]

    @property
    def finished(self) -> bool:
        """Whether nothing more will happen to the job."""
        return self in (JobState.DONE, JobState.FAILED)


@attrs.frozen
class BillingJob:
    """A monthly run asked by an agent, as recorded in the job table."""

    id: str
    organisation_code: str
    month: str
    requested_by: str
    requested_at: datetime
    state: JobState = JobState.PENDING
    final: bool = False
    accept_flagged: bool = False
    children_done: int = 0
    children_total: int | None = None  # None until a worker starts the job
    errors: tuple[str, ...] = ()
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    run_id: str | None = None  # once done


class BillingJobs:
    """Ask for a run as a job, read it, and run it (what a worker calls)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, billing: Billing, queue: JobQueue) -> None:
        self._uow = uow
        self._clock = clock
        self._billing = billing
        self._queue = queue

    def request(self, principal: Principal, month: str, *, final: bool = False,
                accept_flagged: bool = False) -> BillingJob:
        """An agent asks for its organisation's run of `month`: recorded, queued, answered at once.

        What can be refused before running is refused here (a month badly written, a month
        already final); the rest (flagged days when finalising) is the job's error.
        """
        parse_month(month)
        organisation = principal.organisation_code
        with self._uow() as uow:
            run = uow.billing.run(run_id_of(organisation, month))
            if run is not None and run.status is RunStatus.FINAL:
                raise Conflict(f"La facturation de {month} est déjà définitive : corrigez par un avoir "
                               "ou sur la facturation suivante.")
            job = BillingJob(id=str(uuid.uuid4()), organisation_code=organisation, month=month,
                             requested_by=principal.account_id, requested_at=self._clock.now(), final=final,
                             accept_flagged=accept_flagged)
            uow.billing_jobs.add(job)
            uow.commit()
        try:
            self._queue.enqueue(job.id, lock=run_id_of(organisation, month))
        except Exception:  # never queued: it would wait forever; the fault goes on to the error handler
            self._finish(job.id, JobState.FAILED, (FAULT,))
            raise
        return job

    def job(self, principal: Principal, job_id: str) -> BillingJob:
        """A job of the agent's organisation (any other is « introuvable »)."""
        with self._uow() as uow:
            job = uow.billing_jobs.get(job_id)
        if job is None or not principal.is_agent or job.organisation_code != principal.organisation_code:
            raise NotFound("Tâche de facturation introuvable.")
        return job

    def latest(self, principal: Principal, month: str) -> BillingJob | None:
        """The agent's organisation's last job for `month`, or None."""
        with self._uow() as uow:
            return uow.billing_jobs.latest(principal.organisation_code, month)

    def abandon_unfinished(self) -> int:
        """Fail every job left pending or running, and say so: for a portal that runs its jobs itself
        (SQLite), at start, when no job of an earlier process can still be running. How many."""
        with self._uow() as uow:
            left = uow.billing_jobs.unfinished()
            for job in left:
                log.warning("Tâche de facturation %s abandonnée (%s) : le portail s'est arrêté", job.id,
                            job.state.label)
                uow.billing_jobs.finish(job.id, JobState.FAILED, self._clock.now(), (ABANDONED,))
            uow.commit()
        return len(left)

    def execute(self, job_id: str) -> None:
        """Run the job (a worker calls this): its state, progress and result are written as it goes.

        Run again after a worker died (the job still « en cours »), it starts over: the run it was
        writing was never committed. A job already finished is left as it is.
        A refusal (a `DomainError`) fails the job with its message; a fault fails it with a
        generic message and is raised again, for the worker's log.
        """
        with self._uow() as uow:
            job = uow.billing_jobs.get(job_id)
            if job is None or job.state.finished:
                return
            total = self._billing.children_to_bill(job.organisation_code, job.month)
            uow.billing_jobs.start(job_id, self._clock.now(), total)
            uow.commit()
        done = 0

        def progress(children: int) -> None:
            nonlocal done
            done += children
            if self._queue.live_progress:
                with self._uow() as work:
                    work.billing_jobs.progress(job_id, min(done, total))
                    work.commit()

        try:
            summary = self._billing.prepare(job.organisation_code, job.month, by=job.requested_by,
                                            progress=progress)
            if job.final:
                summary = self._billing.finalise_run(job.organisation_code, job.month, by=job.requested_by,
                                                     accept_flagged=job.accept_flagged)
        except DomainError as refused:  # the agent reads why; the log keeps it too (missing holiday data…)
            log.warning("Tâche de facturation %s échouée : %s", job_id, refused.message)
            self._finish(job_id, JobState.FAILED, (refused.message,))
            return
        except Exception:
            self._finish(job_id, JobState.FAILED, (FAULT,))
            raise
        self._finish(job_id, JobState.DONE, (), run_id=summary.run.id, done=total)

    def _finish(self, job_id: str, state: JobState, errors: tuple[str, ...], *, run_id: str | None = None,
                done: int | None = None) -> None:
        with self._uow() as uow:
            uow.billing_jobs.finish(job_id, state, self._clock.now(), errors, run_id=run_id, done=done)
            uow.commit()
