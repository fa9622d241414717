"""Billing's reading of a day, in the kernel: planning rows and the calendar → service days."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from famille.kernel.billing.days import (
    AbsenceRow,
    AbsenceTiming,
    AttendanceMark,
    AttendanceRow,
    BilledChild,
    BookingRow,
    EventRow,
    MonthRows,
    PayerLink,
    ServiceDay,
)
from famille.kernel.billing.reading import service_days
from famille.kernel.calendar.model import (
    Closure,
    HolidayKind,
    HolidayPeriod,
    OrganisationCalendar,
    SchoolYear,
)
from famille.kernel.shared.time import PARIS

YEAR = SchoolYear.containing(date(2026, 12, 1))
CALENDAR = OrganisationCalendar(
    school_year=YEAR, opening_weekdays={"RESTAURATION": (0, 1, 3, 4), "GARDERIE SOIR": (0, 1, 3, 4)},
    public_holidays={date(2026, 12, 25): "Noël"},
    school_holidays=(HolidayPeriod(date(2026, 12, 19), date(2027, 1, 3), "Vacances de Noël", HolidayKind.PETITES),),
    closures=(Closure(date(2026, 12, 3), None, "Grève"), Closure(date(2026, 12, 4), "GARDERIE SOIR", "Travaux")),
)
LEA = BilledChild("lea", "Léa DUPONT", date(2018, 3, 1), (PayerLink("mother", 6000), PayerLink("father", 4000)))
TOM = BilledChild("tom", "Tom MARTIN", date(2019, 1, 1), (PayerLink("martin"),))
ORPHAN = BilledChild("nobody", "Sans FAMILLE", date(2019, 1, 1), ())
DEADLINE = datetime(2026, 12, 4, 23, 59, tzinfo=PARIS)


def _read(**rows: Any) -> dict[tuple[str, str, int], ServiceDay]:
    month = MonthRows("org", date(2026, 12, 1), date(2026, 12, 31), (LEA, TOM, ORPHAN), **rows)
    return {(d.child_id, d.service_code, d.day.day): d for d in service_days(month, lambda day: CALENDAR)}


def test_an_absence_is_read_from_the_absences_with_its_status_never_from_the_history_alone() -> None:
    days = _read(bookings=(BookingRow("lea", "RESTAURATION", date(2026, 12, 7), True),),
                 absences=(AbsenceRow("lea", "RESTAURATION", date(2026, 12, 7), True, "AUTRES", False, "pending"),
                           AbsenceRow("lea", "RESTAURATION", date(2026, 12, 9), True, "AUTRES", False, "refused"),
                           AbsenceRow("lea", "RESTAURATION", date(2026, 12, 10), True, "AUTRES", False, "accepted")),
                 events=(EventRow("lea", "RESTAURATION", date(2026, 12, 8), "reservation-annulee", True, "AUTRES", None),))
    pending, refused, accepted = (days[("lea", "RESTAURATION", n)] for n in (7, 9, 10))
    assert pending.booked and pending.absence is AbsenceTiming.IN_TIME and pending.pending and not pending.refused
    assert refused.booked and refused.refused and not refused.pending
    assert accepted.booked and not accepted.pending and not accepted.refused and accepted.reason == "AUTRES"
    assert ("lea", "RESTAURATION", 8) not in days  # an event without its absence row: nothing (migration 0011)


def test_a_late_absence_keeps_its_reason_document_and_the_deadline_it_was_judged_against() -> None:
    days = _read(bookings=(BookingRow("lea", "RESTAURATION", date(2026, 12, 8), True),),
                 absences=(AbsenceRow("lea", "RESTAURATION", date(2026, 12, 8), False, "RAISON MEDICALE", True, "accepted"),),
                 events=(EventRow("lea", "RESTAURATION", date(2026, 12, 8), "absence-declaree", False,
                                  "RAISON MEDICALE", DEADLINE),))
    day = days[("lea", "RESTAURATION", 8)]
    assert (day.booked, day.absence, day.reason, day.document, day.deadline) == (
        True, AbsenceTiming.LATE, "RAISON MEDICALE", True, DEADLINE)


def test_the_pointage_reads_present_absent_or_a_missing_time_never_guessed() -> None:
    days = _read(attendance=(AttendanceRow("tom", "GARDERIE SOIR", date(2026, 12, 1), "present", "16:30", None),
                             AttendanceRow("tom", "GARDERIE SOIR", date(2026, 12, 8), "present", "16:30", "18:00"),
                             AttendanceRow("tom", "RESTAURATION", date(2026, 12, 8), "absent", None, None)),
                 bookings=(BookingRow("tom", "RESTAURATION", date(2026, 12, 8), False),))
    assert days[("tom", "GARDERIE SOIR", 1)].attendance is AttendanceMark.MISSING
    assert days[("tom", "GARDERIE SOIR", 8)].attendance is AttendanceMark.PRESENT
    assert not days[("tom", "GARDERIE SOIR", 8)].booked
    meal = days[("tom", "RESTAURATION", 8)]
    assert meal.attendance is AttendanceMark.ABSENT and meal.booked_late


def test_closures_and_holidays_come_from_the_organisations_calendar() -> None:
    days = _read(bookings=tuple(BookingRow("lea", service, date(2026, 12, n), True)
                                for service in ("RESTAURATION", "GARDERIE SOIR") for n in (3, 4, 7, 21, 25)))
    closed = {key for key, day in days.items() if day.closure}
    off = {key for key, day in days.items() if day.holiday}
    assert closed == {("lea", "RESTAURATION", 3), ("lea", "GARDERIE SOIR", 3), ("lea", "GARDERIE SOIR", 4)}
    assert off == {("lea", s, n) for s in ("RESTAURATION", "GARDERIE SOIR") for n in (21, 25)}


def test_payers_and_their_recorded_shares_follow_the_child_and_a_child_without_payer_is_not_billed() -> None:
    days = _read(bookings=(BookingRow("lea", "RESTAURATION", date(2026, 12, 7), True),
                           BookingRow("tom", "RESTAURATION", date(2026, 12, 7), True),
                           BookingRow("nobody", "RESTAURATION", date(2026, 12, 7), True)))
    assert days[("lea", "RESTAURATION", 7)].family_ids == ("mother", "father")
    assert days[("lea", "RESTAURATION", 7)].shares == (Decimal(60), Decimal(40))
    assert days[("tom", "RESTAURATION", 7)].shares == ()
    assert ("nobody", "RESTAURATION", 7) not in days
