"""A month computed once: what every child of an organisation shares in the month grid.

The grid of a month is the same for every child of an organisation except for the child's
enrolments, bookings, absences and attendance: the calendar (day kinds, closures) and each
cell's deadlines depend only on the organisation, its services and closures, the month and
the deadline rules. `MonthTemplates` keeps those per process, keyed by everything they are
computed from: the organisation and its services, the closures as read from the database in
the request (a closure declared or removed by any worker changes the key), and
the deadline rules the rule files give for those services (a reload that changes them changes
the key). A request then only overlays the child's own facts (`grid.month_grid`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from types import MappingProxyType

import attrs

from famille.kernel.calendar.model import OrganisationCalendar
from famille.kernel.planning.context import OrganisationSetup
from famille.kernel.planning.grid import ActionKind, Deadline, DeadlineSpecs, cell_deadlines, days_of_month

#: Months kept per process (organisations × months asked; each is a few hundred small values).
SIZE = 512


@attrs.frozen
class MonthTemplate:
    """The calendar of a month and the deadlines of each of its cells, for one organisation."""

    calendar: OrganisationCalendar
    deadlines: Mapping[tuple[str, date], Mapping[ActionKind, Deadline]]

    @classmethod
    def build(cls, month: date, services: Sequence[str], calendar: OrganisationCalendar,
              specs: DeadlineSpecs) -> MonthTemplate:
        """Compute every cell's deadlines of the month (the work a template saves)."""
        deadlines = {(service, day): MappingProxyType(cell_deadlines(day, service, calendar, specs))
                     for service in services for day in days_of_month(month)}
        return cls(calendar, MappingProxyType(deadlines))

    def deadlines_of(self, service_code: str, day: date) -> Mapping[ActionKind, Deadline]:
        """The deadlines of a cell (the shape `month_grid` takes as `known`)."""
        return self.deadlines[(service_code, day)]


class MonthTemplates:
    """Month templates per process, keyed by what they are computed from (bounded, least recently used).

    Safe from several threads: the worst case is two threads computing the same month once each.
    """

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, MonthTemplate] = OrderedDict()
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
        rules = tuple(setup.deadlines.rule(service, weekday, action)
                      for service in services for weekday in range(7) for action in ActionKind)
        # every closure loaded (the school year's), not only the month's: a deadline counted in working
        # days may reach back into the previous month
        closures = tuple(sorted(((c.id, c.closure) for c in setup.closures), key=lambda pair: pair[0]))
        key = (setup.organisation, tuple(setup.services[s] for s in services), first, closures, rules)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        template = MonthTemplate.build(first, services, setup.calendar(first), setup.deadlines.spec)
        with self._lock:
            self.built += 1
            self._items[key] = template
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return template
