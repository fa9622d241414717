"""The kernel's use cases gathered in one object, built from the ports."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import attrs

from famille.kernel.accounts.authentication import Authentication
from famille.kernel.billing.jobs import BillingJobs
from famille.kernel.billing.online import NoOnlinePayment, OnlinePayments
from famille.kernel.billing.service import Billing, NoServiceDays
from famille.kernel.billing.setup import BillingSetup
from famille.kernel.calendar.loading import NoHolidays
from famille.kernel.families.callers import Callers
from famille.kernel.families.directory import FamilyDirectory
from famille.kernel.families.inbox_service import Inbox
from famille.kernel.families.record_service import Records
from famille.kernel.families.request_service import Requests
from famille.kernel.planning.agent import AgentPlanning
from famille.kernel.planning.calendar_feed import CalendarFeeds
from famille.kernel.planning.service import Planning
from famille.kernel.portal.back_office import BackOffice
from famille.kernel.portal.home import Home
from famille.kernel.portal.onboarding import Onboarding
from famille.ports.background import Background
from famille.ports.billing_source import ServiceDaySource
from famille.ports.calendar import HolidayCalendar
from famille.ports.clock import Clock
from famille.ports.jobs import JobQueue
from famille.ports.notification import Notifier
from famille.ports.password_hashing import PasswordHasher
from famille.ports.payment_gateway import PaymentGateway
from famille.ports.persistence import UnitOfWorkFactory
from famille.ports.rules import Rules


class RunNow:
    """Background work run at once, in the caller's thread (embedding software, tests)."""

    def submit(self, work: Callable[[], None]) -> None:
        """Run `work` now."""
        work()


class RunJobsNow:
    """A job queue that runs each job at once, in the caller's thread (embedding software, tests).

    The progress is written at the end only: nobody polls a job that runs inside the request.
    """

    live_progress = False

    def __init__(self) -> None:
        self.runner: Callable[[str], None] | None = None

    def enqueue(self, job_id: str, *, lock: str) -> None:
        """Run the job now."""
        assert self.runner is not None, "RunJobsNow is bound by build_portal"
        self.runner(job_id)


@attrs.frozen
class Portal:
    """Every use case of the portal; what driving adapters (HTTP, CLI, embedding software) call."""

    clock: Clock
    rules: Rules
    authentication: Authentication
    callers: Callers
    home: Home
    inbox: Inbox
    records: Records
    requests: Requests
    planning: Planning
    planning_agent: AgentPlanning
    calendars: CalendarFeeds
    billing: Billing
    billing_jobs: BillingJobs
    billing_setup: BillingSetup
    payments: OnlinePayments
    onboarding: Onboarding
    directory: FamilyDirectory
    back_office: BackOffice


def build_portal(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rules: Rules,
    hasher: PasswordHasher,
    notifier: Notifier,
    portal_url: str,
    calendar: HolidayCalendar | None = None,
    service_days: ServiceDaySource | None = None,
    secret_key: bytes | None = None,
    payment_gateway: PaymentGateway | None = None,
    background: Background | None = None,
    jobs: JobQueue | None = None,
) -> Portal:
    """Wire the use cases on the given ports (`calendar` None: no holidays at all, for tests;
    `service_days` None: billing sees no day; `secret_key` None: a key drawn for this process,
    so the private calendar addresses change at each start; `payment_gateway` None: no online payment;
    `background` None: background work runs at once; `jobs` None: billing jobs run at once, in the
    request; a queue given is bound by the caller to `portal.billing_jobs.execute`)."""
    holidays = calendar or NoHolidays()
    authentication = Authentication(uow, clock, rules, hasher, notifier, background or RunNow(), portal_url=portal_url)
    planning_agent = AgentPlanning(uow, clock, rules, holidays, notifier)
    billing = Billing(uow, clock, rules, service_days or NoServiceDays(), calendar=holidays)
    queue = jobs or RunJobsNow()
    billing_jobs = BillingJobs(uow, clock, billing, queue)
    if isinstance(queue, RunJobsNow):
        queue.runner = billing_jobs.execute
    return Portal(
        clock=clock,
        rules=rules,
        authentication=authentication,
        callers=Callers(uow, authentication),
        home=Home(uow, clock),
        inbox=Inbox(uow, clock),
        records=Records(uow),
        requests=Requests(uow, clock, rules, notifier),
        planning=Planning(uow, clock, rules, holidays),
        planning_agent=planning_agent,
        calendars=CalendarFeeds(uow, clock, key=secret_key or secrets.token_bytes(32), portal_url=portal_url),
        billing=billing,
        billing_jobs=billing_jobs,
        billing_setup=BillingSetup(uow),
        payments=OnlinePayments(uow, clock, payment_gateway or NoOnlinePayment(), portal_url=portal_url),
        onboarding=Onboarding(uow, clock, authentication, notifier, portal_url=portal_url),
        directory=FamilyDirectory(uow),
        back_office=BackOffice(uow, clock, planning_agent),
    )
