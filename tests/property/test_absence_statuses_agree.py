"""A declared absence reads the same on the planning grid and on the invoice line, for random days.

The grid's cell (`cell_status` on the absence as `Excuses.judged` reads it) and billing's line
(`service_days` then `DayPricer`, on the rows the planning tables hold) are both compared with an
oracle written here by hand from the guide and the shipped `absence_reasons.yaml`: pending →
« Absence en cours de traitement »; refused by an agent → « Absent facturé »; accepted → « Absent
excusé » when declared in time, or late for a reason that excuses late with its document when
one is asked, else « Absent facturé ».
"""

from __future__ import annotations

from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from famille.kernel.billing.days import (
    AbsenceRow,
    AttendanceRow,
    BilledChild,
    BookingRow,
    MonthRows,
    PayerLink,
)
from famille.kernel.billing.reading import service_days
from famille.kernel.billing.run import DayPricer
from famille.kernel.calendar.model import OrganisationCalendar, SchoolYear
from famille.kernel.planning.cells import cell_status
from famille.kernel.planning.excuses import Excuses
from famille.kernel.planning.inputs import (
    AbsenceState,
    AbsenceStatus,
    Attendance,
    AttendanceStatus,
    BookingState,
    BookingStatus,
    Enrolment,
)
from famille.kernel.planning.records import AbsenceRecord
from tests.fakes.rules import ShippedRules

ORG, CHILD, SERVICE = "org-a", "lea", "RESTAURATION"
MONTH = [date(2026, 12, n) for n in (1, 3, 4, 7, 8, 10, 11, 14, 15, 17, 18)]  # the open days before Christmas
CALENDAR = OrganisationCalendar(school_year=SchoolYear.containing(MONTH[0]), opening_weekdays={SERVICE: (0, 1, 3, 4)})
RULES = ShippedRules()

# The oracle's reading of rules/absence_reasons.yaml, by hand: reasons that excuse a late absence,
# and those of them that ask for a document.
LATE_EXCUSED = {"RAISON MEDICALE": True, "VOYAGE OU SORTIE SCOLAIRE": False, "ABSENCE DE L'ENSEIGNANT": False,
                "GREVE DU PERSONNEL OU DES ENSEIGNANTS": False, "ACCIDENT DE LA CIRCULATION": True,
                "CAS DE FORCE MAJEURE": True, "CIRCONSTANCES EXCEPTIONNELLES": True, "CONGE PARENTAL": True}
#: Reasons that are a congé parental: excused, the grid and the invoice line say « Congé parental ».
PARENTAL_LEAVE = ("CONGE PARENTAL",)
NOT_EXCUSING_LATE = ("PARTICIPATION A UNE SEQUENCE DE SOUTIEN", "AUTRES")
REASONS = sorted(LATE_EXCUSED) + list(NOT_EXCUSING_LATE)
STORED = {AbsenceStatus.PENDING: "pending", AbsenceStatus.ACCEPTED: "accepted", AbsenceStatus.REFUSED: "refused"}


def expected_words(status: AbsenceStatus, in_time: bool, reason: str, document: bool) -> str:
    """The guide's words for a declared absence, worked out by hand."""
    if status is AbsenceStatus.PENDING:
        return "Absence en cours de traitement"
    if status is AbsenceStatus.REFUSED:
        return "Absent facturé"
    excused = "Congé parental" if reason in PARENTAL_LEAVE else "Absent excusé"
    if in_time:
        return excused
    if reason in LATE_EXCUSED and (document or not LATE_EXCUSED[reason]):
        return excused
    return "Absent facturé"


def grid_words(day: date, status: AbsenceStatus, in_time: bool, reason: str, document: bool,
               pointed_absent: bool) -> str:
    record = AbsenceRecord("a-1", ORG, CHILD, SERVICE, day, AbsenceState(status, reason, in_time=in_time),
                           document="certificat.pdf" if document else None)
    cell = cell_status(
        day, SERVICE, calendar=CALENDAR, enrolment=Enrolment(CHILD, SERVICE, date(2026, 9, 1)),
        booking=BookingState(BookingStatus.ACCEPTED), absence=Excuses(RULES, ORG).judged(record),
        attendance=Attendance(AttendanceStatus.ABSENT if pointed_absent else AttendanceStatus.NONE),
        today=date(2027, 1, 4))
    return cell.label


def invoice_words(day: date, status: AbsenceStatus, in_time: bool, reason: str, document: bool,
                  pointed_absent: bool) -> str:
    rows = MonthRows(
        ORG, date(2026, 12, 1), date(2026, 12, 31),
        children=(BilledChild(CHILD, "Léa DUPONT", date(2018, 3, 1), (PayerLink("fam-dupont"),)),),
        bookings=(BookingRow(CHILD, SERVICE, day, True),),
        absences=(AbsenceRow(CHILD, SERVICE, day, in_time, reason, document, STORED[status]),),
        attendance=(AttendanceRow(CHILD, SERVICE, day, "absent"),) if pointed_absent else ())
    (read,) = service_days(rows, lambda _: CALENDAR)
    ((_, line),) = DayPricer(RULES, ORG, {}).lines(read, 1)
    return line.status


@given(st.sampled_from(MONTH), st.sampled_from([AbsenceStatus.PENDING, AbsenceStatus.ACCEPTED,
                                                AbsenceStatus.REFUSED]),
       st.booleans(), st.sampled_from(REASONS), st.booleans(), st.booleans())
@example(date(2026, 12, 7), AbsenceStatus.ACCEPTED, False, "RAISON MEDICALE", False, False)  # no certificate
@example(date(2026, 12, 7), AbsenceStatus.REFUSED, True, "AUTRES", False, False)  # in time, yet refused
@example(date(2026, 12, 7), AbsenceStatus.PENDING, True, "RAISON MEDICALE", True, True)
def test_the_grid_and_the_invoice_line_say_the_same_words_for_a_declared_absence(
    day: date, status: AbsenceStatus, in_time: bool, reason: str, document: bool, pointed_absent: bool
) -> None:
    expected = expected_words(status, in_time, reason, document)
    assert grid_words(day, status, in_time, reason, document, pointed_absent) == expected
    assert invoice_words(day, status, in_time, reason, document, pointed_absent) == expected


def test_the_oracle_knows_every_reason_the_shipped_file_declares() -> None:
    assert set(REASONS) == set(RULES.input_values("absence_reasons", "reason", organisation=ORG))
