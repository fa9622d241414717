"""What the planning grid is computed from: enrolments, bookings, absences and attendance.

Frozen values, one per child, service and day; the repositories build them, the
pure functions of `famille.kernel.planning.cells` read them.
"""

from __future__ import annotations

from datetime import date, datetime, time

import attrs

from famille.kernel.calendar.deadlines import is_before
from famille.kernel.shared.codes import Coded
from famille.kernel.shared.time import require_aware


@attrs.frozen
class Enrolment:
    """A child enrolled in a service of a structure of an organisation, from `start` to `end` (None: until
    further notice).

    `hours`, when given, is the contracted window (arrival, departure) of a
    garderie or a crèche: attendance outside it is an « heure hors contrat ».
    `organisation_code` and `structure_id` say where: a child may be enrolled in several
    organisations (a school canteen of its commune, the garderie of an RPI). Left out by a caller,
    the repository stores the child's own organisation and the structure of that organisation
    offering the service; read back, they are always given. A child is in one place per service
    code and day: its cells stay keyed by (service code, day).
    """

    child_id: str
    service_code: str
    start: date
    end: date | None = None
    hours: tuple[time, time] | None = None
    organisation_code: str | None = None
    structure_id: str | None = None
    #: The contract's weekdays (0 = Monday) of a « contrat régulier » (a crèche), with `hours`; None: no
    #: contract, the child is booked day by day (`planning.contract`).
    days: tuple[int, ...] | None = None

    def on_contract(self, day: date) -> bool:
        """Whether `day` is one of the contract's days (every day when there is no contract)."""
        return self.days is None or day.weekday() in self.days

    def overlaps(self, start: date, end: date | None) -> bool:
        """Whether this enrolment shares a day with the period from `start` to `end` (None: open-ended)."""
        return (end is None or self.start <= end) and (self.end is None or start <= self.end)

    def covers(self, day: date, service_code: str) -> bool:
        """Whether this enrolment makes the child expected in `service_code` on `day`."""
        return self.service_code == service_code and self.start <= day and (self.end is None or day <= self.end)


class BookingStatus(Coded):
    """Where a booking request stands."""

    NONE = "aucune"
    PENDING = "en attente"
    ACCEPTED = "acceptée"
    REFUSED = "refusée"


#: The statuses of a booking that holds a place (`BookingState.is_booked`): asked and not refused, or accepted.
HOLDING = (BookingStatus.PENDING, BookingStatus.ACCEPTED)


@attrs.frozen
class BookingState:
    """The booking of one day: who asked and when, who decided and when, why it was refused.

    `in_time` says whether the request came before the booking deadline: a pending
    request in time can be taken as granted; a late one waits for an agent.
    """

    status: BookingStatus = BookingStatus.NONE
    requested_by: str | None = None
    requested_at: datetime | None = None
    in_time: bool = True
    decided_by: str | None = None
    decided_at: datetime | None = None
    refusal_reason: str | None = None

    @classmethod
    def none(cls) -> BookingState:
        """No booking."""
        return cls()

    @classmethod
    def requested(cls, by: str, at: datetime, *, deadline: datetime) -> BookingState:
        """A new request from `by` at `at`; in time when strictly before `deadline`."""
        at = require_aware(at)
        return cls(BookingStatus.PENDING, by, at, in_time=is_before(at, deadline))

    @classmethod
    def asked(cls, by: str, at: datetime, in_time: bool, *, accepted: bool) -> BookingState:
        """A new request from `by` at `at`, `accepted` at once by the same hand (an agent booking, or a rule
        that asks no validation) or pending; what `requested` then `accepted` give, made in one step."""
        at = require_aware(at)
        if accepted:
            return cls(BookingStatus.ACCEPTED, by, at, in_time, by, at)
        return cls(BookingStatus.PENDING, by, at, in_time)

    def accepted(self, by: str, at: datetime) -> BookingState:
        """The request accepted by the agent `by`."""
        return attrs.evolve(self, status=BookingStatus.ACCEPTED, decided_by=by, decided_at=require_aware(at))

    def refused(self, by: str, at: datetime, reason: str) -> BookingState:
        """The request refused by the agent `by`, with the reason the family reads."""
        return attrs.evolve(
            self, status=BookingStatus.REFUSED, decided_by=by, decided_at=require_aware(at), refusal_reason=reason
        )

    @property
    def is_booked(self) -> bool:
        """A place is held: accepted, or asked and not refused."""
        return self.status in HOLDING


class AbsenceStatus(Coded):
    """Where a declared absence stands: waiting for an agent, accepted, or refused (kept on the cell: billed)."""

    NONE = "aucune"
    PENDING = "en attente"
    ACCEPTED = "acceptée"
    REFUSED = "refusée"


@attrs.frozen
class AbsenceState:
    """An absence declared for a booked day (the booking row stays: the day was booked).

    `reason` is one of the reasons of the rule file (« AUTRES »…); `in_time` whether
    it came before its deadline; `parental_leave` marks a congé parental. `excused`
    is never stored: `famille.kernel.planning.excuses.Excuses.judged` decides it when
    the absence is read (the one decision the invoice line asks too); until then it is False.
    """

    status: AbsenceStatus = AbsenceStatus.NONE
    reason: str | None = None
    in_time: bool = True
    excused: bool = False
    parental_leave: bool = False
    declared_by: str | None = None
    declared_at: datetime | None = None

    @classmethod
    def none(cls) -> AbsenceState:
        """No absence."""
        return cls()

    def accepted(self) -> AbsenceState:
        """The absence accepted (by an agent, or at once when the rule file asks no validation)."""
        return attrs.evolve(self, status=AbsenceStatus.ACCEPTED)

    def refused(self) -> AbsenceState:
        """The absence refused by an agent: it stays on the cell, and the day is billed."""
        return attrs.evolve(self, status=AbsenceStatus.REFUSED, excused=False)

    @property
    def is_decided(self) -> bool:
        """Whether an agent (or the rule file) has decided it: accepted or refused."""
        return self.status in (AbsenceStatus.ACCEPTED, AbsenceStatus.REFUSED)


class AttendanceStatus(Coded):
    """What the staff recorded (pointage)."""

    NONE = "non pointé"
    PRESENT = "présent"
    ABSENT = "absent"


#: What an agent records, by its code (`present`, `absent`): the pointage the API and the page's form send.
RECORDABLE = {status.code: status for status in (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT)}


@attrs.frozen
class Attendance:
    """The pointage of a day; a garderie records arrival and departure times."""

    status: AttendanceStatus = AttendanceStatus.NONE
    arrival: time | None = None
    departure: time | None = None

    @classmethod
    def none(cls) -> Attendance:
        """Nothing recorded."""
        return cls()

    @property
    def is_timed(self) -> bool:
        """Whether times are kept (garderie): then both are expected."""
        return self.arrival is not None or self.departure is not None


def declare_absence(*, now: datetime, deadline: datetime, reason: str, by: str) -> AbsenceState:
    """What « Déclarer une absence » on a booked day adds to the cell: an absence waiting for a decision.

    The booking stays (the day was booked; the cell shows the absence, and billing reads both);
    `in_time` tells whether it came before `deadline` (a same-day deadline, for a sick child).
    Whether it waits for an agent or is accepted at once is the rule file's `needs_validation`.
    """
    now = require_aware(now)
    return AbsenceState(AbsenceStatus.PENDING, reason, in_time=is_before(now, deadline), declared_by=by,
                        declared_at=now)
