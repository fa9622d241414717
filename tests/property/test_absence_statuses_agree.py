"""A day gone by reads the same on the planning grid and on the invoice line, for random days.

The grid's cell (`cell_status` on the absence as `Excuses.judged` reads it) and billing's line
(`service_days` then `DayPricer`, on the rows the planning tables hold) are both compared with an
oracle written here by hand from the guide and the shipped `absence_reasons.yaml`: pending →
« Absence en cours de traitement »; refused by an agent → « Absent facturé »; accepted → « Absent
excusé » when declared in time, or late for a reason that excuses late with its document when
one is asked, else « Absent facturé ». With no absence declared: pointed absent → « Absent facturé »
(only a cancellation spares the bill, as the guide says); nothing pointed → « Absence à vérifier » (an
agent checks whether the child came: billing never guesses).
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
from famille.kernel.billing.model import Billed, InvoiceLine
from famille.kernel.billing.reading import service_days
from famille.kernel.billing.run import DayPricer
from famille.kernel.calendar.model import OrganisationCalendar, SchoolYear
from famille.kernel.planning.cells import CellFacts, cell_status
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
#: A place held: accepted, or asked and never decided (billing reads both as booked).
BOOKED, ASKED = BookingStatus.ACCEPTED, BookingStatus.PENDING
STORED = {AbsenceStatus.PENDING: "pending", AbsenceStatus.ACCEPTED: "accepted", AbsenceStatus.REFUSED: "refused"}


def expected_words(status: AbsenceStatus | None, in_time: bool, reason: str, document: bool,
                   pointed_absent: bool) -> str:
    """The guide's words for a booked day gone by (`status` None: no absence declared), worked out by hand."""
    if status is None:
        return "Absent facturé" if pointed_absent else "Absence à vérifier"
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


POINTED = {"none": AttendanceStatus.NONE, "absent": AttendanceStatus.ABSENT, "present": AttendanceStatus.PRESENT}


def grid_words(day: date, status: AbsenceStatus | None, in_time: bool, reason: str, document: bool,
               pointage: str, booking: BookingStatus | None = BOOKED, late: bool = False) -> str:
    """The cell's label; `pointage` « none », « absent » or « present », `booking` None: nothing booked."""
    absence = AbsenceState.none()
    if status is not None:
        record = AbsenceRecord("a-1", ORG, CHILD, SERVICE, day, AbsenceState(status, reason, in_time=in_time),
                               document="certificat.pdf" if document else None)
        absence = Excuses(RULES, ORG).judged(record)
    cell = cell_status(
        day, SERVICE, calendar=CALENDAR, facts=CellFacts(
            Enrolment(CHILD, SERVICE, date(2026, 9, 1)),
            booking=BookingState(booking, in_time=not late) if booking else BookingState.none(), absence=absence,
            attendance=Attendance(POINTED[pointage])), today=date(2027, 1, 4))
    return cell.label


def invoice_words(day: date, status: AbsenceStatus | None, in_time: bool, reason: str, document: bool,
                  pointage: str, booked: bool = True, late: bool = False) -> str:
    """The invoice line's status, from the rows the planning tables hold (a booking held, pending or accepted)."""
    return invoice_line(day, status, in_time, reason, document, pointage, booked, late).status


def invoice_line(day: date, status: AbsenceStatus | None, in_time: bool, reason: str, document: bool,
                 pointage: str, booked: bool = True, late: bool = False) -> InvoiceLine:
    """The invoice line of the day, from the rows the planning tables hold."""
    rows = MonthRows(
        ORG, date(2026, 12, 1), date(2026, 12, 31),
        children=(BilledChild(CHILD, "Léa DUPONT", date(2018, 3, 1), (PayerLink("fam-dupont"),)),),
        bookings=(BookingRow(CHILD, SERVICE, day, not late),) if booked else (),
        absences=(AbsenceRow(CHILD, SERVICE, day, in_time, reason, document, STORED[status]),) if status else (),
        attendance=(AttendanceRow(CHILD, SERVICE, day, pointage, None, None),) if pointage != "none" else ())
    (read,) = service_days(rows, lambda _: CALENDAR)
    ((_, line),) = DayPricer(RULES, ORG, {}).lines(read, 1)
    return line


@given(st.sampled_from(MONTH), st.sampled_from([None, AbsenceStatus.PENDING, AbsenceStatus.ACCEPTED,
                                                AbsenceStatus.REFUSED]),
       st.booleans(), st.sampled_from(REASONS), st.booleans(), st.booleans(),
       st.sampled_from([BOOKED, ASKED]))
@example(date(2026, 12, 7), AbsenceStatus.ACCEPTED, False, "RAISON MEDICALE", False, False, BOOKED)  # no certificate
@example(date(2026, 12, 7), AbsenceStatus.REFUSED, True, "AUTRES", False, False, BOOKED)  # in time, yet refused
@example(date(2026, 12, 7), AbsenceStatus.PENDING, True, "RAISON MEDICALE", True, True, BOOKED)
@example(date(2026, 12, 7), None, True, "AUTRES", False, True, BOOKED)  # pointed absent, nothing declared
@example(date(2026, 12, 7), None, True, "AUTRES", False, False, BOOKED)  # booked, never pointed
@example(date(2026, 12, 7), None, True, "AUTRES", False, False, ASKED)  # a booking never decided
def test_the_grid_and_the_invoice_line_say_the_same_words_for_a_booked_day_gone_by(
    day: date, status: AbsenceStatus | None, in_time: bool, reason: str, document: bool, pointed_absent: bool,
    booking: BookingStatus,
) -> None:
    expected = expected_words(status, in_time, reason, document, pointed_absent)
    pointage = "absent" if pointed_absent else "none"
    assert grid_words(day, status, in_time, reason, document, pointage, booking) == expected
    assert invoice_words(day, status, in_time, reason, document, pointage) == expected


@given(st.sampled_from(MONTH), st.sampled_from([None, BOOKED, ASKED]), st.booleans())
@example(date(2026, 12, 7), None, False)  # came without a booking: billed with a surcharge
@example(date(2026, 12, 7), BOOKED, True)  # booked after the deadline: billed with a surcharge
def test_a_day_the_child_came_reads_the_same_on_the_grid_and_on_the_invoice_line(
    day: date, booking: BookingStatus | None, late: bool
) -> None:
    """Present with a place held (late or not): « Réservé »; present with none: « Réservations Hors Contrat »
    (the invoice line's message says what the surcharge is for)."""
    expected = "Réservé" if booking else "Réservations Hors Contrat"
    assert grid_words(day, None, True, "AUTRES", False, "present", booking, late) == expected
    assert invoice_words(day, None, True, "AUTRES", False, "present", booking is not None, late) == expected


@given(st.sampled_from(MONTH), st.sampled_from([AbsenceStatus.PENDING, AbsenceStatus.ACCEPTED, AbsenceStatus.REFUSED]),
       st.booleans(), st.sampled_from(REASONS), st.booleans(), st.booleans())
@example(date(2026, 12, 7), AbsenceStatus.ACCEPTED, True, "AUTRES", False, False)  # cancelled in time, yet came
@example(date(2026, 12, 7), AbsenceStatus.ACCEPTED, False, "AUTRES", False, True)  # late absence, late booking
@example(date(2026, 12, 7), AbsenceStatus.REFUSED, True, "AUTRES", False, False)
def test_a_child_pointed_present_on_a_day_declared_absent_reads_the_same_on_the_grid_and_on_the_invoice_line(
    day: date, status: AbsenceStatus, in_time: bool, reason: str, document: bool, late: bool
) -> None:
    """An accepted absence contradicts the pointage: « Erreur » on both, the day billed as the presence it was
    (in full; with the surcharge when booked after the deadline). One waiting for an agent, or refused, does
    not: the child came, « Réservé »."""
    expected = "Erreur" if status is AbsenceStatus.ACCEPTED else "Réservé"
    assert grid_words(day, status, in_time, reason, document, "present", BOOKED, late) == expected
    line = invoice_line(day, status, in_time, reason, document, "present", True, late)
    assert line.status == expected
    assert line.billed is (Billed.SURCHARGE if late else Billed.FULL)


def test_the_oracle_knows_every_reason_the_shipped_file_declares() -> None:
    assert set(REASONS) == set(RULES.input_values("absence_reasons", "reason", organisation=ORG))
