"""The planning grid of a child, on the guide's December 2014 and on chosen cases."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from famille.adapters.calendar.holidays_fr import FrenchHolidayCalendar
from famille.kernel.calendar.deadlines import DeadlineSpec
from famille.kernel.calendar.model import Closure, OrganisationCalendar, SchoolYear
from famille.kernel.planning.cells import CellFacts, CellStatus, cell_status
from famille.kernel.planning.grid import ActionKind, PlanningFacts, month_grid
from famille.kernel.planning.inputs import (
    AbsenceState,
    AbsenceStatus,
    Attendance,
    AttendanceStatus,
    BookingState,
    BookingStatus,
    Enrolment,
    declare_absence,
)
from famille.kernel.shared.time import PARIS

SERVICES = ("GARDERIE MATIN", "GARDERIE MIDI", "GARDERIE SOIR", "RESTAURATION")
WEEKDAYS = {"GARDERIE MATIN": {0, 1, 2, 3, 4}, "GARDERIE MIDI": {0, 1, 3, 4},
            "GARDERIE SOIR": {0, 1, 2, 3, 4}, "RESTAURATION": {0, 1, 3, 4}}
SPEC = DeadlineSpec.from_outcome({"kind": "calendar_days_before", "days": 2, "at": "23:59"}, rule_id="deux-jours-23h59")


def _guide_calendar(school_year: int = 2014) -> OrganisationCalendar:
    return OrganisationCalendar.from_source(
        FrenchHolidayCalendar(), school_year=SchoolYear.starting(school_year), zone="A",
        alsace_moselle=False, opening_weekdays=WEEKDAYS,
    )


def _facts(**kwargs: object) -> PlanningFacts:
    enrolments = [Enrolment("lea", service, date(2014, 9, 1)) for service in SERVICES]
    return PlanningFacts(enrolments=enrolments, **kwargs)  # type: ignore[arg-type]


def _row(rows: tuple, service: str) -> dict[int, object]:  # type: ignore[type-arg]
    return {cell.day.day: cell for cell in next(r for r in rows if r.service_code == service).cells}


def test_the_guide_books_5_december_in_garderie_matin_and_christmas_shows_p_and_f() -> None:
    now = datetime(2014, 12, 1, 10, 0, tzinfo=PARIS)
    booking = BookingState.requested("pays", now, deadline=datetime(2014, 12, 3, 23, 59, tzinfo=PARIS))
    facts = _facts(bookings={("GARDERIE MATIN", date(2014, 12, 5)): booking})
    rows = month_grid(date(2014, 12, 1), SERVICES, calendar=_guide_calendar(), facts=facts, now=now,
                      specs=lambda service, day, action: SPEC)
    matin = _row(rows, "GARDERIE MATIN")
    assert matin[5].status is CellStatus.RESERVATION_EN_COURS  # type: ignore[attr-defined]
    assert matin[5].header == "Ve 05"  # type: ignore[attr-defined]
    assert [a.kind for a in matin[5].actions] == [ActionKind.DECLARER_ABSENCE]  # type: ignore[attr-defined]
    for service in SERVICES:
        codes = "".join(cell.status.code for cell in _row(rows, service).values())  # type: ignore[attr-defined]
        assert codes[21:] == "PPPFPPPPPP", service  # 22 to 31 December: holidays, Christmas a public holiday
    assert matin[6].status is CellStatus.NON_OUVRE  # type: ignore[attr-defined]
    assert _row(rows, "RESTAURATION")[3].status is CellStatus.NON_OUVRE  # type: ignore[attr-defined]


def test_a_free_cell_offers_booking_with_its_deadline_and_rule_until_the_deadline() -> None:
    facts = _facts()
    specs = {("GARDERIE SOIR", 4, ActionKind.RESERVER): SPEC}
    before = month_grid(date(2014, 12, 1), ["GARDERIE SOIR"], calendar=_guide_calendar(), facts=facts,
                        now=datetime(2014, 12, 17, 23, 58, tzinfo=PARIS), specs=specs)
    cell = _row(before, "GARDERIE SOIR")[19]
    assert cell.status is CellStatus.LIBRE  # type: ignore[attr-defined]
    (action,) = cell.actions  # type: ignore[attr-defined]
    assert action.label == "Demande de réservation"
    assert action.deadline.rule_id == "deux-jours-23h59"
    assert action.deadline.description == "mercredi 17 décembre 2014 à 23h59"
    after = month_grid(date(2014, 12, 1), ["GARDERIE SOIR"], calendar=_guide_calendar(), facts=facts,
                       now=datetime(2014, 12, 17, 23, 59, tzinfo=PARIS), specs=specs)
    late = _row(after, "GARDERIE SOIR")[19]
    assert late.actions == () and late.deadline == action.deadline  # type: ignore[attr-defined]


def test_july_shows_the_grandes_vacances_and_the_14_july_holiday() -> None:
    rows = month_grid(date(2015, 7, 1), ["RESTAURATION"], calendar=_guide_calendar(), facts=_facts(),
                      now=datetime(2015, 6, 1, tzinfo=PARIS), specs={})
    statuses = {cell.status for cell in rows[0].cells if cell.day.day >= 6 and cell.day.day != 14}
    assert statuses == {CellStatus.GRANDES_VACANCES}
    assert rows[0].cells[13].status is CellStatus.JOUR_FERIE  # 14 juillet


def _status(**kwargs: object) -> CellStatus:
    values: dict[str, object] = {
        "calendar": OrganisationCalendar(SchoolYear.starting(2025), WEEKDAYS,
                                         closures=[Closure(date(2025, 12, 12), None, "Travaux")]),
        "enrolment": Enrolment("lea", "GARDERIE SOIR", date(2025, 9, 1), hours=(time(16, 30), time(18, 30))),
        "booking": BookingState.none(), "absence": AbsenceState.none(), "attendance": Attendance.none(),
        "today": date(2025, 12, 10),
    }
    values.update(kwargs)
    day = values.pop("day", date(2025, 12, 5))
    facts = CellFacts(values.pop("enrolment"), values.pop("booking"), values.pop("absence"),  # type: ignore[arg-type]
                      values.pop("attendance"))  # type: ignore[arg-type]
    return cell_status(day, "GARDERIE SOIR", facts=facts, **values)  # type: ignore[arg-type]


ACCEPTED = BookingState(BookingStatus.ACCEPTED)


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({}, CellStatus.PASSE),  # a past day with nothing booked
    ({"today": date(2025, 12, 5)}, CellStatus.LIBRE),  # today, or a day to come: still open
    ({"booking": ACCEPTED, "absence": AbsenceState(AbsenceStatus.REFUSED, "AUTRES")}, CellStatus.ABSENT_FACTURE),
    ({"booking": ACCEPTED, "absence": AbsenceState(AbsenceStatus.REFUSED, parental_leave=True)},
     CellStatus.ABSENT_FACTURE),
    ({"booking": ACCEPTED, "absence": AbsenceState(AbsenceStatus.REFUSED, "AUTRES"),
      "attendance": Attendance(AttendanceStatus.PRESENT)}, CellStatus.RESERVE),
    ({"day": date(2025, 12, 12), "booking": ACCEPTED}, CellStatus.FERMETURE),
    ({"enrolment": None}, CellStatus.HORS_INSCRIPTION),
    ({"booking": ACCEPTED, "today": date(2025, 12, 5)}, CellStatus.RESERVE),
    # the day over, nothing pointed: billing flags it « Absence à vérifier » (pointage-non-saisi-a-verifier)
    ({"booking": ACCEPTED}, CellStatus.ABSENCE_A_VERIFIER),
    ({"booking": BookingState(BookingStatus.PENDING)}, CellStatus.ABSENCE_A_VERIFIER),
    ({"booking": BookingState(BookingStatus.PENDING), "today": date(2025, 12, 5)}, CellStatus.RESERVATION_EN_COURS),
    ({"booking": BookingState(BookingStatus.PENDING, in_time=False), "today": date(2025, 12, 5)},
     CellStatus.DEMANDE_EN_ATTENTE),
    ({"booking": BookingState(BookingStatus.REFUSED, refusal_reason="Complet")}, CellStatus.RESERVATION_REFUSEE),
    ({"booking": ACCEPTED, "absence": AbsenceState(AbsenceStatus.PENDING, "AUTRES")}, CellStatus.ABSENCE_EN_COURS),
    ({"booking": ACCEPTED, "absence": AbsenceState(AbsenceStatus.ACCEPTED, "RAISON MEDICALE", excused=True)},
     CellStatus.ABSENT_EXCUSE),
    ({"booking": ACCEPTED, "absence": AbsenceState(AbsenceStatus.ACCEPTED, "AUTRES", in_time=False)},
     CellStatus.ABSENT_FACTURE),
    ({"booking": ACCEPTED, "absence": AbsenceState(AbsenceStatus.ACCEPTED, excused=True, parental_leave=True)},
     CellStatus.CONGE),
    ({"booking": ACCEPTED, "absence": AbsenceState(AbsenceStatus.ACCEPTED, parental_leave=True)},
     CellStatus.ABSENT_FACTURE),  # a congé parental late and without its attestation is billed, as the invoice says
    # pointed absent with no absence declared: billed, as the invoice line says (absence-non-declaree-facturee)
    ({"booking": ACCEPTED, "attendance": Attendance(AttendanceStatus.ABSENT)}, CellStatus.ABSENT_FACTURE),
    ({"booking": ACCEPTED, "attendance": Attendance(AttendanceStatus.ABSENT), "today": date(2025, 12, 5)},
     CellStatus.ABSENT_FACTURE),
    ({"attendance": Attendance(AttendanceStatus.ABSENT)}, CellStatus.PASSE),
    ({"attendance": Attendance(AttendanceStatus.PRESENT, time(16, 30), time(18, 0))},
     CellStatus.RESERVATION_HORS_CONTRAT),
    ({"booking": ACCEPTED, "attendance": Attendance(AttendanceStatus.PRESENT, time(16, 30), time(18, 0))},
     CellStatus.RESERVE),
    ({"booking": ACCEPTED, "attendance": Attendance(AttendanceStatus.PRESENT, time(16, 30), time(19, 0))},
     CellStatus.HEURE_HORS_CONTRAT),
    ({"booking": ACCEPTED, "attendance": Attendance(AttendanceStatus.PRESENT, time(16, 30))},
     CellStatus.POINTAGE_MANQUANT),
    ({"booking": ACCEPTED, "today": date(2025, 12, 5), "attendance": Attendance(AttendanceStatus.PRESENT, time(16, 30))},
     CellStatus.RESERVE),
    ({"booking": ACCEPTED, "attendance": Attendance(AttendanceStatus.PRESENT, time(18, 0), time(17, 0))},
     CellStatus.ERREUR),
    ({"booking": ACCEPTED, "absence": AbsenceState(AbsenceStatus.ACCEPTED, excused=True),
      "attendance": Attendance(AttendanceStatus.PRESENT)}, CellStatus.ERREUR),
])
def test_each_situation_gives_its_status(kwargs: dict[str, object], expected: CellStatus) -> None:
    assert _status(**kwargs) is expected


def test_every_status_has_a_french_label_a_distinct_code_and_a_slug() -> None:
    codes = [status.code for status in CellStatus]
    assert len(set(codes)) == len(codes) and all(len(code) == 1 for code in codes)
    assert CellStatus.ABSENT_FACTURE.label == "Absent facturé"
    assert CellStatus.ABSENT_FACTURE.slug == "absent-facture"
    assert all(status.slug.replace("-", "").isalpha() and status.slug.islower() for status in CellStatus)


def test_a_declared_absence_waits_for_a_decision_in_time_before_its_deadline_late_from_it() -> None:
    deadline = datetime(2025, 12, 3, 23, 59, tzinfo=PARIS)
    before = declare_absence(now=deadline.replace(hour=20), deadline=deadline, reason="AUTRES", by="pays")
    at = declare_absence(now=deadline, deadline=deadline, reason="AUTRES", by="pays")
    assert before.status is AbsenceStatus.PENDING and before.in_time and before.declared_by == "pays"
    assert at.status is AbsenceStatus.PENDING and not at.in_time
    assert not before.excused and before.accepted().status is AbsenceStatus.ACCEPTED
    assert before.refused().status is AbsenceStatus.REFUSED and not before.refused().excused


def test_a_same_morning_absence_is_recorded_in_time() -> None:
    deadline = datetime(2025, 12, 5, 9, 0, tzinfo=PARIS)
    absence = declare_absence(now=deadline.replace(hour=7), deadline=deadline, reason="RAISON MEDICALE", by="pays")
    assert absence.in_time and absence.reason == "RAISON MEDICALE"
