"""The agents' back office: a family's whole file, and the day at a glance on the agent's home page.

Both gather what several contexts keep (records and requests, enrolments and the
planning's pending requests, the account and invoices, the billing run), so they live
here, above them all. An agent sees only its organisation: anything else is `NotFound`,
and a family is refused (`Forbidden`).
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.billing.account import AccountPosition, position
from famille.kernel.billing.model import BillingRun, Invoice, Payment, RunTotals
from famille.kernel.billing.service import run_id_of
from famille.kernel.families import access
from famille.kernel.families.model import Child
from famille.kernel.families.record_service import FamilyRecordPage
from famille.kernel.families.records import FamilyRecord
from famille.kernel.families.requests import FAMILY_KINDS, ChangeRequest, RequestQuery, RequestStatus
from famille.kernel.planning.agent import AgentPlanning, Headcount, MissingAttendance
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.planning.records import AbsenceRecord, BookingRecord
from famille.kernel.shared.errors import Forbidden
from famille.ports.clock import Clock
from famille.ports.persistence import UnitOfWorkFactory

#: How many days before today the home page looks for missing pointage.
MISSING_DAYS = 7


@attrs.frozen
class ChildFile:
    """A child in its family's file: identity, enrolments, bookings and absences waiting for an agent."""

    child: Child
    enrolments: tuple[Enrolment, ...]
    pending_bookings: tuple[BookingRecord, ...] = ()
    pending_absences: tuple[AbsenceRecord, ...] = ()


@attrs.frozen
class FamilyFile:
    """Everything an agent needs about one family, on one page.

    `requests` is the history of the family's requests (every status, oldest first);
    `account` the balance and unpaid invoices today; `invoices` the issued invoices and
    credit notes, newest first; `payments` newest first.
    """

    record: FamilyRecord
    children: tuple[ChildFile, ...]
    requests: tuple[ChangeRequest, ...]
    account: AccountPosition
    invoices: tuple[Invoice, ...]
    payments: tuple[Payment, ...]
    login: str | None = None  # the family's account, None when it has none
    activated: bool = False  # whether the family chose its password (else an activation link may be sent)

    @property
    def pending_requests(self) -> tuple[ChangeRequest, ...]:
        """The requests still waiting for an agent."""
        return tuple(r for r in self.requests if r.status is RequestStatus.PENDING)

    @property
    def record_page(self) -> FamilyRecordPage:
        """« Mon compte » as the family reads it: the record and the requests pending under its tabs."""
        return FamilyRecordPage(self.record, tuple(r for r in self.pending_requests if r.kind in FAMILY_KINDS))


@attrs.frozen
class BillingState:
    """Where a month's billing stands: no run yet (`run` None), a draft to review, or final."""

    month: str
    run: BillingRun | None
    totals: RunTotals


@attrs.frozen
class AgentDay:
    """The agent's home page: what waits, who is expected today, what is missing, last month's billing."""

    today: date
    requests_waiting: int
    planning_waiting: int
    headcounts: tuple[Headcount, ...]
    missing_attendance: tuple[MissingAttendance, ...]
    missing_from: date
    billing: BillingState


def _require_agent(principal: Principal) -> str:
    if not principal.is_agent:
        raise Forbidden("Cette page est réservée aux agents.")
    return principal.organisation_code


class BackOffice:
    """The family file and the agent's day."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, planning: AgentPlanning) -> None:
        self._uow = uow
        self._clock = clock
        self._planning = planning

    def family_file(self, principal: Principal, family_id: str) -> FamilyFile:
        """The file of a family of the agent's organisation."""
        organisation = _require_agent(principal)
        today = self._clock.now().date()
        with self._uow() as uow:
            family = access.visible_family(uow, principal, family_id)
            record = access.family_record(uow, family.id)
            children = [c for c in uow.families.children_of(family.id) if c.organisation_code == organisation]
            ids = {c.id for c in children}
            bookings = [b for b in uow.planning.pending_bookings(organisation) if b.child_id in ids]
            absences = [a for a in uow.planning.pending_absences(organisation) if a.child_id in ids]
            # the organisation's enrolments only: a child may be enrolled in another organisation too
            files = tuple(ChildFile(c, tuple(e for e in uow.planning.enrolments_of(c.id)
                                             if e.organisation_code == organisation),
                                    tuple(b for b in bookings if b.child_id == c.id),
                                    tuple(a for a in absences if a.child_id == c.id)) for c in children)
            query = RequestQuery(family_id=family.id, organisation_code=organisation)
            requests = tuple(uow.requests.find(query))
            # the family's account with this organisation (another one bills its own enrolments)
            issued = [i for i in uow.billing.issued_of_family(family.id) if i.organisation_code == organisation]
            payments = [p for p in uow.billing.payments_of_family(family.id) if p.organisation_code == organisation]
            account = position(issued, payments, today)
            login = uow.accounts.by_family(family.id)
        return FamilyFile(record, files, requests, account, tuple(reversed(issued)), tuple(reversed(payments)),
                          login.login if login else None, bool(login and login.password_hash is not None))

    def day(self, principal: Principal) -> AgentDay:
        """Today for the agent's organisation: requests waiting (records, and bookings or absences),
        today's headcounts, missing pointage of the last days, and last month's billing."""
        organisation = _require_agent(principal)
        today = self._clock.now().date()
        last_month = today.replace(day=1) - timedelta(1)
        month = f"{last_month.year:04d}-{last_month.month:02d}"
        with self._uow() as uow:
            pending = RequestQuery(organisation_code=organisation, status=RequestStatus.PENDING)
            requests = len(uow.requests.find(pending))
            planning = (len(uow.planning.pending_bookings(organisation))
                        + len(uow.planning.pending_absences(organisation)))
            run_id = run_id_of(organisation, month)
            run = uow.billing.run(run_id)
            totals = uow.billing.run_totals(run_id) if run is not None else RunTotals()
        headcounts = self._planning.headcounts(principal, today)
        first = today - timedelta(MISSING_DAYS)
        missing = self._planning.missing_attendance(principal, first, today - timedelta(1))
        return AgentDay(today, requests, planning, tuple(headcounts), tuple(missing), first,
                        BillingState(month, run, totals))
