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
from famille.kernel.planning.inputs import AbsenceState, Attendance, BookingState
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


@attrs.frozen
class MonthTemplate:
    """The calendar of a month and what each of its cells is for every child, for one organisation.

    `static` holds, per service, the cell of each day the calendar alone decides (a holiday, a
    closure, a day the service does not open), None on the days it opens; `deadlines` the deadlines
    of the cells of those open days. `rows` overlays a child's facts on them.
    """

    calendar: OrganisationCalendar
    days: tuple[date, ...]
    deadlines: Mapping[tuple[str, date], Mapping[ActionKind, Deadline]]
    static: Mapping[str, tuple[Cell | None, ...]]
    #: each cell's deadline instants in UTC by (service, day, action), compared with now as `is_before` does
    _utc: Mapping[tuple[str, date, ActionKind], datetime]
    #: cells already built from a child's status: the few shapes a cell takes, shared between requests
    _built: dict[Hashable, Cell] = attrs.field(factory=dict, eq=False)

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
        utc = {(*key, action): found.instant.astimezone(UTC) for key, cell in deadlines.items()
               for action, found in cell.items()}
        return cls(calendar, days, MappingProxyType(deadlines), MappingProxyType(static), MappingProxyType(utc))

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
        allowed: dict[date, bool] = {}  # the horizon's answer for each day, asked once per request
        bookings, absences, ticks = facts.bookings, facts.absences, facts.attendance
        rows = []
        for service in services:
            enrolments = [e for e in facts.enrolments if e.service_code == service]
            cells: list[Cell] = []
            for day, static in zip(self.days, self.static[service], strict=True):
                if static is not None:
                    cells.append(static)
                    continue
                key = (service, day)
                enrolment = next((e for e in enrolments if e.start <= day and (e.end is None or day <= e.end)), None)
                booking, absence, tick = bookings.get(key), absences.get(key), ticks.get(key)
                if booking is None and absence is None and tick is None:  # `child_status` of a cell left alone
                    status = (CellStatus.HORS_INSCRIPTION if enrolment is None
                              else CellStatus.PASSE if day < today else CellStatus.LIBRE)
                else:
                    status = child_status(day, service, CellFacts(enrolment, booking or _NO_BOOKING,
                                                                  absence or _NO_ABSENCE, tick or _NO_ATTENDANCE),
                                          today)
                cells.append(self._cell(key, status, now, now_utc, horizon, allowed))
            rows.append(PlanningRow(service, tuple(cells)))
        return tuple(rows)

    def _cell(self, key: tuple[str, date], status: CellStatus, now: datetime, now_utc: datetime,
              horizon: BookingHorizon | None, allowed: dict[date, bool]) -> Cell:
        """The cell of `status` on a day the service opens, built once per shape and shared."""
        service, day = key
        if status not in _ACTING:
            shape: Hashable = (day, status)
        else:  # what `finish_cell` depends on: whether the deadline is shown, and whether it has passed
            relevant = relevant_action(status)
            shown = relevant is not ActionKind.RESERVER or horizon is None or allowed.get(day)
            if shown is None:
                shown = allowed[day] = horizon.allows(now, day)  # type: ignore[union-attr]
            instant = self._utc.get((service, day, relevant)) if shown else None
            shape = (service, day, status, shown, instant is not None and now_utc < instant)
        found = self._built.get(shape)
        if found is None:
            found = Cell(day, status) if status not in _ACTING else finish_cell(
                day, status, now, self.deadlines[key], horizon)
            self._built[shape] = found
        return found


class MonthTemplates:
    """Month templates per process, keyed by what they are computed from (bounded, least recently used).

    Safe from several threads: the worst case is two threads computing the same month once each.
    """

    def __init__(self, size: int = SIZE) -> None:
        self._items: RecentlyUsed[Hashable, MonthTemplate] = RecentlyUsed(size)
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
