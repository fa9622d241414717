"""What the planning keeps: closures, bookings, absences and attendance as stored, and their history.

Frozen values that the planning repository reads and writes; the pure states of a
cell (`BookingState`, `AbsenceState`, `Attendance`) come from `planning_inputs`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import attrs

from famille.kernel.calendar.model import Closure
from famille.kernel.planning.inputs import AbsenceState, Attendance, BookingState


@attrs.frozen
class DeclaredClosure:
    """A closure an agent declared for an organisation (a strike, a training day)."""

    id: str
    organisation_code: str
    closure: Closure
    declared_by: str
    declared_at: datetime


@attrs.frozen
class CellEntry:
    """What every stored entry of one cell starts with: its id, its organisation, and the child,
    service and day of the cell (a booking, an absence, an event of the history)."""

    id: str
    organisation_code: str
    child_id: str
    service_code: str
    day: date


@attrs.frozen
class BookingRecord(CellEntry):
    """The booking of one cell as stored: its id, where it belongs, and its state."""

    state: BookingState
    rule_id: str | None = None


@attrs.frozen
class AbsenceRecord(CellEntry):
    """A declared absence as stored, with the note or document reference the family gave."""

    state: AbsenceState
    note: str | None = None
    document: str | None = None
    rule_id: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None


@attrs.frozen
class AttendanceRecord:
    """The pointage of one cell, and which agent recorded it when."""

    child_id: str
    service_code: str
    day: date
    organisation_code: str
    attendance: Attendance
    recorded_by: str
    recorded_at: datetime


class EventKind(enum.Enum):
    """A change of a cell, as the history (and billing) reads it."""

    BOOKING_REQUESTED = "reservation-demandee"
    BOOKING_ACCEPTED = "reservation-acceptee"
    BOOKING_REFUSED = "reservation-refusee"
    BOOKING_CANCELLED = "reservation-annulee"
    ABSENCE_DECLARED = "absence-declaree"
    ABSENCE_ACCEPTED = "absence-acceptee"
    ABSENCE_REFUSED = "absence-refusee"
    ABSENCE_WITHDRAWN = "absence-retiree"  # the day booked again: the absence goes, the booking stands


@attrs.frozen
class PlanningEvent(CellEntry):
    """One change of a booking or an absence: who, when, in time or late, why, under which rule.

    Never changed nor deleted: billing reads whether a cancellation came in time.
    """

    kind: EventKind
    at: datetime
    by: str
    by_agent: bool
    in_time: bool
    reason: str | None = None
    rule_id: str | None = None
    deadline: datetime | None = None


@attrs.frozen
class ExpectedChild:
    """A child expected in a service on a day (booked, no absence), with its pratique alimentaire."""

    child_id: str
    service_code: str
    pratique: str | None = None
