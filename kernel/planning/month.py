"""A month computed once: what every child of an organisation shares in the month grid.

The grid of a month is the same for every child of an organisation except for the child's
enrolments, bookings, absences and attendance: the calendar (day kinds, closures) and each
cell's deadlines depend only on the organisation, its services and closures, the month and
the deadline rules. `MonthTemplates` keeps those per process, keyed by everything they are
computed from: the organisation and its services, the closures as read from the database (read
again by `OrganisationSetups` when the organisation's setup version moves: a closure declared or
removed by any worker changes the key), and
the version of the rule files in force (a reload that takes new files changes the key). A
request then only overlays the child's own facts (`MonthTemplate.rows`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from types import MappingProxyType

import attrs

from famille.kernel.calendar.deadlines import BookingHorizon
from famille.kernel.calendar.model import OrganisationCalendar
from famille.kernel.planning.cells import CellFacts, CellStatus, calendar_status, child_status
from famille.kernel.planning.context import OrganisationSetup
from famille.kernel.planning.grid import (
    BOOKABLE,
    CANCELLABLE,
    ActionKind,
    Cell,
    Deadline,
    DeadlineSpecs,
    PlanningFacts,
    PlanningRow,
    cell_deadlines,
    days_of_month,
    finish_cell,
    relevant_action,
)
from famille.kernel.planning.inputs import AbsenceState, Attendance, BookingState, Enrolment
from famille.kernel.shared.recent import RecentlyUsed
from famille.kernel.shared.time import require_aware

#: Months kept per process (organisations × months asked; each is a few hundred small values).
SIZE = 512


_NO_BOOKING = BookingState.none()
_NO_ABSENCE = AbsenceState.none()
_NO_ATTENDANCE = Attendance.none()
_NONE: Mapping[ActionKind, Deadline] = MappingProxyType({})
#: The statuses a family acts on (`grid.takes_action`).
_ACTING = BOOKABLE | CANCELLABLE
_NOBODY: tuple[None, ...] = (None,)


#: The cells of a status a family acts on, on one day, at index 2 × (its deadline is shown) + (it has not passed),
#: built when first needed (what `finish_cell` gives depends on nothing else); and whether the status is one a
#: family books (`grid.BOOKABLE`: its deadline is the booking's, hidden beyond the horizon).
_Acting = tuple[bool, list[Cell | None]]


@attrs.frozen
class _OpenDay:
    """A day a service opens, with what a request reads of it: its index in the month, its key in the
    child's facts, its deadline instants in UTC (None: no rule), and the cells it takes, shared between requests."""

    index: int
    day: date
    key: tuple[str, date]
    booking_until: datetime | None
    cancelling_until: datetime | None
    #: the cells a day takes when the child has no fact on it: out of its enrolments, past, free
    outside: Cell
    past: Cell
    free: _Acting
    #: the cell of each status the calendar leaves to the child's facts (`_Acting` for one the family acts on)
    shapes: dict[CellStatus, Cell | _Acting] = attrs.field(eq=False)

    @classmethod
    def of(cls, index: int, key: tuple[str, date], deadlines: Mapping[ActionKind, Deadline]) -> _OpenDay:
        """The day of `key`, the `index`-th of its month, with the deadlines of its cell."""
        def until(action: ActionKind) -> datetime | None:  # compared with now as `is_before` does
            found = deadlines.get(action)
            return None if found is None else found.instant.astimezone(UTC)

        day = key[1]
        outside, past = Cell(day, CellStatus.HORS_INSCRIPTION), Cell(day, CellStatus.PASSE)
        free: _Acting = (True, [None] * 4)
        shapes: dict[CellStatus, Cell | _Acting] = {CellStatus.HORS_INSCRIPTION: outside, CellStatus.PASSE: past,
                                                    CellStatus.LIBRE: free}
        return cls(index, day, key, until(ActionKind.RESERVER), until(ActionKind.DECLARER_ABSENCE), outside, past,
                   free, shapes)

    def shape(self, status: CellStatus) -> Cell | _Acting:
        """The cell of `status` on this day, or the cells of a status the family acts on."""
        found = self.shapes.get(status)
        if found is None:  # a few statuses per day at most, kept (two threads may both build one: equal values)
            found = ((relevant_action(status) is ActionKind.RESERVER, [None] * 4) if status in _ACTING
                     else Cell(self.day, status))
            self.shapes[status] = found
        return found


@attrs.frozen
class MonthTemplate:
    """The calendar of a month and what each of its cells is for every child, for one organisation.

    `static` holds, per service, the cell of each day the calendar alone decides (a holiday, a
    closure, a day the service does not open), None on the days it opens; `deadlines` the deadlines
    of the cells of those open days. `rows` overlays a child's facts on them, visiting only the open
    days and taking the cells they are given from those kept (few shapes per day), shared between requests.
    """

    calendar: OrganisationCalendar
    days: tuple[date, ...]
    deadlines: Mapping[tuple[str, date], Mapping[ActionKind, Deadline]]
    static: Mapping[str, tuple[Cell | None, ...]]
    #: per service, the days it opens and what a request reads of each (the cells it took, shared between requests)
    _open: Mapping[str, tuple[_OpenDay, ...]]

    @classmethod
    def build(cls, month: date, services: Sequence[str], calendar: OrganisationCalendar,
              specs: DeadlineSpecs) -> MonthTemplate:
        """Compute every cell's calendar status and deadlines of the month (the work a template saves)."""
        days = days_of_month(month)
        static: dict[str, tuple[Cell | None, ...]] = {}
        for service in services:
            decided = [calendar_status(day, service, calendar) for day in days]
            static[service] = tuple(None if status is None else Cell(day, status)
                                    for day, status in zip(days, decided, strict=True))
        # a day the calendar shuts takes no action: only the days the service opens need deadlines
        deadlines = {(service, day): MappingProxyType(cell_deadlines(day, service, calendar, specs))
                     for service in services for day, cell in zip(days, static[service], strict=True) if cell is None}
        opened = {service: tuple(_OpenDay.of(index, (service, day), deadlines[service, day])
                                 for index, (day, cell) in enumerate(zip(days, static[service], strict=True))
                                 if cell is None)
                  for service in services}
        return cls(calendar, days, MappingProxyType(deadlines), MappingProxyType(static), MappingProxyType(opened))

    def opens(self, service_code: str, day: date) -> bool:
        """Whether the service takes children on `day` (a day of the month), as the calendar says."""
        return self.static[service_code][day.day - 1] is None

    def deadlines_of(self, service_code: str, day: date) -> Mapping[ActionKind, Deadline]:
        """The deadlines of a cell of a day the service opens (none on a day the calendar shuts)."""
        return self.deadlines.get((service_code, day), _NONE)

    def rows(self, services: Iterable[str], facts: PlanningFacts, now: datetime,
             horizon: BookingHorizon | None) -> tuple[PlanningRow, ...]:
        """The month grid of a child: what `grid.month_grid` gives, with the month's work done already."""
        now = require_aware(now)
        now_utc, today = now.astimezone(UTC), now.date()
        allowed: list[bool | None] = [None] * len(self.days)  # the horizon's answer for a day, asked once per request
        bookings, absences, ticks = facts.bookings, facts.absences, facts.attendance
        # the cells the child has a fact on, and their services: the other cells take no look-up
        noted = bookings.keys() | absences.keys() | ticks.keys()
        noted_services = {service for service, _ in noted}
        enrolled: dict[str, list[Enrolment]] = {}
        for each in facts.enrolments:
            enrolled.setdefault(each.service_code, []).append(each)
        rows = []
        for service in services:
            cells = list(self.static[service])
            covering = self._covering(enrolled.get(service))
            looked_up = service in noted_services
            for open_day in self._open[service]:
                index, day = open_day.index, open_day.day
                enrolment = covering[index]
                if looked_up and open_day.key in noted:
                    key = open_day.key
                    status = child_status(day, service, CellFacts(
                        enrolment, bookings.get(key, _NO_BOOKING), absences.get(key, _NO_ABSENCE),
                        ticks.get(key, _NO_ATTENDANCE)), today)
                    shape = open_day.shape(status)
                    if type(shape) is Cell:
                        cells[index] = shape
                        continue
                # what `child_status` gives a cell the child has no fact on
                elif enrolment is None:
                    cells[index] = open_day.outside
                    continue
                elif day < today:
                    cells[index] = open_day.past
                    continue
                else:
                    status, shape = CellStatus.LIBRE, open_day.free
                # a status the family acts on: what `finish_cell` depends on is whether the deadline is shown
                # (a booking beyond the horizon is not), and whether it has passed
                booked, built = shape  # type: ignore[misc]  # not a Cell
                if booked:
                    shown = True if horizon is None else allowed[index]
                    if shown is None:
                        shown = allowed[index] = horizon.allows(now, day)  # type: ignore[union-attr]
                    until = open_day.booking_until if shown else None
                else:
                    shown, until = True, open_day.cancelling_until
                slot = 2 * shown + (until is not None and now_utc < until)
                cell = built[slot]
                if cell is None:
                    cell = built[slot] = finish_cell(day, status, now, self.deadlines[open_day.key], horizon)
                cells[index] = cell
            rows.append(PlanningRow(service, tuple(cells)))  # type: ignore[arg-type]  # every open day is filled
        return tuple(rows)

    def _covering(self, enrolments: list[Enrolment] | None) -> Sequence[Enrolment | None]:
        """The enrolment covering each day of the month (the first of `enrolments` that does), None where none does."""
        length = len(self.days)
        if not enrolments:
            return _NOBODY * length
        first = self.days[0]
        covering: list[Enrolment | None] = [None] * length
        for enrolment in reversed(enrolments):  # the first one covering a day is written last
            start = 0 if enrolment.start <= first else min(length, (enrolment.start - first).days)
            end = length if enrolment.end is None else max(0, min(length, (enrolment.end - first).days + 1))
            if start < end:
                covering[start:end] = [enrolment] * (end - start)
        return covering


class MonthTemplates:
    """Month templates per process, keyed by what they are computed from (bounded, least recently used).

    Safe from several threads: the worst case is two threads computing the same month once each.
    """

    def __init__(self, size: int = SIZE) -> None:
        self._items: RecentlyUsed[Hashable, MonthTemplate] = RecentlyUsed(size)
        self.size = size
        self.built = 0

    def month(self, setup: OrganisationSetup, month: date) -> MonthTemplate:
        """The template of the month of `month` for the organisation of `setup`."""
        first = month.replace(day=1)
        matched = setup.derived.get((MonthTemplate, first))
        if isinstance(matched, MonthTemplate):  # this use case found it already
            return matched
        template = self._month(setup, first)
        setup.derived[(MonthTemplate, first)] = template
        return template

    def _month(self, setup: OrganisationSetup, first: date) -> MonthTemplate:
        services = tuple(sorted(setup.services))
        rules = setup.deadlines.version  # the deadline rules: any reload that takes new files changes it
        # every closure loaded (the school year's), not only the month's: a deadline counted in working
        # days may reach back into the previous month
        closures = tuple(sorted(((c.id, c.closure) for c in setup.closures), key=lambda pair: pair[0]))
        key = (setup.organisation, tuple(setup.services[s] for s in services), first, closures, rules)
        found = self._items.get(key)
        if found is not None:
            return found
        template = MonthTemplate.build(first, services, setup.calendar(first), setup.deadlines.spec)
        self.built += 1
        self._items.put(key, template)
        return template
