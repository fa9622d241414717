"""The planning repository in memory, for the fake unit of work."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import attrs

from famille.kernel.planning.calendar_feed import CalendarFeed
from famille.kernel.planning.inputs import AbsenceState, AbsenceStatus, BookingState, BookingStatus, Enrolment
from famille.kernel.planning.records import (
    AbsenceRecord,
    AttendanceRecord,
    BookingRecord,
    DeclaredClosure,
    ExpectedChild,
    PlanningEvent,
)
from famille.ports.planning_persistence import ChildrenCells, GridCells

Cell = tuple[str, date]


class FakePlanning:
    """Keeps everything in the store's dictionaries, keyed by (child, service, day)."""

    def __init__(self, store: Any, committed: Any) -> None:
        self.s = store
        self.committed = committed

    def add_enrolments(self, enrolments: Sequence[Enrolment]) -> None:
        self.s.enrolments.extend(self._placed(e) for e in enrolments)

    def _placed(self, enrolment: Enrolment) -> Enrolment:
        """As the contract says: where the caller left them out, the child's organisation and its structure
        offering the service (tests that put enrolments straight into the store get them on reading)."""
        if enrolment.organisation_code is None:
            child = self.s.children.get(enrolment.child_id)
            enrolment = attrs.evolve(enrolment, organisation_code=child.organisation_code if child else None)
        if enrolment.structure_id is None:
            ours = {s.id for s in self.s.structures.values() if s.organisation_code == enrolment.organisation_code}
            enrolment = attrs.evolve(enrolment, structure_id=next(
                (s.structure_id for s in self.s.services.values()
                 if s.structure_id in ours and s.code == enrolment.service_code), None))
        return enrolment

    def enrolments_of(self, child_id: str) -> Sequence[Enrolment]:
        return sorted((self._placed(e) for e in self.s.enrolments if e.child_id == child_id),
                      key=lambda e: (e.service_code, e.start))

    def add_closure(self, closure: DeclaredClosure) -> None:
        self.s.closures[closure.id] = closure

    def closures(self, organisation_code: str, start: date, end: date) -> Sequence[DeclaredClosure]:
        return sorted((c for c in self.s.closures.values()
                       if c.organisation_code == organisation_code and start <= c.closure.day <= end),
                      key=lambda c: (c.closure.day, c.id))

    def closures_of(self, organisation_codes: Collection[str], start: date, end: date) -> Sequence[DeclaredClosure]:
        return sorted((c for code in set(organisation_codes) for c in self.closures(code, start, end)),
                      key=lambda c: (c.closure.day, c.id))

    def delete_closure(self, organisation_code: str, closure_id: str) -> bool:
        closure = self.s.closures.get(closure_id)
        if closure is None or closure.organisation_code != organisation_code:
            return False
        del self.s.closures[closure_id]
        return True

    def bookings_of(self, child_id: str, start: date, end: date) -> Mapping[Cell, BookingRecord]:
        return {(b.service_code, b.day): b for (child, _, day), b in self.s.bookings.items()
                if child == child_id and start <= day <= end}

    def add_bookings(self, bookings: Sequence[BookingRecord], batch_id: str,
                     history: Sequence[PlanningEvent] = ()) -> Collection[str]:
        added = []
        for booking in bookings:
            key = (booking.child_id, booking.service_code, booking.day)
            if key not in self.s.bookings and self.committed.get("bookings", key) is None:
                self.s.bookings[key] = booking
                added.append(booking)
        cells = {(b.child_id, b.service_code, b.day) for b in added}
        self.add_events([e for e in history if (e.child_id, e.service_code, e.day) in cells])
        return [b.id for b in added]

    def cells_of(self, child_ids: Collection[str], start: date, end: date) -> ChildrenCells:
        return ChildrenCells(
            [e for child_id in child_ids for e in self.enrolments_of(child_id)],
            [b for child_id in child_ids for b in self.bookings_of(child_id, start, end).values()],
            [a for child_id in child_ids for a in self.absences_of(child_id, start, end).values()],
            {code: version for child_id in child_ids for code, version in self._setup_versions(child_id).items()})

    def grid_of(self, child_id: str, start: date, end: date) -> GridCells:
        return GridCells(
            self.enrolments_of(child_id),
            [(b.organisation_code, cell, BookingState(b.state.status, in_time=b.state.in_time))
             for cell, b in self.bookings_of(child_id, start, end).items()],
            [(a.organisation_code, cell, AbsenceState(a.state.status, a.state.reason, a.state.in_time),
              bool(a.document)) for cell, a in self.absences_of(child_id, start, end).items()],
            [(a.organisation_code, (a.service_code, a.day), a.attendance)
             for a in self.attendance_of(child_id, start, end)],
            self._setup_versions(child_id), self._responsable(child_id))

    def _responsable(self, child_id: str) -> tuple[str, str] | None:
        child = self.s.children.get(child_id)
        family = self.s.families.get(child.family_ids[0]) if child is not None and child.family_ids else None
        return (family.responsable.nom, family.responsable.prenom) if family is not None else None

    def _setup_versions(self, child_id: str) -> dict[str, int]:
        """As the contract says: a number per organisation that moves whenever its setup does (here drawn from
        the setup's content, so that tests writing straight into the store move it too)."""
        child = self.s.children.get(child_id)
        codes = {child.organisation_code} if child is not None else set()
        codes |= {e.organisation_code for e in self.enrolments_of(child_id) if e.organisation_code}
        return {code: _setup_version(self.s, code) for code in codes if code in self.s.organisations}

    def booking(self, booking_id: str) -> BookingRecord | None:
        return next((b for b in self.s.bookings.values() if b.id == booking_id), None)

    def decide_booking(self, booking: BookingRecord) -> bool:
        key = (booking.child_id, booking.service_code, booking.day)
        if not all(row is not None and row.id == booking.id and row.state.status is BookingStatus.PENDING
                   for row in (self.s.bookings.get(key), self.committed.get("bookings", key))):
            return False
        self.s.bookings[key] = booking
        return True

    def pending_bookings(self, organisation_code: str) -> Sequence[BookingRecord]:
        return sorted((b for b in self.s.bookings.values() if b.organisation_code == organisation_code
                       and b.state.status is BookingStatus.PENDING), key=lambda b: (b.day, b.id))

    def absences_of(self, child_id: str, start: date, end: date) -> Mapping[Cell, AbsenceRecord]:
        return {(a.service_code, a.day): a for (child, _, day), a in self.s.absences.items()
                if child == child_id and start <= day <= end}

    def add_absences(self, absences: Sequence[AbsenceRecord]) -> Collection[Cell]:
        added = []
        for absence in absences:
            key = (absence.child_id, absence.service_code, absence.day)
            if key not in self.s.absences and self.committed.get("absences", key) is None:
                self.s.absences[key] = _as_stored(absence)
                added.append((absence.service_code, absence.day))
        return added

    def absence(self, absence_id: str) -> AbsenceRecord | None:
        return next((a for a in self.s.absences.values() if a.id == absence_id), None)

    def decide_absence(self, absence: AbsenceRecord) -> bool:
        key = (absence.child_id, absence.service_code, absence.day)
        if not all(row is not None and row.id == absence.id and row.state.status is AbsenceStatus.PENDING
                   for row in (self.s.absences.get(key), self.committed.get("absences", key))):
            return False
        self.s.absences[key] = _as_stored(absence)
        return True

    def delete_absence(self, absence_id: str) -> None:
        for key, absence in list(self.s.absences.items()):
            if absence.id == absence_id:
                del self.s.absences[key]

    def pending_absences(self, organisation_code: str) -> Sequence[AbsenceRecord]:
        return sorted((a for a in self.s.absences.values() if a.organisation_code == organisation_code
                       and a.state.status is AbsenceStatus.PENDING), key=lambda a: (a.day, a.id))

    def set_attendance(self, record: AttendanceRecord) -> None:
        self.s.attendance[(record.child_id, record.service_code, record.day)] = record

    def attendance_of(self, child_id: str, start: date, end: date) -> Sequence[AttendanceRecord]:
        return [a for a in self.s.attendance.values() if a.child_id == child_id and start <= a.day <= end]

    def attendance_on(self, organisation_code: str, day: date) -> Sequence[AttendanceRecord]:
        return [a for a in self.s.attendance.values() if a.organisation_code == organisation_code and a.day == day]

    def pointage_between(self, organisation_code: str, first: date, last: date
                         ) -> tuple[Collection[tuple[str, str, date]], Sequence[AttendanceRecord]]:
        days = [first + timedelta(n) for n in range((last - first).days + 1)]
        return ([(e.child_id, e.service_code, day) for day in days for e in self.expected_on(organisation_code, day)],
                [a for day in days for a in self.attendance_on(organisation_code, day)])

    def expected_on(self, organisation_code: str, day: date) -> Sequence[ExpectedChild]:
        found = []
        for (child, service, cell_day), booking in self.s.bookings.items():
            if booking.organisation_code != organisation_code or cell_day != day or not booking.state.is_booked:
                continue
            if (child, service, cell_day) in self.s.absences:
                continue
            sections = self.s.child_sections.get(child)
            pratique = sections.pratique.libelle if sections is not None else None
            found.append(ExpectedChild(child, service, pratique))
        return found

    def expected_counts(self, organisation_code: str, day: date) -> Mapping[tuple[str, str | None], int]:
        return dict(Counter((e.service_code, e.pratique) for e in self.expected_on(organisation_code, day)))

    def add_events(self, events: Sequence[PlanningEvent]) -> None:
        self.s.planning_events.extend(events)

    def events_of(self, child_id: str, start: date, end: date) -> Sequence[PlanningEvent]:
        return sorted((e for e in self.s.planning_events if e.child_id == child_id and start <= e.day <= end),
                      key=lambda e: (e.at, e.id))

    def child_names(self, child_ids: Collection[str]) -> Mapping[str, tuple[str, str]]:
        return {c.id: (c.nom, c.prenom) for c in self.s.children.values() if c.id in set(child_ids)}

    def calendar_feed(self, child_id: str, family_id: str) -> CalendarFeed | None:
        # as a database reads the latest committed row (one committed by another unit of work meanwhile)
        key = (child_id, family_id)
        return self.s.calendar_feeds.get(key) or self.committed.get("calendar_feeds", key)  # type: ignore[no-any-return]

    def add_calendar_feed(self, feed: CalendarFeed) -> bool:
        if self.calendar_feed(feed.child_id, feed.family_id) is not None:
            return False
        self.s.calendar_feeds[(feed.child_id, feed.family_id)] = feed
        return True

    def calendar_feed_by_digest(self, token_digest: str) -> CalendarFeed | None:
        return next((f for f in self.s.calendar_feeds.values() if f.token_digest == token_digest), None)

    def save_calendar_feed(self, feed: CalendarFeed) -> None:
        self.s.calendar_feeds[(feed.child_id, feed.family_id)] = feed


def _as_stored(absence: AbsenceRecord) -> AbsenceRecord:
    """What the database keeps of an absence: never whether it is excused (decided when read)."""
    if not absence.state.excused:
        return absence
    return attrs.evolve(absence, state=attrs.evolve(absence.state, excused=False))


def _setup_version(store: Any, code: str) -> int:
    """A number drawn from what the organisation's setup is: itself, its structures, services and closures."""
    structures = sorted((x for x in store.structures.values() if x.organisation_code == code), key=lambda x: x.id)
    ids = {x.id for x in structures}
    content = (store.organisations[code], structures,
               sorted((x for x in store.services.values() if x.structure_id in ids), key=lambda x: x.id),
               sorted((c for c in store.closures.values() if c.organisation_code == code), key=lambda c: c.id))
    return hash(repr(content))
