"""The planning repository: enrolments, closures, bookings, absences, attendance and their history.

Part of the unit of work (`UnitOfWork.planning`); the same transaction rules apply.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol

import attrs

if TYPE_CHECKING:
    from famille.kernel.planning.calendar_feed import CalendarFeed
    from famille.kernel.planning.inputs import AbsenceState, Attendance, BookingState, Enrolment
    from famille.kernel.planning.records import (
        AbsenceRecord,
        AttendanceRecord,
        BookingRecord,
        DeclaredClosure,
        ExpectedChild,
        PlanningEvent,
    )

Cell = tuple[str, date]
"""A cell of one child's planning: (service code, day)."""


@attrs.frozen
class ChildrenCells:
    """What `cells_of` reads for several children at once, in a constant number of round trips."""

    enrolments: Sequence[Enrolment]
    bookings: Sequence[BookingRecord]
    absences: Sequence[AbsenceRecord]
    #: the setup version of the children's organisations and of those they are enrolled in, by code
    #: (as `GridCells.setup_versions`)
    setup_versions: Mapping[str, int] = attrs.field(factory=dict)


@attrs.frozen
class GridCells:
    """What `grid_of` reads of one child for its month grid, each cell with the organisation it was made in.

    The states carry what the grid shows, nothing else: a booking's status and `in_time`; an
    absence's status, reason and `in_time` (whether it is excused is judged later, `Excuses`),
    with whether a document was given; a pointage whole. Who asked or decided, and when, are left out.
    """

    enrolments: Sequence[Enrolment]
    bookings: Sequence[tuple[str, Cell, BookingState]]
    absences: Sequence[tuple[str, Cell, AbsenceState, bool]]
    attendance: Sequence[tuple[str, Cell, Attendance]]
    #: the setup version of the child's organisation and of each organisation it is enrolled in, by code: a
    #: number that changes whenever the organisation, its structures, services or closures change (kept by
    #: the store itself, so that a change made through any process is seen by every other)
    setup_versions: Mapping[str, int] = attrs.field(factory=dict)
    #: the name and first name of the responsable of the child's first family (None: no family)
    responsable: tuple[str, str] | None = None


class PlanningRepository(Protocol):
    """Stores what the planning grid is computed from.

    Contract:
    - one booking and one absence at most per (child, service code, day);
    - `add_bookings` is an insert-or-ignore: a cell already booked (even by a
      concurrent transaction that commits first) is left as it is, and the id of the booking
      asked for it is not returned;
    - history (`add_events`) is append-only;
    - bulk methods cost a constant number of round trips, whatever the number of cells.
    """

    def add_enrolments(self, enrolments: Sequence[Enrolment]) -> None:
        """Store new enrolments; one given without its organisation is stored in its child's organisation,
        one given without its structure in the structure of its organisation offering its service."""
        ...

    def enrolments_of(self, child_id: str) -> Sequence[Enrolment]:
        """The child's enrolments, in every organisation, by service code then start (organisation given)."""
        ...

    def add_closure(self, closure: DeclaredClosure) -> None:
        """Store a declared closure."""
        ...

    def closures(self, organisation_code: str, start: date, end: date) -> Sequence[DeclaredClosure]:
        """The organisation's closures from `start` to `end` included, by day."""
        ...

    def closures_of(self, organisation_codes: Collection[str], start: date, end: date) -> Sequence[DeclaredClosure]:
        """`closures` of several organisations in one read, by day."""
        ...

    def delete_closure(self, organisation_code: str, closure_id: str) -> bool:
        """Remove one of the organisation's closures; False if it has none with this id."""
        ...

    def bookings_of(self, child_id: str, start: date, end: date) -> Mapping[Cell, BookingRecord]:
        """The child's bookings from `start` to `end` included, by cell."""
        ...

    def add_bookings(self, bookings: Sequence[BookingRecord], batch_id: str,
                     history: Sequence[PlanningEvent] = ()) -> Collection[str]:
        """Insert-or-ignore the bookings (of any children); the ids of those actually added by this call.

        `history`: the events of these bookings' cells, appended for the cells this call added only
        (a cell booked already, or meanwhile, keeps its history as it is), with the bookings.
        """
        ...

    def cells_of(self, child_ids: Collection[str], start: date, end: date) -> ChildrenCells:
        """The enrolments of these children, and their bookings and absences from `start` to `end` included."""
        ...

    def grid_of(self, child_id: str, start: date, end: date) -> GridCells:
        """The child's enrolments (every organisation), and the states of its cells from `start` to `end` included
        that are booked, declared absent or pointed, with the setup versions of its organisations (`GridCells`): what
        its month grid is drawn from, in two round trips."""
        ...

    def booking(self, booking_id: str) -> BookingRecord | None:
        """The booking with this id, or None."""
        ...

    def decide_booking(self, booking: BookingRecord) -> bool:
        """Write an agent's decision on a booking still pending, in one conditional write (`... WHERE status =
        'pending'`): True only for the one caller whose write changed it (of two agents deciding at once, the
        second gets False)."""
        ...

    def pending_bookings(self, organisation_code: str) -> Sequence[BookingRecord]:
        """The organisation's bookings waiting for an agent, by day."""
        ...

    def absences_of(self, child_id: str, start: date, end: date) -> Mapping[Cell, AbsenceRecord]:
        """The child's absences from `start` to `end` included, by cell."""
        ...

    def add_absences(self, absences: Sequence[AbsenceRecord]) -> Collection[Cell]:
        """Insert-or-ignore the absences (one child); the cells actually added by this call."""
        ...

    def absence(self, absence_id: str) -> AbsenceRecord | None:
        """The absence with this id, or None."""
        ...

    def decide_absence(self, absence: AbsenceRecord) -> bool:
        """Write an agent's decision on an absence still pending, as `decide_booking`; True only if done."""
        ...

    def delete_absence(self, absence_id: str) -> None:
        """Remove an absence (refused by an agent: the booking stands)."""
        ...

    def pending_absences(self, organisation_code: str) -> Sequence[AbsenceRecord]:
        """The organisation's absences waiting for an agent, by day."""
        ...

    def set_attendance(self, record: AttendanceRecord) -> None:
        """Store the pointage of a cell (insert or replace)."""
        ...

    def attendance_of(self, child_id: str, start: date, end: date) -> Sequence[AttendanceRecord]:
        """The child's pointages from `start` to `end` included."""
        ...

    def attendance_on(self, organisation_code: str, day: date) -> Sequence[AttendanceRecord]:
        """Every pointage of the organisation on `day`."""
        ...

    def expected_on(self, organisation_code: str, day: date) -> Sequence[ExpectedChild]:
        """The children expected on `day`: booked (pending or accepted) with no absence.

        Each with its pratique alimentaire when the child's record has one.
        """
        ...

    def pointage_between(self, organisation_code: str, first: date, last: date
                         ) -> tuple[Collection[tuple[str, str, date]], Sequence[AttendanceRecord]]:
        """From `first` to `last` in one read: the cells (child, service, day) `expected_on` gives
        for each day (without their pratique), and the pointages `attendance_on` gives."""
        ...

    def expected_counts(self, organisation_code: str, day: date) -> Mapping[tuple[str, str | None], int]:
        """How many children `expected_on` gives, per (service code, pratique alimentaire or None).

        Summed by the storage (one grouped query): a headcount never reads each child.
        """
        ...

    def add_events(self, events: Sequence[PlanningEvent]) -> None:
        """Append to the history."""
        ...

    def events_of(self, child_id: str, start: date, end: date) -> Sequence[PlanningEvent]:
        """The child's history for days from `start` to `end`, oldest first."""
        ...

    def child_names(self, child_ids: Collection[str]) -> Mapping[str, tuple[str, str]]:
        """(nom, prénom) of each of these children, by id."""
        ...

    def calendar_feed(self, child_id: str, family_id: str) -> CalendarFeed | None:
        """The family's calendar feed of the child, or None."""
        ...

    def calendar_feed_by_digest(self, token_digest: str) -> CalendarFeed | None:
        """The feed whose secret has this digest, or None."""
        ...

    def add_calendar_feed(self, feed: CalendarFeed) -> bool:
        """Store the family's first feed of the child unless it has one, even one committed meanwhile by
        another unit of work (insert-or-ignore); whether this one was stored."""
        ...

    def save_calendar_feed(self, feed: CalendarFeed) -> None:
        """Store the family's feed of the child, replacing the one it had (the old secret stops); two at once
        both succeed, the one committed last stays."""
        ...
