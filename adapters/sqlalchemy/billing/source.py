"""`ServiceDaySource` over the planning tables: loads a month's rows, decides nothing.

Bookings held (a booking stays under a declared absence), absences with their status, the
planning history (the deadline an absence was judged against), the pointage and each child's paying
families with their shares. The kernel (`famille.kernel.billing.reading`) reads them into
service days, with the organisation's calendar for closures and holidays.
A run reads the month in batches of children (`batches`), each in its own short read, the next
batch read ahead in a thread while the run decides and writes the current one.
"""

from __future__ import annotations

import calendar as month_calendar
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from sqlalchemy import Engine, bindparam, distinct, func, select

from famille.adapters.sqlalchemy.planning import HELD
from famille.adapters.sqlalchemy.tables import (
    absences,
    attendance,
    bookings,
    child_families,
    children,
    enrolments,
    organisations,
    planning_events,
)
from famille.kernel.billing.days import (
    AbsenceRow,
    AttendanceRow,
    BilledChild,
    BookingRow,
    EventRow,
    MonthRows,
    PayerLink,
)
from famille.kernel.billing.model import parse_month


def _billed_by(organisation_code: str) -> Any:
    """The children an organisation bills: its own, and those of other organisations enrolled in one of its
    structures (each organisation bills its own rows of them)."""
    enrolled = select(enrolments.c.child_id).where(enrolments.c.organisation_code == organisation_code)
    return (children.c.organisation_code == organisation_code) | children.c.id.in_(enrolled)


class SqlServiceDays:
    """Loads a month of an organisation's planning in a handful of queries (per batch of children)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def batches(self, organisation_code: str, month: str, size: int) -> Iterator[MonthRows]:
        """The month's rows, about `size` children at a time (0: all at once), a family's children together."""
        year, number = parse_month(month)
        start, end = date(year, number, 1), date(year, number, month_calendar.monthrange(year, number)[1])
        with self._engine.connect() as c:
            if c.execute(select(organisations.c.code).where(organisations.c.code == organisation_code)).first() is None:
                return
            payers: dict[str, list[PayerLink]] = defaultdict(list)
            for r in c.execute(select(child_families.c.child_id, child_families.c.family_id,
                                      child_families.c.share_hundredths)
                               .join(children, children.c.id == child_families.c.child_id)
                               .where(_billed_by(organisation_code))
                               .order_by(child_families.c.child_id, child_families.c.position)):
                payers[r.child_id].append(PayerLink(r.family_id, r.share_hundredths))
        by_first: dict[str, list[str]] = defaultdict(list)
        for child_id, links in payers.items():
            by_first[links[0].family_id].append(child_id)
        chunks: list[list[str]] = [[]]
        for family_id in sorted(by_first):
            if size and len(chunks[-1]) >= size:
                chunks.append([])
            chunks[-1] += by_first[family_id]
        chunks = [chunk for chunk in chunks if chunk]
        # the next batch is read while the caller decides and writes this one: the database's work
        # and the run's overlap (the reading thread waits on the socket, not on the interpreter)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="billing-read") as pool:
            read = (lambda chunk: pool.submit(self._read, organisation_code, chunk, payers, start, end))  # noqa: E731
            pending = read(chunks[0]) if chunks else None
            for following in [*chunks[1:], None]:
                assert pending is not None
                loaded = pending.result()
                pending = read(following) if following is not None else None
                yield loaded

    def count(self, organisation_code: str, month: str) -> int:
        """The children `batches` yields: those the organisation bills with a paying family."""
        parse_month(month)
        with self._engine.connect() as c:
            return int(c.execute(select(func.count(distinct(child_families.c.child_id)))
                                 .join(children, children.c.id == child_families.c.child_id)
                                 .where(_billed_by(organisation_code))).scalar_one())

    def _read(self, organisation_code: str, child_ids: list[str], payers: dict[str, list[PayerLink]],
              start: date, end: date) -> MonthRows:
        """The rows of `child_ids`, in a short read transaction of its own."""
        wanted = bindparam("child_ids", expanding=True)
        with self._engine.connect() as c:
            # by child first: the (child_id, service_code, day) keys serve each batch; the organisation
            # is checked on each row (a child may be enrolled in several), after the index found them (a
            # filter on it would steer SQLite to scan the whole month)
            in_month: Any = lambda table: table.c.child_id.in_(wanted) & (  # noqa: E731
                table.c.day >= start) & (table.c.day <= end) & (
                func.coalesce(table.c.organisation_code, "") == organisation_code)
            ids = {"child_ids": child_ids}
            kids = tuple(
                BilledChild(r.id, f"{r.prenom} {r.nom}", r.date_naissance, tuple(payers[r.id]))
                for r in c.execute(select(children.c.id, children.c.nom, children.c.prenom, children.c.date_naissance)
                                   .where(children.c.id.in_(wanted)), ids))
            # rows straight into the kernel's named tuples, the columns in their order
            held = tuple(map(BookingRow._make, c.execute(
                select(bookings.c.child_id, bookings.c.service_code, bookings.c.day, bookings.c.in_time)
                .where(in_month(bookings), bookings.c.status.in_(HELD)), ids)))
            declared = tuple(AbsenceRow(*r[:5], bool(r[5]), r[6]) for r in c.execute(
                select(absences.c.child_id, absences.c.service_code, absences.c.day, absences.c.in_time,
                       absences.c.reason, absences.c.document, absences.c.status).where(in_month(absences)),
                ids))
            history = tuple(map(EventRow._make, c.execute(
                select(planning_events.c.child_id, planning_events.c.service_code, planning_events.c.day,
                       planning_events.c.kind, planning_events.c.in_time, planning_events.c.reason,
                       planning_events.c.deadline)
                .where(in_month(planning_events)).order_by(planning_events.c.happened_at), ids)))
            pointed = tuple(map(AttendanceRow._make, c.execute(
                select(attendance.c.child_id, attendance.c.service_code, attendance.c.day, attendance.c.status,
                       attendance.c.arrival, attendance.c.departure).where(in_month(attendance)), ids)))
        return MonthRows(organisation_code, start, end, kids, held, declared, history, pointed)
