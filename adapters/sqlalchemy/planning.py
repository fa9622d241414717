"""The planning repository over SQLAlchemy Core: bulk statements, insert-or-ignore, explicit translation.

Bookings and absences are inserted with one `INSERT … ON CONFLICT DO NOTHING RETURNING`
(SQLite and PostgreSQL both have it; SQLAlchemy sends the rows as multi-row VALUES) on the
unique (child, service, day): booking a cell twice, even from two processes at once, keeps
one row and raises nothing, and the rows returned are the cells this call added.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import date, time
from typing import Any

import attrs
from sqlalchemy import (
    Connection,
    Date,
    Insert,
    Row,
    String,
    Table,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from famille.adapters.sqlalchemy.bulk import (
    bulk_insert,
    insert_ignore,
    insert_ignore_returning,
    unnest_select,
)
from famille.adapters.sqlalchemy.database import SqlRepository
from famille.adapters.sqlalchemy.families.translation import weekdays_from_text, weekdays_to_text
from famille.adapters.sqlalchemy.lean import LeanSelect
from famille.adapters.sqlalchemy.tables import (
    absences,
    attendance,
    bookings,
    calendar_feeds,
    child_families,
    child_records,
    children,
    closures,
    enrolments,
    families,
    organisations,
    planning_events,
    services,
    structures,
)
from famille.kernel.calendar.model import Closure
from famille.kernel.planning.calendar_feed import CalendarFeed
from famille.kernel.planning.inputs import (
    HOLDING,
    AbsenceState,
    AbsenceStatus,
    Attendance,
    AttendanceStatus,
    BookingState,
    BookingStatus,
    Enrolment,
)
from famille.kernel.planning.records import (
    AbsenceRecord,
    AttendanceRecord,
    BookingRecord,
    CellEntry,
    DeclaredClosure,
    EventKind,
    ExpectedChild,
    PlanningEvent,
)
from famille.ports.planning_persistence import ChildrenCells, GridCells

Cell = tuple[str, date]
Values = dict[str, Any]

# The statuses as their columns hold them: their codes (`pending`, `present`...), declared with the enums.
_BOOKING_FROM = BookingStatus.by_code()
_ABSENCE_FROM = AbsenceStatus.by_code()
_ATTENDANCE_FROM = AttendanceStatus.by_code()
#: A booking that holds a place (`HOLDING`, what `BookingState.is_booked` reads), as its column holds it.
HELD = tuple(status.code for status in HOLDING)
CELL_COLUMNS = ("child_id", "service_code", "day")


def _hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def _hours(arrival: str | None, departure: str | None) -> tuple[time, time] | None:
    if not arrival or not departure:
        return None
    return time.fromisoformat(arrival), time.fromisoformat(departure)


def _upsert(connection: Connection, table: Table, key: Sequence[str], changing: Sequence[str]) -> Insert:
    """`INSERT … ON CONFLICT (key) DO UPDATE` the `changing` columns to the values given."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    return statement.on_conflict_do_update(index_elements=list(key),
                                           set_={name: statement.excluded[name] for name in changing})


# --- translation -----------------------------------------------------------------------------

def _entry_values(entry: CellEntry) -> Values:
    """The columns every stored entry of a cell starts with (bookings, absences, history events)."""
    return {"id": entry.id, "organisation_code": entry.organisation_code, "child_id": entry.child_id,
            "service_code": entry.service_code, "day": entry.day}


def _entry(row: Row[Any]) -> tuple[str, str, str, str, date]:
    """The `CellEntry` fields of a row of bookings, absences or history events, in their order."""
    return row.id, row.organisation_code, row.child_id, row.service_code, row.day


def booking_to_values(record: BookingRecord, batch_id: str) -> Values:
    """The row of a booking."""
    state = record.state
    return {**_entry_values(record), "status": state.status.code,
            "requested_by": state.requested_by, "requested_at": state.requested_at, "in_time": state.in_time,
            "decided_by": state.decided_by, "decided_at": state.decided_at,
            "refusal_reason": state.refusal_reason, "rule_id": record.rule_id, "batch_id": batch_id}


def booking_from_row(row: Row[Any]) -> BookingRecord:
    """The booking of a row of `bookings`."""
    state = BookingState(_BOOKING_FROM[row.status], row.requested_by, row.requested_at, row.in_time,
                         row.decided_by, row.decided_at, row.refusal_reason)
    return BookingRecord(*_entry(row), state, row.rule_id)


def absence_to_values(record: AbsenceRecord) -> Values:
    """The row of an absence."""
    state = record.state
    return {**_entry_values(record), "status": state.status.code,
            "reason": state.reason or "", "in_time": state.in_time, "note": record.note,
            "document": record.document, "declared_by": state.declared_by, "declared_at": state.declared_at,
            "decided_by": record.decided_by, "decided_at": record.decided_at, "rule_id": record.rule_id}


def absence_from_row(row: Row[Any]) -> AbsenceRecord:
    """The absence of a row of `absences` (whether it is excused is decided when read: `Excuses.judged`)."""
    state = AbsenceState(_ABSENCE_FROM[row.status], row.reason, row.in_time, declared_by=row.declared_by,
                         declared_at=row.declared_at)
    return AbsenceRecord(*_entry(row), state, row.note, row.document, row.rule_id, row.decided_by, row.decided_at)


def enrolment_to_values(enrolment: Enrolment) -> Values:
    """The row of an enrolment (with a new id)."""
    hours = enrolment.hours
    return {"id": str(uuid.uuid4()), "child_id": enrolment.child_id, "service_code": enrolment.service_code,
            "start_day": enrolment.start, "end_day": enrolment.end, "arrival": _hhmm(hours[0]) if hours else None,
            "departure": _hhmm(hours[1]) if hours else None, "organisation_code": enrolment.organisation_code,
            "structure_id": enrolment.structure_id,
            "contract_days": weekdays_to_text(enrolment.days) if enrolment.days is not None else None}


def attendance_to_values(record: AttendanceRecord) -> Values:
    """The row of a pointage."""
    return {"child_id": record.child_id, "service_code": record.service_code, "day": record.day,
            "organisation_code": record.organisation_code, "status": record.attendance.status.code,
            "arrival": _hhmm(record.attendance.arrival), "departure": _hhmm(record.attendance.departure),
            "recorded_by": record.recorded_by, "recorded_at": record.recorded_at}


def attendance_from_row(row: Row[Any]) -> AttendanceRecord:
    """The pointage of a row of `attendance`."""
    return AttendanceRecord(row.child_id, row.service_code, row.day, row.organisation_code,
                            Attendance(_ATTENDANCE_FROM[row.status], _time(row.arrival), _time(row.departure)),
                            row.recorded_by, row.recorded_at)


def event_to_values(event: PlanningEvent) -> Values:
    """The row of a history event."""
    return {**_entry_values(event), "kind": event.kind.value,
            "happened_at": event.at, "actor": event.by, "by_agent": event.by_agent, "in_time": event.in_time,
            "reason": event.reason, "rule_id": event.rule_id, "deadline": event.deadline}


def event_from_row(row: Row[Any]) -> PlanningEvent:
    """The history event of a row of `planning_events`."""
    return PlanningEvent(*_entry(row), EventKind(row.kind), row.happened_at, row.actor, row.by_agent, row.in_time,
                         row.reason, row.rule_id, row.deadline)


def _cell_range(table: Table) -> Any:
    return and_(table.c.child_id == bindparam("p_child"), table.c.day >= bindparam("p_start"),
                table.c.day <= bindparam("p_end"))


def _children_range(table: Table) -> Any:
    return and_(table.c.child_id.in_(bindparam("p_children", expanding=True)), table.c.day >= bindparam("p_start"),
                table.c.day <= bindparam("p_end"))


def _enrolment(row: Row[Any]) -> Enrolment:
    return _enrolment_of(row.child_id, row.service_code, row.start_day, row.end_day, row.arrival, row.departure,
                         row.organisation_code, row.structure_id, row.contract_days)


def _enrolment_of(child_id: str, service_code: str, start: date, end: date | None, arrival: str | None,
                  departure: str | None, organisation_code: str, structure_id: str, contract_days: str | None
                  ) -> Enrolment:
    """An enrolment of the values of its row, however the row was read."""
    return Enrolment(child_id, service_code, start, end, _hours(arrival, departure), organisation_code, structure_id,
                     weekdays_from_text(contract_days) if contract_days is not None else None)


def _organisations_of(children_match: Any, enrolments_match: Any) -> Any:
    """The organisations whose setup a child's cells depend on: its own (children matching `children_match`) and
    those it is enrolled in (enrolments matching `enrolments_match`)."""
    return or_(organisations.c.code.in_(select(children.c.organisation_code).where(children_match)),
               organisations.c.code.in_(select(enrolments.c.organisation_code).where(enrolments_match)))


_ENROLMENTS_OF = (select(enrolments).where(enrolments.c.child_id == bindparam("p_child"))
                  .order_by(enrolments.c.service_code, enrolments.c.start_day))


def _records_part(kind: str, table: Table, where: Any) -> Any:
    """`table`'s rows matching `where` under every column of the union (a NULL cast to the column's type where
    it has none: PostgreSQL takes two bare NULLs for text)."""
    return select(literal_column(f"'{kind}'").label("kind"), *(
        table.c[name] if name in table.c else cast(null(), _COLUMN_TYPES[name]).label(name)
        for name in _COLUMN_TYPES
    )).where(where)


_COLUMN_TYPES = {c.name: c.type for table in (absences, bookings, enrolments) for c in table.columns}
_CHILDREN = bindparam("p_children", expanding=True)
# The children's bookings and absences of the range, their enrolments and the setup versions of their
# organisations in one round trip, each row under every table's columns (the others' NULL), so that each is
# translated by its own `…_from_row`.
_RECORDS_OF_CHILDREN = union_all(
    _records_part("b", bookings, _children_range(bookings)),
    _records_part("a", absences, _children_range(absences)),
    _records_part("e", enrolments, enrolments.c.child_id.in_(_CHILDREN)),
    # the setup version of the children's organisations and of those they are enrolled in (as text, in `status`)
    select(literal_column("'v'"), *(
        organisations.c.code if name == "organisation_code"
        else cast(organisations.c.setup_version, String) if name == "status"
        else cast(null(), _COLUMN_TYPES[name]) for name in _COLUMN_TYPES
    )).where(_organisations_of(children.c.id.in_(_CHILDREN), enrolments.c.child_id.in_(_CHILDREN))),
)
_CLOSURES_IN_RANGE = (select(closures).where(closures.c.organisation_code.in_(bindparam("p_orgs", expanding=True)),
                                             closures.c.day >= bindparam("p_start"), closures.c.day <= bindparam("p_end"))
                      .order_by(closures.c.day, closures.c.id))
_BOOKINGS_OF = select(bookings).where(_cell_range(bookings))


def _grid_part(kind: str, table: Table, *columns: Any) -> Any:
    return select(literal_column(f"'{kind}'").label("kind"), table.c.organisation_code, table.c.service_code,
                  table.c.day, table.c.status, *columns).where(_cell_range(table))


# The grid's bookings, absences and pointages in one round trip, each reduced to what a cell shows, with the
# child's enrolments, the setup versions of its organisations and its first family's responsable (columns
# typed by the first part: the bookings'; `until`, a date, cast there, as PostgreSQL takes NULLs for text).
_GRID_CELLS = union_all(
    _grid_part("b", bookings, bookings.c.in_time, null().label("reason"), null().label("x"), null().label("y"),
               cast(null(), Date).label("until")),
    _grid_part("a", absences, absences.c.in_time, absences.c.reason, absences.c.document, null(), null()),
    _grid_part("p", attendance, null(), null(), attendance.c.arrival, attendance.c.departure, null()),
    # an enrolment: its structure in `status`, its contract days in `reason`, its hours in x and y, from `day`
    select(literal_column("'e'"), enrolments.c.organisation_code, enrolments.c.service_code, enrolments.c.start_day,
           enrolments.c.structure_id, null(), enrolments.c.contract_days, enrolments.c.arrival,
           enrolments.c.departure, enrolments.c.end_day).where(enrolments.c.child_id == bindparam("p_child")),
    # the setup version of the child's organisation and of those it is enrolled in (as text, in `status`)
    select(literal_column("'v'"), organisations.c.code, null(), null(), cast(organisations.c.setup_version, String),
           null(), null(), null(), null(), null()).where(
               _organisations_of(children.c.id == bindparam("p_child"), enrolments.c.child_id == bindparam("p_child"))),
    # the responsable of the child's first family: name in `service`, first name in `status`
    select(literal_column("'r'"), null(), families.c.responsable_nom, null(), families.c.responsable_prenom,
           null(), null(), null(), null(), null()).where(families.c.id == (
               select(child_families.c.family_id).where(child_families.c.child_id == bindparam("p_child"))
               .order_by(child_families.c.position).limit(1).scalar_subquery())),
)
_LEAN_GRID_CELLS = LeanSelect(_GRID_CELLS)
# The few states the grid's cells take, shared (frozen values). A booking's key is bounded (its statuses by
# `_BOOKING_FROM`, a bool); an absence's reason is whatever text the row holds, hence the bound.
@functools.cache
def _grid_booking(status: str, in_time: bool) -> BookingState:
    return BookingState(_BOOKING_FROM[status], in_time=in_time)


@functools.lru_cache(maxsize=256)
def _grid_absence(status: str, reason: str, in_time: bool) -> AbsenceState:
    return AbsenceState(_ABSENCE_FROM[status], reason, in_time)


_ABSENCES_OF = select(absences).where(_cell_range(absences))
_ATTENDANCE_OF = select(attendance).where(_cell_range(attendance))
# a cell booked (pending or accepted) with no absence: where children are expected
_BOOKED_NOT_ABSENT = (
    bookings.outerjoin(absences, and_(absences.c.child_id == bookings.c.child_id,
                                      absences.c.service_code == bookings.c.service_code,
                                      absences.c.day == bookings.c.day)),
    and_(bookings.c.status.in_(HELD), absences.c.id.is_(None)),
)
_EXPECTED = (
    select(bookings.c.child_id, bookings.c.service_code, child_records.c.pratique)
    .select_from(_BOOKED_NOT_ABSENT[0].outerjoin(child_records, child_records.c.child_id == bookings.c.child_id))
    .where(bookings.c.organisation_code == bindparam("p_org"), bookings.c.day == bindparam("p_day"),
           _BOOKED_NOT_ABSENT[1])
)

_PRATIQUE = child_records.c.pratique["libelle"].as_string()
_EXPECTED_COUNTS = (
    _EXPECTED.with_only_columns(bookings.c.service_code, _PRATIQUE.label("pratique"), func.count().label("n"))
    .group_by(bookings.c.service_code, _PRATIQUE)
)

# the pointages of a range, then (status NULL) the cells expected
_POINTAGE_BETWEEN = union_all(
    select(attendance).where(attendance.c.organisation_code == bindparam("p_org"),
                             attendance.c.day >= bindparam("p_start"), attendance.c.day <= bindparam("p_end")),
    select(*(bookings.c[c.name] if c.name in (*CELL_COLUMNS, "organisation_code") else null().label(c.name)
             for c in attendance.c))
    .select_from(_BOOKED_NOT_ABSENT[0])
    .where(bookings.c.organisation_code == bindparam("p_org"),
           bookings.c.day >= bindparam("p_start"), bookings.c.day <= bindparam("p_end"), _BOOKED_NOT_ABSENT[1]),
)


class SqlPlanningRepository(SqlRepository):
    """Implements `famille.ports.planning_persistence.PlanningRepository` on one connection."""

    def add_enrolments(self, items: Sequence[Enrolment]) -> None:
        """Store new enrolments (one executemany); where a caller left them out, the child's organisation
        and the structure of that organisation offering the service (two queries for the whole batch)."""
        if not items:
            return
        if any(e.organisation_code is None or e.structure_id is None for e in items):
            items = self._placed(items)
        self._connection.execute(insert(enrolments), [enrolment_to_values(e) for e in items])

    def _placed(self, items: Sequence[Enrolment]) -> list[Enrolment]:
        wanted = {e.child_id for e in items if e.organisation_code is None}
        homes = {r.id: r.organisation_code for r in self._connection.execute(
            select(children.c.id, children.c.organisation_code).where(children.c.id.in_(wanted)))} if wanted else {}
        placed = [e if e.organisation_code is not None else attrs.evolve(e, organisation_code=homes.get(e.child_id))
                  for e in items]
        offered = {(r.organisation_code, r.code): r.structure_id for r in self._connection.execute(
            select(structures.c.organisation_code, services.c.code, services.c.structure_id)
            .join(structures, structures.c.id == services.c.structure_id)
            .where(structures.c.organisation_code.in_({e.organisation_code for e in placed})))}
        return [e if e.structure_id is not None
                else attrs.evolve(e, structure_id=offered.get((e.organisation_code, e.service_code))) for e in placed]

    def enrolments_of(self, child_id: str) -> Sequence[Enrolment]:
        """The child's enrolments."""
        return [_enrolment(r) for r in self._connection.execute(_ENROLMENTS_OF, {"p_child": child_id})]

    def add_closure(self, closure: DeclaredClosure) -> None:
        """Store a declared closure."""
        self._connection.execute(insert(closures), {
            "id": closure.id, "organisation_code": closure.organisation_code, "day": closure.closure.day,
            "service_code": closure.closure.service_code, "reason": closure.closure.reason,
            "declared_by": closure.declared_by, "declared_at": closure.declared_at})

    def closures(self, organisation_code: str, start: date, end: date) -> Sequence[DeclaredClosure]:
        """The organisation's closures in the range, by day."""
        return self.closures_of([organisation_code], start, end)

    def closures_of(self, organisation_codes: Collection[str], start: date, end: date) -> Sequence[DeclaredClosure]:
        """The organisations' closures in the range, by day (one query)."""
        rows = self._connection.execute(_CLOSURES_IN_RANGE, {"p_orgs": list(organisation_codes), "p_start": start,
                                                             "p_end": end})
        return [DeclaredClosure(r.id, r.organisation_code, Closure(r.day, r.service_code, r.reason), r.declared_by,
                                r.declared_at) for r in rows]

    def delete_closure(self, organisation_code: str, closure_id: str) -> bool:
        """Remove one of the organisation's closures."""
        result = self._connection.execute(delete(closures).where(
            closures.c.id == closure_id, closures.c.organisation_code == organisation_code))
        return bool(result.rowcount)

    def bookings_of(self, child_id: str, start: date, end: date) -> Mapping[Cell, BookingRecord]:
        """The child's bookings in the range, by cell."""
        rows = self._connection.execute(_BOOKINGS_OF, {"p_child": child_id, "p_start": start, "p_end": end})
        return {(r.service_code, r.day): booking_from_row(r) for r in rows}

    def add_bookings(self, items: Sequence[BookingRecord], batch_id: str,
                     history: Sequence[PlanningEvent] = ()) -> Collection[str]:
        """Insert-or-ignore, with the history of the cells added; the ids of the bookings this batch added.

        PostgreSQL: one statement, whatever the number of cells: the bookings inserted from arrays
        (`ON CONFLICT DO NOTHING RETURNING`) and, in the same statement, their history joined to the
        rows returned. SQLite: one multi-row INSERT … RETURNING, then the history of the cells added.
        """
        if not items:
            return []
        values = [booking_to_values(b, batch_id) for b in items]
        if self._connection.dialect.name == "postgresql":
            return self._add_bookings_postgresql(values, [event_to_values(e) for e in history])
        names = list(values[0])
        added = set(insert_ignore_returning(self._connection, bookings, names,
                                            [[row[name] for name in names] for row in values], CELL_COLUMNS, "id"))
        cells = {(b.child_id, b.service_code, b.day) for b in items if b.id in added}
        self.add_events([e for e in history if (e.child_id, e.service_code, e.day) in cells])
        return [b.id for b in items if b.id in added]

    def _add_bookings_postgresql(self, values: Sequence[Values], history: Sequence[Values]) -> list[str]:
        names = list(values[0])
        rows, params = unnest_select(self._connection, bookings, names, values, "b")
        key = ", ".join(CELL_COLUMNS)
        sql = (f"WITH added AS (INSERT INTO {self._name(bookings)} ({', '.join(names)}) {rows} "
               f"ON CONFLICT ({key}) DO NOTHING RETURNING id, {key})")
        if history:
            events = list(history[0])
            rows, more = unnest_select(self._connection, planning_events, events, history, "e")
            params |= more
            sql += (f", history AS (INSERT INTO {self._name(planning_events)} ({', '.join(events)}) "
                    f"SELECT {', '.join(f'e.{n}' for n in events)} FROM ({rows}) AS e({', '.join(events)}) "
                    f"JOIN added USING ({key}))")
        return [r.id for r in self._connection.exec_driver_sql(sql + " SELECT id FROM added", params)]

    def _name(self, table: Table) -> str:
        return self._connection.dialect.identifier_preparer.format_table(table)

    def cells_of(self, child_ids: Collection[str], start: date, end: date) -> ChildrenCells:
        """One query, whatever the number of children: the bookings and absences of the range, the enrolments
        and the organisations' setup versions."""
        values = {"p_children": list(child_ids), "p_start": start, "p_end": end}
        booked: list[BookingRecord] = []
        absent: list[AbsenceRecord] = []
        enrolled: list[Enrolment] = []
        versions: dict[str, int] = {}
        for row in self._connection.execute(_RECORDS_OF_CHILDREN, values):
            if row.kind == "b":
                booked.append(booking_from_row(row))
            elif row.kind == "a":
                absent.append(absence_from_row(row))
            elif row.kind == "e":
                enrolled.append(_enrolment(row))
            else:
                versions[row.organisation_code] = int(row.status)
        enrolled.sort(key=lambda e: (e.child_id, e.service_code, e.start))
        return ChildrenCells(enrolled, booked, absent, versions)

    def grid_of(self, child_id: str, start: date, end: date) -> GridCells:
        """One union: the cells' states of the three tables, the enrolments, the organisations' versions and the
        responsable's name."""
        values = {"p_child": child_id, "p_start": start, "p_end": end}
        booked: list[tuple[str, Cell, BookingState]] = []
        absent: list[tuple[str, Cell, AbsenceState, bool]] = []
        pointed: list[tuple[str, Cell, Attendance]] = []
        enrolled: list[Enrolment] = []
        versions: dict[str, int] = {}
        responsable: tuple[str, str] | None = None
        for kind, organisation, service, day, status, in_time, reason, x, y, until in _LEAN_GRID_CELLS.rows(
                self._connection, values):
            if kind == "b":
                booked.append((organisation, (service, day), _grid_booking(status, in_time)))
            elif kind == "a":
                absent.append((organisation, (service, day), _grid_absence(status, reason, in_time), bool(x)))
            elif kind == "p":
                pointed.append((organisation, (service, day), Attendance(_ATTENDANCE_FROM[status], _time(x), _time(y))))
            elif kind == "e":
                enrolled.append(_enrolment_of(child_id, service, day, until, x, y, organisation, status, reason))
            elif kind == "v":
                versions[organisation] = int(status)
            else:
                responsable = (service, status)
        enrolled.sort(key=lambda e: (e.service_code, e.start))
        return GridCells(enrolled, booked, absent, pointed, versions, responsable)

    def booking(self, booking_id: str) -> BookingRecord | None:
        """The booking with this id."""
        row = self._connection.execute(select(bookings).where(bookings.c.id == booking_id)).first()
        return booking_from_row(row) if row else None

    def decide_booking(self, booking: BookingRecord) -> bool:
        """Conditional write: only a booking still pending changes."""
        values = booking_to_values(booking, "")
        del values["batch_id"], values["id"]
        result = self._connection.execute(update(bookings).where(
            bookings.c.id == booking.id, bookings.c.status == BookingStatus.PENDING.code).values(values))
        return bool(result.rowcount)

    def pending_bookings(self, organisation_code: str) -> Sequence[BookingRecord]:
        """The organisation's bookings waiting for an agent."""
        rows = self._connection.execute(select(bookings).where(
            bookings.c.organisation_code == organisation_code, bookings.c.status == BookingStatus.PENDING.code)
            .order_by(bookings.c.day, bookings.c.id))
        return [booking_from_row(r) for r in rows]

    def absences_of(self, child_id: str, start: date, end: date) -> Mapping[Cell, AbsenceRecord]:
        """The child's absences in the range, by cell."""
        rows = self._connection.execute(_ABSENCES_OF, {"p_child": child_id, "p_start": start, "p_end": end})
        return {(r.service_code, r.day): absence_from_row(r) for r in rows}

    def add_absences(self, items: Sequence[AbsenceRecord]) -> Collection[Cell]:
        """Insert-or-ignore in one executemany; the cells this call added."""
        if not items:
            return []
        statement = insert_ignore(self._connection, absences, CELL_COLUMNS).returning(
            absences.c.service_code, absences.c.day)
        rows = self._connection.execute(statement, [absence_to_values(a) for a in items])
        return [(r.service_code, r.day) for r in rows]

    def absence(self, absence_id: str) -> AbsenceRecord | None:
        """The absence with this id."""
        row = self._connection.execute(select(absences).where(absences.c.id == absence_id)).first()
        return absence_from_row(row) if row else None

    def decide_absence(self, absence: AbsenceRecord) -> bool:
        """Conditional write: only an absence still pending changes."""
        values = absence_to_values(absence)
        del values["id"]
        result = self._connection.execute(update(absences).where(
            absences.c.id == absence.id, absences.c.status == AbsenceStatus.PENDING.code).values(values))
        return bool(result.rowcount)

    def delete_absence(self, absence_id: str) -> None:
        """Remove an absence."""
        self._connection.execute(delete(absences).where(absences.c.id == absence_id))

    def pending_absences(self, organisation_code: str) -> Sequence[AbsenceRecord]:
        """The organisation's absences waiting for an agent."""
        rows = self._connection.execute(select(absences).where(
            absences.c.organisation_code == organisation_code, absences.c.status == AbsenceStatus.PENDING.code)
            .order_by(absences.c.day, absences.c.id))
        return [absence_from_row(r) for r in rows]

    def set_attendance(self, record: AttendanceRecord) -> None:
        """Insert or replace the pointage of a cell."""
        changing = ("status", "arrival", "departure", "recorded_by", "recorded_at")
        self._connection.execute(_upsert(self._connection, attendance, CELL_COLUMNS, changing),
                                 attendance_to_values(record))

    def attendance_of(self, child_id: str, start: date, end: date) -> Sequence[AttendanceRecord]:
        """The child's pointages in the range."""
        rows = self._connection.execute(_ATTENDANCE_OF, {"p_child": child_id, "p_start": start, "p_end": end})
        return [attendance_from_row(r) for r in rows]

    def attendance_on(self, organisation_code: str, day: date) -> Sequence[AttendanceRecord]:
        """The organisation's pointages of a day."""
        rows = self._connection.execute(select(attendance).where(
            attendance.c.organisation_code == organisation_code, attendance.c.day == day))
        return [attendance_from_row(r) for r in rows]

    def expected_on(self, organisation_code: str, day: date) -> Sequence[ExpectedChild]:
        """Booked, not absent, with the pratique of the child's record: one query."""
        rows = self._connection.execute(_EXPECTED, {"p_org": organisation_code, "p_day": day})
        return [ExpectedChild(r.child_id, r.service_code,
                              r.pratique.get("libelle") if isinstance(r.pratique, dict) else None) for r in rows]

    def pointage_between(self, organisation_code: str, first: date, last: date
                         ) -> tuple[Collection[tuple[str, str, date]], Sequence[AttendanceRecord]]:
        """The pointages and the cells expected of the range: one UNION ALL query (an expected cell's
        row has no status: a pointage always has one)."""
        expected, recorded = [], []
        for row in self._connection.execute(_POINTAGE_BETWEEN, {"p_org": organisation_code, "p_start": first,
                                                                "p_end": last}):
            if row.status is None:
                expected.append((row.child_id, row.service_code, row.day))
            else:
                recorded.append(attendance_from_row(row))
        return expected, recorded

    def expected_counts(self, organisation_code: str, day: date) -> Mapping[tuple[str, str | None], int]:
        """`expected_on` summed per service and pratique by the database: one grouped query."""
        rows = self._connection.execute(_EXPECTED_COUNTS, {"p_org": organisation_code, "p_day": day})
        return {(r.service_code, r.pratique): int(r.n) for r in rows}

    def add_events(self, events: Sequence[PlanningEvent]) -> None:
        """Append to the history: one statement (from arrays on PostgreSQL, a driver's executemany on SQLite)."""
        if not events:
            return
        values = [event_to_values(e) for e in events]
        if self._connection.dialect.name == "postgresql":
            names = list(values[0])
            rows, params = unnest_select(self._connection, planning_events, names, values, "e")
            self._connection.exec_driver_sql(
                f"INSERT INTO {self._name(planning_events)} ({', '.join(names)}) {rows}", params)
            return
        bulk_insert(self._connection, planning_events, values)  # each distinct instant converted once

    def events_of(self, child_id: str, start: date, end: date) -> Sequence[PlanningEvent]:
        """The child's history in the range, oldest first."""
        rows = self._connection.execute(select(planning_events).where(_cell_range(planning_events))
                                        .order_by(planning_events.c.happened_at, planning_events.c.id),
                                        {"p_child": child_id, "p_start": start, "p_end": end})
        return [event_from_row(r) for r in rows]

    def child_names(self, child_ids: Collection[str]) -> Mapping[str, tuple[str, str]]:
        """(nom, prénom) by child id."""
        if not child_ids:
            return {}
        rows = self._connection.execute(select(children.c.id, children.c.nom, children.c.prenom)
                                        .where(children.c.id.in_(list(child_ids))))
        return {r.id: (r.nom, r.prenom) for r in rows}

    def calendar_feed(self, child_id: str, family_id: str) -> CalendarFeed | None:
        """The family's feed of the child, or None."""
        row = self._connection.execute(select(calendar_feeds).where(
            calendar_feeds.c.child_id == child_id, calendar_feeds.c.family_id == family_id)).first()
        return _feed(row) if row else None

    def calendar_feed_by_digest(self, token_digest: str) -> CalendarFeed | None:
        """The feed whose secret has this digest, or None."""
        row = self._connection.execute(
            select(calendar_feeds).where(calendar_feeds.c.token_digest == token_digest)).first()
        return _feed(row) if row else None

    def add_calendar_feed(self, feed: CalendarFeed) -> bool:
        """Insert-or-ignore on (child, family): a first feed committed meanwhile by another request stays."""
        statement = insert_ignore(self._connection, calendar_feeds, FEED_KEY).returning(calendar_feeds.c.child_id)
        return self._connection.execute(statement, _feed_row(feed)).first() is not None

    def save_calendar_feed(self, feed: CalendarFeed) -> None:
        """Replace the family's feed of the child: an upsert on (child, family), so that two revokes at
        once both succeed and the last one committed stays (a delete then insert would let the second
        insert meet the row the first committed meanwhile)."""
        self._connection.execute(_upsert(self._connection, calendar_feeds, FEED_KEY,
                                         ("nonce", "token_digest", "created_at")), _feed_row(feed))


#: What makes a feed one family's feed of one child.
FEED_KEY = ("child_id", "family_id")


def _feed_row(feed: CalendarFeed) -> dict[str, Any]:
    return {"child_id": feed.child_id, "family_id": feed.family_id, "nonce": feed.nonce,
            "token_digest": feed.token_digest, "created_at": feed.created_at}


def _feed(row: Row[Any]) -> CalendarFeed:
    return CalendarFeed(row.child_id, row.family_id, row.nonce, row.token_digest, row.created_at)
