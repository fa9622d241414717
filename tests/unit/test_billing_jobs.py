"""Billing jobs on the fakes: recorded before they are queued, run by whoever runs the queue, started over
after a worker died, failed with a French message on a fault, and never leaving half a run."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import pytest

from famille.kernel.accounts.model import Principal, Role
from famille.kernel.billing.days import MonthRows
from famille.kernel.billing.jobs import ABANDONED, FAULT, JobState
from famille.kernel.billing.service import run_id_of
from famille.kernel.portal.application import build_portal
from famille.kernel.shared.errors import NotFound
from tests.fakes.billing import FakeServiceDays
from tests.fakes.jobs import QueuedJobs
from tests.fakes.rules import ShippedRules
from tests.http.conftest import HASHER, PORTAL_URL
from tests.http.test_billing_routes import BillingWorld, _day

AGENT = Principal(account_id="agent-a", login="agent.villeneuve", role=Role.AGENT, organisation_code="ville-a",
                  family_id=None, session_id="s-a")


class BreaksAfterFirstBatch(FakeServiceDays):
    """A source whose storage fails once its first batch is read (a lost connection, a killed worker)."""

    broken = True

    def batches(self, organisation_code: str, month: str, size: int) -> Iterable[MonthRows]:
        for batch in super().batches(organisation_code, month, size):
            yield batch
            if self.broken:
                raise ConnectionError("connexion perdue")


Worlds = tuple[BillingWorld, QueuedJobs, BreaksAfterFirstBatch]


@pytest.fixture
def world() -> Worlds:
    world = BillingWorld()
    source = BreaksAfterFirstBatch([*world.source.days, *(_day(n, child="enf-a2") for n in (1, 3))])
    queue = QueuedJobs()
    world.portal = build_portal(uow=world.uow, clock=world.clock, rules=ShippedRules(), hasher=HASHER,
                                notifier=world.notifier, portal_url=PORTAL_URL, service_days=source, jobs=queue)
    queue.runner = world.portal.billing_jobs.execute
    return world, queue, source


def test_a_fault_mid_run_fails_the_job_leaves_no_run_and_asking_again_runs_it(world: Worlds) -> None:
    world, queue, source = world
    jobs = world.portal.billing_jobs
    job = jobs.request(AGENT, "2026-12")
    assert jobs.job(AGENT, job.id).state is JobState.PENDING
    assert queue.queued == [(job.id, run_id_of("ville-a", "2026-12"))]
    with pytest.raises(ConnectionError):
        queue.run_all()
    failed = jobs.job(AGENT, job.id)
    assert failed.state is JobState.FAILED and failed.errors == (FAULT,)
    assert (failed.children_done, failed.children_total) == (2, 2)  # the batch was reported, never kept
    with world.uow() as uow:
        assert uow.billing.run(run_id_of("ville-a", "2026-12")) is None
    source.broken = False
    world.clock.set(world.clock.now() + timedelta(minutes=1))
    again = jobs.request(AGENT, "2026-12")
    queue.run_all()
    done = jobs.job(AGENT, again.id)
    assert done.state is JobState.DONE and (done.children_done, done.children_total) == (2, 2)
    assert done.run_id == run_id_of("ville-a", "2026-12") and jobs.latest(AGENT, "2026-12") == done


def test_a_job_left_running_by_a_dead_worker_starts_over_and_a_finished_one_is_left_alone(world: Worlds) -> None:
    world, queue, source = world
    source.broken = False
    jobs = world.portal.billing_jobs
    job = jobs.request(AGENT, "2026-12")
    with world.uow() as uow:  # a worker took it, then died
        uow.billing_jobs.start(job.id, world.clock.now(), 2)
        uow.billing_jobs.progress(job.id, 1)
        uow.commit()
    queue.run_all()  # the queue hands it again
    done = jobs.job(AGENT, job.id)
    assert done.state is JobState.DONE and done.attempts == 2 and done.children_done == 2
    jobs.execute(job.id)
    assert jobs.job(AGENT, job.id) == done


def test_another_organisation_never_reads_a_job() -> None:
    world = BillingWorld()
    job = world.portal.billing_jobs.request(AGENT, "2026-12")
    other = Principal(account_id="agent-b", login="agent.deuxrives", role=Role.AGENT, organisation_code="rpi-b",
                      family_id=None, session_id="s-b")
    with pytest.raises(NotFound):
        world.portal.billing_jobs.job(other, job.id)
    assert world.portal.billing_jobs.latest(other, "2026-12") is None


def test_jobs_left_by_a_stopped_portal_are_failed_with_a_message_and_asked_again(world: Worlds) -> None:
    world, queue, source = world
    source.broken = False
    jobs = world.portal.billing_jobs
    waiting, running = jobs.request(AGENT, "2026-12"), jobs.request(AGENT, "2026-11")
    with world.uow() as uow:  # the portal ran the second, then stopped
        uow.billing_jobs.start(running.id, world.clock.now(), 2)
        uow.commit()
    queue.queued.clear()  # its thread is gone with it
    assert jobs.abandon_unfinished() == 2
    for job in (waiting, running):
        abandoned = jobs.job(AGENT, job.id)
        assert abandoned.state is JobState.FAILED and abandoned.errors == (ABANDONED,)
    assert jobs.abandon_unfinished() == 0
    again = jobs.request(AGENT, "2026-12")
    queue.run_all()
    assert jobs.job(AGENT, again.id).state is JobState.DONE


class UnreachableQueue(QueuedJobs):
    """A queue whose database cannot be reached."""

    def enqueue(self, job_id: str, *, lock: str) -> None:
        raise ConnectionError("file de tâches injoignable")


def test_a_job_that_could_not_be_queued_is_failed_not_left_waiting_and_the_fault_surfaces() -> None:
    world = BillingWorld()
    queue = UnreachableQueue()
    portal = build_portal(uow=world.uow, clock=world.clock, rules=ShippedRules(), hasher=HASHER,
                          notifier=world.notifier, portal_url=PORTAL_URL, service_days=world.source, jobs=queue)
    with pytest.raises(ConnectionError):
        portal.billing_jobs.request(AGENT, "2026-12")
    (job,) = world.uow.store.billing_jobs.values()
    assert job.state is JobState.FAILED and job.errors == (FAULT,)
