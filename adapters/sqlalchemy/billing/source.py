"""`ServiceDaySource` over the planning tables (bookings, absences, attendance, closures, history).

A booking cancelled in time is deleted from `bookings`; its `reservation-annulee` event in
`planning_events` still tells billing that the day was booked, then cancelled in time.
Separated parents: each child link may carry the family's share (`share_hundredths`); when
a link has none, the child's families share equally (`ServiceDay.shares` empty).
A run reads the month in batches of children (`batches`), each in its own short read.
"""

from __future__ import annotations

import calendar as month_calendar
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, bindparam, select

from famille.adapters.sqlalchemy.tables import (
    absences,
    attendance,
    bookings,
    child_families,
    children,
    closures,
    organisations,
    planning_events,
)
from famille.kernel.billing.days import NO_REASON, AbsenceTiming, AttendanceMark, ServiceDay
from famille.kernel.billing.model import parse_month
from famille.kernel.calendar.model import SchoolYear
from famille.ports.calendar import CalendarDataUnavailable, HolidayCalendar

Cell = tuple[str, str, date]


class SqlServiceDays:
    """Reads a month of an organisation's planning in a handful of queries (per batch of children)."""

    def __init__(self, engine: Engine, calendar: HolidayCalendar | None = None) -> None:
        self._engine = engine
        self._calendar = calendar

    def service_days(self, organisation_code: str, month: str) -> Iterable[ServiceDay]:
        """The month's days of the organisation's children where something happened."""
        return [day for batch in self.batches(organisation_code, month, size=0) for day in batch]

    def batches(self, organisation_code: str, month: str, size: int) -> Iterator[list[ServiceDay]]:
        """The month's days, about `size` children at a time (0: all at once), a family's children together."""
        year, number = parse_month(month)
        start, end = date(year, number, 1), date(year, number, month_calendar.monthrange(year, number)[1])
        with self._engine.connect() as c:
            org = c.execute(select(organisations).where(organisations.c.code == organisation_code)).first()
            if org is None:
                return
            payers: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
            for r in c.execute(select(child_families.c.child_id, child_families.c.family_id,
                                      child_families.c.share_hundredths)
                               .join(children, children.c.id == child_families.c.child_id)
                               .where(children.c.organisation_code == organisation_code)
                               .order_by(child_families.c.child_id, child_families.c.position)):
                payers[r.child_id].append((r.family_id, r.share_hundredths))
        holidays = self._holidays(start, end, org.school_zone, org.alsace_moselle)
        by_first: dict[str, list[str]] = defaultdict(list)
        for child_id, links in payers.items():
            by_first[links[0][0]].append(child_id)
        chunk: list[str] = []
        for family_id in sorted(by_first):
            chunk += by_first[family_id]
            if size and len(chunk) >= size:
                yield self._read(organisation_code, chunk, payers, start, end, holidays)
                chunk = []
        if chunk:
            yield self._read(organisation_code, chunk, payers, start, end, holidays)

    def _read(self, organisation_code: str, child_ids: list[str], payers: dict[str, list[tuple[str, int | None]]],
              start: date, end: date, holidays: set[date]) -> list[ServiceDay]:
        """The days of `child_ids`, in a short read transaction of its own."""
        wanted = bindparam("child_ids", expanding=True)
        with self._engine.connect() as c:
            # by child first: the (child_id, service_code, day) keys serve each batch; the organisation
            # is implied by the children (a filter on it would steer SQLite to scan the whole month)
            in_month: Any = lambda table: table.c.child_id.in_(wanted) & (  # noqa: E731
                table.c.day >= start) & (table.c.day <= end)
            ids = {"child_ids": child_ids}
            kids = {r.id: r for r in c.execute(select(children.c.id, children.c.nom, children.c.prenom,
                                                       children.c.date_naissance)
                                                .where(children.c.id.in_(wanted)), ids)}
            booked: dict[Cell, bool] = {}  # cell -> booked late
            for r in c.execute(select(bookings.c.child_id, bookings.c.service_code, bookings.c.day,
                                      bookings.c.in_time).where(in_month(bookings),
                                                                bookings.c.status.in_(["pending", "accepted"])), ids):
                booked[(r.child_id, r.service_code, r.day)] = not r.in_time
            absent: dict[Cell, tuple[AbsenceTiming, str, bool]] = {}
            for r in c.execute(select(absences.c.child_id, absences.c.service_code, absences.c.day,
                                      absences.c.in_time, absences.c.reason, absences.c.document)
                               .where(in_month(absences)), ids):
                timing = AbsenceTiming.IN_TIME if r.in_time else AbsenceTiming.LATE
                absent[(r.child_id, r.service_code, r.day)] = (timing, r.reason, bool(r.document))
            deadlines: dict[Cell, datetime] = {}
            for r in c.execute(select(planning_events.c.child_id, planning_events.c.service_code,
                                      planning_events.c.day, planning_events.c.kind, planning_events.c.deadline,
                                      planning_events.c.in_time, planning_events.c.reason)
                               .where(in_month(planning_events)).order_by(planning_events.c.happened_at), ids):
                cell = (r.child_id, r.service_code, r.day)
                if r.kind == "absence-declaree" and r.deadline is not None:
                    deadlines[cell] = r.deadline
                if r.kind == "reservation-annulee" and cell not in booked and cell not in absent:
                    absent[cell] = (AbsenceTiming.IN_TIME if r.in_time else AbsenceTiming.LATE,
                                    r.reason or NO_REASON, False)
                    booked[cell] = False
            marks: dict[Cell, AttendanceMark] = {}
            for r in c.execute(select(attendance.c.child_id, attendance.c.service_code, attendance.c.day,
                                      attendance.c.status, attendance.c.arrival, attendance.c.departure)
                               .where(in_month(attendance)), ids):
                marks[(r.child_id, r.service_code, r.day)] = _mark(r.status, r.arrival, r.departure)
            closed: dict[date, set[str | None]] = defaultdict(set)
            for r in c.execute(select(closures.c.day, closures.c.service_code).where(
                    (closures.c.organisation_code == organisation_code) & (closures.c.day >= start)
                    & (closures.c.day <= end))):
                closed[r.day].add(r.service_code)
        out = []
        for cell in sorted({*booked, *absent, *marks}):
            child_id, service_code, day = cell
            kid = kids.get(child_id)
            links = payers.get(child_id)
            if kid is None or not links:
                continue
            timing, reason, document = absent.get(cell, (AbsenceTiming.NONE, NO_REASON, False))
            out.append(ServiceDay(
                child_id=child_id, child_name=f"{kid.prenom} {kid.nom}", child_born=kid.date_naissance,
                family_ids=tuple(f for f, _ in links), organisation_code=organisation_code, service_code=service_code,
                day=day, booked=cell in booked or cell in absent, booked_late=booked.get(cell, False),
                attendance=marks.get(cell, AttendanceMark.NONE), absence=timing, reason=reason or NO_REASON,
                document=document, closure=bool(closed.get(day, set()) & {None, service_code}),
                holiday=day in holidays, deadline=deadlines.get(cell), shares=_shares(links)))
        return out

    def _holidays(self, start: date, end: date, zone: str, alsace_moselle: bool) -> set[date]:
        if self._calendar is None:
            return set()
        days: set[date] = set()
        try:
            days |= {d for d in self._calendar.public_holidays(start.year, alsace_moselle=alsace_moselle)
                     if start <= d <= end}
            for period in self._calendar.school_holidays(SchoolYear.containing(start).start.year, zone):
                day = max(period.start, start)
                while day <= min(period.end, end):
                    days.add(day)
                    day = date.fromordinal(day.toordinal() + 1)
        except CalendarDataUnavailable:
            pass
        return days


def _mark(status: str, arrival: str | None, departure: str | None) -> AttendanceMark:
    if status == "present":
        if (arrival is None) != (departure is None):
            return AttendanceMark.MISSING
        return AttendanceMark.PRESENT
    if status == "absent":
        return AttendanceMark.ABSENT
    return AttendanceMark.NONE


def _shares(links: list[tuple[str, int | None]]) -> tuple[Decimal, ...]:
    """The recorded percentages, when every link has one; else () (an equal split)."""
    if any(hundredths is None for _, hundredths in links):
        return ()
    return tuple(Decimal(hundredths or 0) / 100 for _, hundredths in links)
