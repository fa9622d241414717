"""Billing on SQLite and PostgreSQL: the planning read as service days, runs, numbers, payments."""

from __future__ import annotations

import threading
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from psycopg import Error as PsycopgError
from sqlalchemy.exc import DBAPIError

from famille.adapters.sqlalchemy.billing.source import SqlServiceDays
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import Principal, Role
from famille.kernel.billing.days import AbsenceTiming, AttendanceMark
from famille.kernel.billing.model import Billed, BillingRun, InvoiceLine, RunStatus
from famille.kernel.billing.reading import service_days
from famille.kernel.billing.service import Billing
from famille.kernel.calendar.loading import NoHolidays, build_calendar
from famille.kernel.calendar.model import OrganisationCalendar, SchoolYear
from famille.kernel.planning.inputs import (
    AbsenceState,
    AbsenceStatus,
    Attendance,
    AttendanceStatus,
    BookingState,
    BookingStatus,
)
from famille.kernel.planning.records import (
    AbsenceRecord,
    AttendanceRecord,
    BookingRecord,
    EventKind,
    PlanningEvent,
)
from famille.kernel.shared.time import PARIS
from tests.fakes.clock import FakeClock
from tests.fakes.rules import ShippedRules
from tests.support.samples import child, family, new_id, organisation

AT = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)
ORG = "saint-martin"


def _booking(child_id: str, service: str, day: date, *, in_time: bool = True) -> BookingRecord:
    state = BookingState(BookingStatus.ACCEPTED, "acc", AT, in_time=in_time)
    return BookingRecord(new_id(), ORG, child_id, service, day, state)


def _attendance(child_id: str, service: str, day: date, arrival: time | None = None,
                departure: time | None = None, status: AttendanceStatus = AttendanceStatus.PRESENT) -> AttendanceRecord:
    return AttendanceRecord(child_id, service, day, ORG, Attendance(status, arrival, departure), "agent", AT)


def seed(uow_factory: SqlUnitOfWorkFactory) -> tuple[str, str, str]:
    """Two separated parents sharing Léa; December: meals, a late absence, a cancellation, a missing check-out."""
    mother, father = family(ORG, number="F1"), family(ORG, number="F2", conjoint=False)
    lea = child((mother.id, father.id))
    with uow_factory() as uow:
        uow.organisations.add(organisation(ORG))
        uow.families.add(mother)
        uow.families.add(father)
        uow.families.add_child(lea)
        days = [date(2026, 12, d) for d in (1, 3, 4, 7)]
        uow.planning.add_bookings([_booking(lea.id, "RESTAURATION", d) for d in days]
                                  + [_booking(lea.id, "GARDERIE SOIR", date(2026, 12, 1), in_time=False)], "batch")
        for d in days[:2]:
            uow.planning.set_attendance(_attendance(lea.id, "RESTAURATION", d))
        uow.planning.set_attendance(_attendance(lea.id, "GARDERIE SOIR", date(2026, 12, 1), time(16, 30)))
        uow.planning.add_absences([AbsenceRecord(new_id(), ORG, lea.id, "RESTAURATION", date(2026, 12, 4),
                                                 AbsenceState(AbsenceStatus.ACCEPTED, "AUTRES", in_time=False,
                                                              declared_by="acc", declared_at=AT))])
        # cancelled in time: the booking stays under its accepted absence
        uow.planning.add_bookings([_booking(lea.id, "RESTAURATION", date(2026, 12, 8))], "batch-2")
        uow.planning.add_absences([AbsenceRecord(new_id(), ORG, lea.id, "RESTAURATION", date(2026, 12, 8),
                                                 AbsenceState(AbsenceStatus.ACCEPTED, "AUTRES", in_time=True,
                                                              declared_by="acc", declared_at=AT))])
        uow.planning.add_events([PlanningEvent(new_id(), ORG, lea.id, "RESTAURATION", date(2026, 12, 8),
                                               EventKind.ABSENCE_DECLARED, AT, "acc", False, True, "AUTRES")])
        uow.commit()
    return mother.id, father.id, lea.id


def test_the_planning_tables_load_as_rows_the_kernel_reads_as_service_days(uow_factory: SqlUnitOfWorkFactory) -> None:
    mother, father, _ = seed(uow_factory)
    (rows,) = SqlServiceDays(uow_factory.engine).batches(ORG, "2026-12", 0)
    with uow_factory() as uow:
        found = uow.organisations.get(ORG)
    assert found is not None

    def calendar_of(day: date) -> OrganisationCalendar:
        return build_calendar(NoHolidays(), found, [], [], SchoolYear.containing(day))

    days = {(d.service_code, d.day.day): d for d in service_days(rows, calendar_of)}
    assert set(days) == {("RESTAURATION", n) for n in (1, 3, 4, 7, 8)} | {("GARDERIE SOIR", 1)}
    assert days[("RESTAURATION", 1)].attendance is AttendanceMark.PRESENT
    assert days[("RESTAURATION", 1)].family_ids == (mother, father)
    assert days[("RESTAURATION", 4)].absence is AbsenceTiming.LATE and days[("RESTAURATION", 4)].reason == "AUTRES"
    assert days[("RESTAURATION", 8)].booked and days[("RESTAURATION", 8)].absence is AbsenceTiming.IN_TIME
    assert not days[("RESTAURATION", 8)].pending and not days[("RESTAURATION", 8)].refused
    assert days[("RESTAURATION", 7)].attendance is AttendanceMark.NONE
    assert days[("GARDERIE SOIR", 1)].attendance is AttendanceMark.MISSING
    assert days[("GARDERIE SOIR", 1)].booked_late


def _billing(uow_factory: SqlUnitOfWorkFactory) -> Billing:
    clock = FakeClock(datetime(2027, 1, 4, 9, 0, tzinfo=PARIS))
    return Billing(uow_factory, clock, ShippedRules(), SqlServiceDays(uow_factory.engine))


def test_a_run_splits_a_shared_child_between_its_two_families_and_is_stored_exactly(
        uow_factory: SqlUnitOfWorkFactory) -> None:
    mother, father, _ = seed(uow_factory)
    billing = _billing(uow_factory)
    draft = billing.run(ORG, "2026-12", by="agent")
    again = billing.run(ORG, "2026-12", by="agent")
    assert again.invoices == draft.invoices
    agent = Principal("agent", "agent", Role.AGENT, ORG, None, "s")
    stored = billing.review(agent, draft.run.id)
    assert stored.invoices == draft.invoices
    totals = {i.family_id: i.total for i in stored.invoices}
    # meals of the 1st, 3rd (present), 4th (late, AUTRES) at 4.50 split 2.25/2.25; the 7th has no pointage: flagged
    assert totals == {mother: Decimal("6.75"), father: Decimal("6.75")}
    final = billing.finalise(agent, draft.run.id, accept_flagged=True)
    assert sorted(i.number for i in final.invoices) == ["2027-000001", "2027-000002"]
    mother_invoice = next(i for i in final.invoices if i.family_id == mother)
    payer = Principal("acc", "m", Role.FAMILY, ORG, mother, "s")
    billing.record_payment(agent, mother, "6.75", "carte", date(2027, 1, 5))
    assert billing.account(mother, date(2027, 1, 5)).balance == Decimal("0.00")
    assert billing.account(father, date(2027, 1, 5)).unpaid[0].remaining == Decimal("6.75")
    assert [e.kind for e in billing.statement(payer, date(2027, 1, 1), date(2027, 1, 31)).entries] == [
        "facture", "paiement"]
    note = billing.credit_note(agent, mother_invoice.id, "Geste commercial", amount="1.00")
    assert note.number == "AV2027-000001"
    assert billing.account(mother, date(2027, 1, 5)).balance == Decimal("-1.00")


def test_concurrent_finalisations_number_invoices_without_gap_nor_duplicate(
        uow_factory: SqlUnitOfWorkFactory) -> None:
    """Eight months finalised at once by eight threads, each month with two families' invoices."""
    _, _, lea = seed(uow_factory)
    months = [f"2026-{m:02d}" for m in range(1, 9)]
    with uow_factory() as uow:
        uow.planning.add_bookings([_booking(lea, "RESTAURATION", date(2026, m, 2)) for m in range(1, 9)], "b2")
        for m in range(1, 9):
            uow.planning.set_attendance(_attendance(lea, "RESTAURATION", date(2026, m, 2)))
        uow.commit()
    billing = _billing(uow_factory)
    runs = [billing.run(ORG, month, by="agent").run.id for month in months]
    agent = Principal("agent", "agent", Role.AGENT, ORG, None, "s")
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(runs))

    def finalise(run_id: str) -> None:
        barrier.wait()
        try:
            billing.finalise(agent, run_id, accept_flagged=True)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=finalise, args=(run_id,)) for run_id in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = [i.number for run_id in runs for i in billing.review(agent, run_id).invoices if i.number]
    assert sorted(numbers) == [f"2027-{n:06d}" for n in range(1, 2 * len(runs) + 1)]


def test_lines_written_in_the_background_fail_the_commit_when_the_database_refuses_them(
        uow_factory: SqlUnitOfWorkFactory) -> None:
    seed(uow_factory)
    run = BillingRun(new_id(), ORG, "2026-12", RunStatus.DRAFT, AT, "agent", "v1")
    line = InvoiceLine("c", "Léa", "RESTAURATION", date(2026, 12, 1), "jour-reserve-present", "", "Réservé",
                       Billed.FULL, Decimal("4.50"), Decimal("4.50"))
    with pytest.raises((DBAPIError, PsycopgError)), uow_factory() as uow:
        uow.billing.begin_draft(run)
        uow.billing.add_draft_lines([(new_id(), 0, line)])  # no such invoice: the foreign key refuses it
        uow.commit()
    with uow_factory() as uow:
        assert uow.billing.run(run.id) is None  # nothing of the run was kept
