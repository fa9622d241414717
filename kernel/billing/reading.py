"""Billing's reading of a day: planning rows → one `ServiceDay` per child, service and day.

What a day is for billing is decided here, once, from what the planning tables hold
(`MonthRows`, loaded by the `ServiceDaySource` port without judgement) and the
organisation's calendar:
- booked: a booking held, or one cancelled afterwards (in time: the history's
  `reservation-annulee` event remembers it, since the booking row is deleted);
- booked late: the booking was made after its deadline;
- the absence declared: in time or late, its reason and whether a document was given;
  the deadline it was judged against (from the history);
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
from famille.kernel.planning.records import EventKind

#: The history events billing reads (as stored: the kinds' values).
ABSENCE_DECLARED = EventKind.ABSENCE_DECLARED.value
BOOKING_CANCELLED = EventKind.BOOKING_CANCELLED.value

Key = tuple[str, str, date]


def attendance_mark(status: str, arrival: str | None, departure: str | None) -> AttendanceMark:
    """The pointage as billing sees it: present with one time missing is MISSING (to check, never guessed)."""
    if status == "present":
        return AttendanceMark.MISSING if (arrival is None) != (departure is None) else AttendanceMark.PRESENT
    if status == "absent":
        return AttendanceMark.ABSENT
    return AttendanceMark.NONE


def recorded_shares(payers: tuple[PayerLink, ...]) -> tuple[Decimal, ...]:
    """The recorded percentages when every payer has one; else () (an equal split)."""
    if any(p.share_hundredths is None for p in payers):
        return ()
    return tuple(Decimal(p.share_hundredths or 0) / 100 for p in payers)


def service_days(rows: MonthRows, calendar_of: Callable[[date], OrganisationCalendar]) -> list[ServiceDay]:
    """The days of `rows` where something happened, each read once; `calendar_of(day)` the organisation's
    calendar of the day's school year."""
    booked: dict[Key, bool] = {}  # key -> booked late
    for b in rows.bookings:
        booked[(b.child_id, b.service_code, b.day)] = not b.in_time
    absent: dict[Key, tuple[AbsenceTiming, str, bool]] = {}
    for a in rows.absences:
        absent[(a.child_id, a.service_code, a.day)] = (
            AbsenceTiming.IN_TIME if a.in_time else AbsenceTiming.LATE, a.reason or NO_REASON, a.document)
    deadlines: dict[Key, datetime] = {}
    for e in rows.events:
        key = (e.child_id, e.service_code, e.day)
        if e.kind == ABSENCE_DECLARED and e.deadline is not None:
            deadlines[key] = e.deadline
        if e.kind == BOOKING_CANCELLED and key not in booked and key not in absent:
            # the booking row is gone: the day was booked, then cancelled (in time, or late by an agent)
            absent[key] = (AbsenceTiming.IN_TIME if e.in_time else AbsenceTiming.LATE, e.reason or NO_REASON, False)
            booked[key] = False
    marks: dict[Key, AttendanceMark] = {
        (m.child_id, m.service_code, m.day): attendance_mark(m.status, m.arrival, m.departure)
        for m in rows.attendance}
    children = {c.child_id: c for c in rows.children}
    out = []
    for key in sorted({*booked, *absent, *marks}):
        child_id, service_code, day = key
        child = children.get(child_id)
        if child is None or not child.payers or not rows.first <= day <= rows.last:
            continue
        calendar = calendar_of(day)
        timing, reason, document = absent.get(key, (AbsenceTiming.NONE, NO_REASON, False))
        out.append(ServiceDay(
            child_id=child_id, child_name=child.name, child_born=child.born,
            family_ids=tuple(p.family_id for p in child.payers), organisation_code=rows.organisation_code,
            service_code=service_code, day=day, booked=key in booked or key in absent,
            booked_late=booked.get(key, False), attendance=marks.get(key, AttendanceMark.NONE), absence=timing,
            reason=reason, document=document, closure=calendar.closure(day, service_code) is not None,
            holiday=day in calendar.public_holidays or calendar.holiday_period(day) is not None,
            deadline=deadlines.get(key), shares=recorded_shares(child.payers)))
    return out
