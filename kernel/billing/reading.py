"""Billing's reading of a day: planning rows → one `ServiceDay` per child, service and day.

What a day is for billing is decided here, once, from what the planning tables hold
(`MonthRows`, loaded by the `ServiceDaySource` port without judgement) and the
organisation's calendar:
- booked: a booking held (it stays under a declared absence), or an absence declared;
- booked late: the booking was made after its deadline;
- the absence declared: in time or late, its reason, whether a document was given, whether it
  waits for an agent or was refused; the deadline it was judged against (from the history);
- the pointage: present, absent, or present with an arrival or a departure missing;
- a closure of the service (or of every service), a public holiday or school holidays:
  from the calendar (`CalendarUnavailable` when its holiday data are missing, never
  « no holidays »).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from famille.kernel.billing.days import (
    NO_REASON,
    AbsenceTiming,
    AttendanceMark,
    MonthRows,
    PayerLink,
    ServiceDay,
)
from famille.kernel.calendar.model import OrganisationCalendar
from famille.kernel.planning.inputs import AbsenceStatus, AttendanceStatus
from famille.kernel.planning.records import EventKind

#: The history events billing reads (as stored: the kinds' values).
ABSENCE_DECLARED = EventKind.ABSENCE_DECLARED.value
#: An absence's status as stored (its code): waiting for an agent, or refused by one.
PENDING, REFUSED = AbsenceStatus.PENDING.code, AbsenceStatus.REFUSED.code
#: A pointage as stored (its code).
PRESENT, ABSENT = AttendanceStatus.PRESENT.code, AttendanceStatus.ABSENT.code

Key = tuple[str, str, date]


def attendance_mark(status: str, arrival: str | None, departure: str | None) -> AttendanceMark:
    """The pointage as billing sees it: present with one time missing is MISSING (to check, never guessed)."""
    if status == PRESENT:
        return AttendanceMark.MISSING if (arrival is None) != (departure is None) else AttendanceMark.PRESENT
    if status == ABSENT:
        return AttendanceMark.ABSENT
    return AttendanceMark.NONE


def recorded_shares(payers: tuple[PayerLink, ...]) -> tuple[Decimal, ...]:
    """The recorded percentages when every payer has one; else () (an equal split)."""
    if any(p.share_hundredths is None for p in payers):
        return ()
    return tuple(Decimal(p.share_hundredths or 0) / 100 for p in payers)


def service_days(rows: MonthRows, calendar_of: Callable[[date], OrganisationCalendar]) -> list[ServiceDay]:
    """The days of `rows` where something happened, each read once (in no particular order);
    `calendar_of(day)` the organisation's calendar of the day's school year."""
    # rows begin with (child_id, service_code, day): `row[:3]` is the cell's key
    booked: dict[Key, bool] = {b[:3]: not b.in_time for b in rows.bookings}  # key -> booked late
    # key -> (timing, reason, document, pending, refused)
    absent: dict[Key, tuple[AbsenceTiming, str, bool, bool, bool]] = {
        a[:3]: (AbsenceTiming.IN_TIME if a.in_time else AbsenceTiming.LATE, a.reason or NO_REASON, a.document,
                a.status == PENDING, a.status == REFUSED)
        for a in rows.absences}
    deadlines: dict[Key, datetime] = {
        e[:3]: e.deadline for e in rows.events if e.kind == ABSENCE_DECLARED and e.deadline is not None}
    pointed = {m[:3]: m[3:] for m in rows.attendance}  # key -> (status, arrival, departure)
    mark_of: dict[tuple[str, str | None, str | None], AttendanceMark] = {}
    payers = {c.child_id: (c, tuple(p.family_id for p in c.payers), recorded_shares(c.payers))
              for c in rows.children if c.payers}
    # closed or on holiday: the same for every child, asked of the calendar once per service and day
    closed: dict[tuple[str, date], tuple[bool, bool]] = {}
    not_absent = (AbsenceTiming.NONE, NO_REASON, False, False, False)
    first, last = rows.first, rows.last
    out = []
    for key in {**booked, **absent, **pointed}:  # each cell once; invoices sort their lines themselves
        child_id, service_code, day = key
        found = payers.get(child_id)
        if found is None or not first <= day <= last:
            continue
        child, family_ids, shares = found
        flags = closed.get((service_code, day))
        if flags is None:
            calendar = calendar_of(day)
            flags = closed[(service_code, day)] = (
                calendar.closure(day, service_code) is not None,
                day in calendar.public_holidays or calendar.holiday_period(day) is not None)
        timing, reason, document, pending, refused = absent.get(key, not_absent)
        attendance = AttendanceMark.NONE
        recorded = pointed.get(key)
        if recorded is not None:
            attendance = mark_of.get(recorded) or mark_of.setdefault(recorded, attendance_mark(*recorded))
        out.append(ServiceDay(
            child_id=child_id, child_name=child.name, child_born=child.born, family_ids=family_ids,
            organisation_code=rows.organisation_code, service_code=service_code, day=day,
            booked=key in booked or key in absent, booked_late=booked.get(key, False),
            attendance=attendance, absence=timing, reason=reason, document=document, pending=pending,
            refused=refused, closure=flags[0], holiday=flags[1], deadline=deadlines.get(key), shares=shares))
    return out
