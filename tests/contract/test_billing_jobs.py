"""The billing job table, on the fakes, SQLite and PostgreSQL: what a worker writes, any process reads."""

from __future__ import annotations

from datetime import timedelta

from famille.kernel.billing.jobs import BillingJob, JobState
from famille.ports.persistence import UnitOfWorkFactory
from tests.contract.test_billing import ORG, OTHER, seed
from tests.support.samples import NOW


def _job(id: str, organisation: str = ORG, minutes: int = 0) -> BillingJob:
    return BillingJob(id=id, organisation_code=organisation, month="2026-12", requested_by="agent-1",
                      requested_at=NOW + timedelta(minutes=minutes), final=True)


def test_a_job_goes_from_pending_to_running_to_done_each_step_read_by_another_unit_of_work(
        uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.billing_jobs.add(_job("j1"))
        uow.commit()
    with uow_factory() as uow:
        assert uow.billing_jobs.get("j1") == _job("j1")
        assert uow.billing_jobs.get("inconnue") is None
        uow.billing_jobs.start("j1", NOW + timedelta(seconds=1), 250)
        uow.commit()
    with uow_factory() as uow:
        uow.billing_jobs.progress("j1", 100)
        uow.commit()
    with uow_factory() as uow:
        running = uow.billing_jobs.get("j1")
        assert running is not None and running.state is JobState.RUNNING
        assert (running.children_done, running.children_total, running.attempts) == (100, 250, 1)
        assert running.started_at == NOW + timedelta(seconds=1) and running.finished_at is None
        uow.billing_jobs.finish("j1", JobState.DONE, NOW + timedelta(minutes=1), [], run_id="run-1", done=250)
        uow.commit()
    with uow_factory() as uow:
        done = uow.billing_jobs.get("j1")
        assert done is not None and (done.state, done.run_id, done.children_done) == (JobState.DONE, "run-1", 250)
        assert done.finished_at == NOW + timedelta(minutes=1) and done.final is True


def test_a_job_started_again_counts_its_attempts_and_forgets_its_errors(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.billing_jobs.add(_job("j1"))
        uow.billing_jobs.start("j1", NOW, 10)
        uow.billing_jobs.finish("j1", JobState.FAILED, NOW, ["Panne : réessayez."])
        uow.commit()
    with uow_factory() as uow:
        failed = uow.billing_jobs.get("j1")
        assert failed is not None and failed.errors == ("Panne : réessayez.",) and failed.children_done == 0
        uow.billing_jobs.start("j1", NOW, 10)
        uow.commit()
    with uow_factory() as uow:
        again = uow.billing_jobs.get("j1")
        assert again is not None and (again.state, again.errors, again.attempts) == (JobState.RUNNING, (), 2)


def test_the_latest_job_is_the_organisations_last_asked_for_the_month(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.billing_jobs.add(_job("a", minutes=1))
        uow.billing_jobs.add(_job("b", minutes=2))
        uow.billing_jobs.add(_job("c", OTHER, minutes=3))
        uow.commit()
    with uow_factory() as uow:
        latest = uow.billing_jobs.latest(ORG, "2026-12")
        assert latest is not None and latest.id == "b"
        assert uow.billing_jobs.latest(ORG, "2026-11") is None


def test_the_unfinished_jobs_are_the_pending_and_running_ones_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        for id, minutes in (("late", 3), ("early", 1), ("done", 0), ("running", 2)):
            uow.billing_jobs.add(_job(id, minutes=minutes))
        uow.billing_jobs.start("running", NOW, 5)
        uow.billing_jobs.finish("done", JobState.DONE, NOW, [], run_id="run-1")
        uow.commit()
    with uow_factory() as uow:
        assert [job.id for job in uow.billing_jobs.unfinished()] == ["early", "running", "late"]
