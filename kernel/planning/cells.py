"""The status of one cell of a child's planning (one service, one day): the legend of the guide.

`cell_status` is pure: it reads the calendar and the child's `CellFacts` of the day (the
enrolment, the booking, the absence and the attendance), and gives exactly one `CellStatus`.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from famille.kernel.calendar.model import DayKind, OrganisationCalendar
from famille.kernel.planning.inputs import (
    AbsenceState,
    AbsenceStatus,
    Attendance,
    AttendanceStatus,
    BookingState,
    BookingStatus,
    Enrolment,
)


class CellStatus(enum.Enum):
    """A status of the legend; the value is a CSS-friendly slug.

    Each has a French `label` and a `code` (one letter or symbol) so that the grid
    reads without colours.
    """

    RESERVE = "reserve"
    ERREUR = "erreur"
    CONGE = "conge"
    ABSENCE_A_VERIFIER = "absence-a-verifier"
    HEURE_HORS_CONTRAT = "heure-hors-contrat"
    RESERVATION_HORS_CONTRAT = "reservation-hors-contrat"
    FERMETURE = "fermeture"
    ABSENT_FACTURE = "absent-facture"
    DEMANDE_EN_ATTENTE = "demande-en-attente"
    ABSENT_EXCUSE = "absent-excuse"
    RESERVATION_EN_COURS = "reservation-en-cours"
    RESERVATION_REFUSEE = "reservation-refusee"
    ABSENCE_EN_COURS = "absence-en-cours"
    PETITES_VACANCES = "petites-vacances"
    GRANDES_VACANCES = "grandes-vacances"
    JOUR_FERIE = "jour-ferie"
    POINTAGE_MANQUANT = "pointage-manquant"
    LIBRE = "libre"
    PASSE = "passe"
    NON_OUVRE = "non-ouvre"
    HORS_INSCRIPTION = "hors-inscription"

    @property
    def slug(self) -> str:
        """For CSS classes: « absent-facture »."""
        return self.value

    @property
    def label(self) -> str:
        """The French label of the legend."""
        return _LEGEND[self][0]

    @property
    def code(self) -> str:
        """The letter or symbol written in the cell."""
        return _LEGEND[self][1]


@attrs.frozen
class CellFacts:
    """What is known of a child on one cell: the enrolment covering the day (None: none does), the
    booking, the absence and the attendance (each `none()` when nothing is recorded)."""

    enrolment: Enrolment | None
    booking: BookingState = attrs.field(factory=BookingState.none)
    absence: AbsenceState = attrs.field(factory=AbsenceState.none)
    attendance: Attendance = attrs.field(factory=Attendance.none)


_LEGEND: dict[CellStatus, tuple[str, str]] = {
    CellStatus.RESERVE: ("Réservé", "✓"),
    CellStatus.ERREUR: ("Erreur", "!"),
    CellStatus.CONGE: ("Congé parental", "C"),
    CellStatus.ABSENCE_A_VERIFIER: ("Absence à vérifier", "?"),
    CellStatus.HEURE_HORS_CONTRAT: ("Heure hors contrat Régulier", "H"),
    CellStatus.RESERVATION_HORS_CONTRAT: ("Réservations Hors Contrat", "+"),  # the guide's legend, word for word
    CellStatus.FERMETURE: ("Fermeture", "×"),
    CellStatus.ABSENT_FACTURE: ("Absent facturé", "A"),
    CellStatus.DEMANDE_EN_ATTENTE: ("Demande en attente", "D"),
    CellStatus.ABSENT_EXCUSE: ("Absent excusé", "E"),
    CellStatus.RESERVATION_EN_COURS: ("Réservation en cours de traitement", "…"),
    CellStatus.RESERVATION_REFUSEE: ("Réservation refusée", "R"),
    CellStatus.ABSENCE_EN_COURS: ("Absence en cours de traitement", "~"),
    CellStatus.PETITES_VACANCES: ("Petites vacances", "P"),
    CellStatus.GRANDES_VACANCES: ("Grandes vacances", "G"),
    CellStatus.JOUR_FERIE: ("Jour férié", "F"),
    CellStatus.POINTAGE_MANQUANT: ("Pointage arrivée ou départ manquant", "M"),
    CellStatus.LIBRE: ("Libre", "·"),
    CellStatus.PASSE: ("Passé, non réservé", "_"),
    CellStatus.NON_OUVRE: ("Pas d'accueil ce jour", "-"),
    CellStatus.HORS_INSCRIPTION: ("Hors inscription", "/"),
}

def legend_words(slug: str) -> str:
    """The legend's words for a status named by its slug, as a billing rule names it (« absent-facture »
    → « Absent facturé »; empty: no status, no words). The grid and the invoice line read the same words.

    Raises ValueError for a slug the legend does not have.
    """
    return CellStatus(slug).label if slug else ""


_CALENDAR_STATUS = {
    DayKind.HORS_ANNEE: CellStatus.NON_OUVRE,
    DayKind.WEEKEND: CellStatus.NON_OUVRE,
    DayKind.NON_OUVRE: CellStatus.NON_OUVRE,
    DayKind.JOUR_FERIE: CellStatus.JOUR_FERIE,
    DayKind.PETITES_VACANCES: CellStatus.PETITES_VACANCES,
    DayKind.GRANDES_VACANCES: CellStatus.GRANDES_VACANCES,
    DayKind.FERMETURE: CellStatus.FERMETURE,
}


def _decided_absence(absence: AbsenceState) -> CellStatus:
    if absence.parental_leave and absence.excused:  # a congé parental not billed (billing_eligibility agrees)
        return CellStatus.CONGE
    return CellStatus.ABSENT_EXCUSE if absence.excused else CellStatus.ABSENT_FACTURE


def _present(
    day: date, enrolment: Enrolment, booking: BookingState, absence: AbsenceState, attendance: Attendance, today: date
) -> CellStatus:
    arrival, departure = attendance.arrival, attendance.departure
    if contradicts_presence(absence.status) or (arrival and departure and departure <= arrival):
        return CellStatus.ERREUR
    if attendance.is_timed and (arrival is None or departure is None) and day < today:
        return CellStatus.POINTAGE_MANQUANT
    if not booking.is_booked or not enrolment.on_contract(day):
        return CellStatus.RESERVATION_HORS_CONTRAT
    if enrolment.hours is not None and (
        (arrival is not None and arrival < enrolment.hours[0])
        or (departure is not None and departure > enrolment.hours[1])
    ):
        return CellStatus.HEURE_HORS_CONTRAT
    return CellStatus.RESERVE


def cell_status(
    day: date,
    service_code: str,
    *,
    calendar: OrganisationCalendar,
    facts: CellFacts,
    today: date,
) -> CellStatus:
    """The one status of the cell, by this precedence (the first that holds wins).

    1. The calendar: no service that day (outside the school year, weekend, a
       weekday the service does not open) → NON_OUVRE; else JOUR_FERIE,
       GRANDES_VACANCES, PETITES_VACANCES, FERMETURE.
    2. No enrolment covering the day → HORS_INSCRIPTION.
    3. Attendance « present »: an accepted absence (`contradicts_presence`, which billing
       asks too) or a departure before the arrival → ERREUR; a garderie time missing once the day is over →
       POINTAGE_MANQUANT; no booking held, or a day outside a contract's days →
       RESERVATION_HORS_CONTRAT; times outside the contracted hours →
       HEURE_HORS_CONTRAT; else RESERVE.
    4. A decided absence: accepted → CONGE (parental leave), ABSENT_EXCUSE (`excused`,
       decided by `excuses.Excuses`) or ABSENT_FACTURE; refused → ABSENT_FACTURE (never
       `excused`); a pending one → ABSENCE_EN_COURS. The booking under it stays.
    5. A place held (booking accepted or pending) with no absence declared: `undeclared_absence`
       (pointed absent → ABSENT_FACTURE; nothing pointed once the day is over → ABSENCE_A_VERIFIER),
       the words of billing_eligibility for the same day.
    6. The booking: accepted → RESERVE (RESERVATION_HORS_CONTRAT on a day outside a
       contract's days: a crèche's « contrat régulier »); pending → RESERVATION_EN_COURS when asked
       in time, DEMANDE_EN_ATTENTE when late (an agent decides); refused →
       RESERVATION_REFUSEE.
    7. Otherwise PASSE for a day before `today` (nothing booked: it can no longer be), else LIBRE.
    """
    decided = calendar_status(day, service_code, calendar)
    if decided is not None:
        return decided
    return child_status(day, service_code, facts, today)


def calendar_status(day: date, service_code: str, calendar: OrganisationCalendar) -> CellStatus | None:
    """The status the calendar alone gives (step 1 of `cell_status`), None on a day the service opens.

    The same for every child of the organisation: a month template computes it once per cell.
    """
    kind = calendar.day_kind(day, service_code)
    return None if kind is DayKind.OPEN else _CALENDAR_STATUS[kind]


def child_status(day: date, service_code: str, facts: CellFacts, today: date) -> CellStatus:
    """Steps 2 to 7 of `cell_status`: the status of a cell on a day the service opens, from the child's facts."""
    enrolment, booking, absence, attendance = facts.enrolment, facts.booking, facts.absence, facts.attendance
    if enrolment is None or not enrolment.covers(day, service_code):
        return CellStatus.HORS_INSCRIPTION
    if attendance.status is AttendanceStatus.PRESENT:
        return _present(day, enrolment, booking, absence, attendance, today)
    if absence.is_decided:
        return _decided_absence(absence)
    if absence.status is AbsenceStatus.PENDING:
        return CellStatus.ABSENCE_EN_COURS
    if booking.is_booked:
        undeclared = undeclared_absence(attendance, day, today)
        if undeclared is not None:
            return undeclared
    if booking.status is BookingStatus.ACCEPTED:
        return CellStatus.RESERVE if enrolment.on_contract(day) else CellStatus.RESERVATION_HORS_CONTRAT
    if booking.status is BookingStatus.PENDING:
        return CellStatus.RESERVATION_EN_COURS if booking.in_time else CellStatus.DEMANDE_EN_ATTENTE
    if booking.status is BookingStatus.REFUSED:
        return CellStatus.RESERVATION_REFUSEE
    return CellStatus.PASSE if day < today else CellStatus.LIBRE


def undeclared_absence(attendance: Attendance, day: date, today: date) -> CellStatus | None:
    """A day the child holds a place on, no absence declared and not pointed present: what it reads.

    Only a cancellation (« Déclarer une absence ») spares the bill, as the guide says: pointed
    absent with nothing declared → ABSENT_FACTURE (billing_eligibility: `absence-non-declaree-facturee`,
    billed in full). Nothing pointed once the day is over → ABSENCE_A_VERIFIER: billing never guesses
    whether the child came (`pointage-non-saisi-a-verifier`, a flagged line an agent checks before the
    run is final). Today, or a day to come: None (the booking's own status).
    """
    if attendance.status is AttendanceStatus.ABSENT:
        return CellStatus.ABSENT_FACTURE
    if attendance.status is AttendanceStatus.NONE and day < today:
        return CellStatus.ABSENCE_A_VERIFIER
    return None


def contradicts_presence(status: AbsenceStatus) -> bool:
    """Whether a child pointed present contradicts the absence declared for the day.

    An accepted absence does: the grid reads ERREUR and so does the invoice line, where the day is
    billed as the presence it was (billing_eligibility's fact `absence_contradicted`, the
    `present-malgre-absence-acceptee-…` rules). An absence still waiting for an agent, or refused by
    one, does not: the child came (RESERVE).
    """
    return status is AbsenceStatus.ACCEPTED
