"""The driving side: what the HTTP API, the web portal and embedding software may call.

The kernel owns this interface: `famille.kernel.portal.application.Portal` implements it.
Driving adapters receive a `Portal` from the composition root and never build
use cases themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from famille.kernel.accounts.authentication import Authentication
    from famille.kernel.billing.jobs import BillingJobs
    from famille.kernel.billing.online import OnlinePayments
    from famille.kernel.billing.service import Billing
    from famille.kernel.billing.setup import BillingSetup
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
    from famille.ports.clock import Clock
    from famille.ports.rules import Rules


class Application(Protocol):
    """The use cases a driving adapter calls (each is a kernel service object)."""

    @property
    def clock(self) -> Clock:
        """The portal's clock (for "today" on pages)."""
        ...

    @property
    def rules(self) -> Rules:
        """The rules in force (to explain a decision)."""
        ...

    @property
    def authentication(self) -> Authentication:
        """Login, sessions, passwords."""
        ...

    @property
    def callers(self) -> Callers:
        """The caller of a request, with the child it is about, in one read."""
        ...

    @property
    def home(self) -> Home:
        """The home page."""
        ...

    @property
    def inbox(self) -> Inbox:
        """The inbox."""
        ...

    @property
    def records(self) -> Records:
        """Family and child records, photos, and their audit."""
        ...

    @property
    def requests(self) -> Requests:
        """Requests (« demandes ») and agents' decisions."""
        ...

    @property
    def planning(self) -> Planning:
        """The planning grid, bookings and absences."""
        ...

    @property
    def planning_agent(self) -> AgentPlanning:
        """Agents' decisions on bookings and absences, closures, attendance, headcounts."""
        ...

    @property
    def calendars(self) -> CalendarFeeds:
        """The families' private calendar feeds of their children."""
        ...

    @property
    def billing(self) -> Billing:
        """Invoices, payments, credit notes, statements and monthly runs."""
        ...

    @property
    def billing_jobs(self) -> BillingJobs:
        """Monthly runs as background jobs: asked, polled, run by a worker."""
        ...

    @property
    def billing_setup(self) -> BillingSetup:
        """Shares of separated parents, residence, SEPA mandates and creditor."""
        ...

    @property
    def payments(self) -> OnlinePayments:
        """Paying invoices online and the payment service's messages."""
        ...

    @property
    def onboarding(self) -> Onboarding:
        """Agents bring families in: families, accounts, children, enrolments, activation links."""
        ...

    @property
    def directory(self) -> FamilyDirectory:
        """The agents' search among their organisation's families."""
        ...

    @property
    def back_office(self) -> BackOffice:
        """A family's whole file, and the agent's day."""
        ...
