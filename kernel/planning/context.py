"""Everything one use case needs to judge the cells of a child: loaded once, in one unit of work."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from typing import Any

import attrs

from famille.kernel.calendar.loading import build_calendar
from famille.kernel.calendar.model import OrganisationCalendar, SchoolYear
from famille.kernel.families.model import Child
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.planning.records import AbsenceRecord, BookingRecord, DeclaredClosure
from famille.kernel.planning.rules import DeadlineRules
from famille.kernel.planning.scope import PlanningScope, enrolment_covering
from famille.kernel.shared.errors import NotFound
from famille.kernel.shared.organisations import Organisation, Service, Structure
from famille.kernel.shared.recent import RecentlyUsed
from famille.ports.calendar import HolidayCalendar
from famille.ports.persistence import UnitOfWork
from famille.ports.planning_persistence import Cell
from famille.ports.rules import Rules


@attrs.define
class OrganisationSetup:
    """An organisation with its structures, services, closures and calendars (built on demand)."""

    organisation: Organisation
    structures: Mapping[str, Structure]
    services: Mapping[str, Service]  # by code
    closures: Sequence[DeclaredClosure]
    source: HolidayCalendar
    deadlines: DeadlineRules
    _calendars: dict[SchoolYear, OrganisationCalendar] = attrs.field(factory=dict)
    #: values derived from this setup (the month templates it was matched to): kept as long as the setup is,
    #: for one use case or, in `OrganisationSetups`, while its version and the rules in force stay
    derived: dict[Hashable, Any] = attrs.field(factory=dict)

    @classmethod
    def load(
        cls, uow: UnitOfWork, organisation_code: str, first: date, last: date, source: HolidayCalendar, rules: Rules
    ) -> OrganisationSetup:
        """Load the organisation and the closures of the school years from `first` to `last`."""
        (setup,) = cls.load_many(uow, [organisation_code], first, last, source, rules)
        return setup

    @classmethod
    def load_many(
        cls, uow: UnitOfWork, organisation_codes: Sequence[str], first: date, last: date, source: HolidayCalendar,
        rules: Rules,
    ) -> list[OrganisationSetup]:
        """`load` for several organisations (in the order given, each once), in two queries whatever their number."""
        codes = list(dict.fromkeys(organisation_codes))
        found = uow.organisations.with_services(codes)
        if any(code not in found for code in codes):
            raise NotFound("Organisation introuvable.")
        start, end = SchoolYear.containing(first).start, SchoolYear.containing(last).end
        closures = uow.planning.closures_of(codes, start, end) if codes else ()
        return [cls(
            organisation=found[code][0],
            structures={s.id: s for s in found[code][1]},
            services={s.code: s for s in found[code][2]},
            closures=[c for c in closures if c.organisation_code == code],
            source=source,
            deadlines=DeadlineRules(rules, code),
        ) for code in codes]

    def calendar(self, day: date) -> OrganisationCalendar:
        """The calendar of the school year of `day`."""
        year = SchoolYear.containing(day)
        found = self._calendars.get(year)
        if found is None:
            closures = [c.closure for c in self.closures if year.contains(c.closure.day)]
            found = self._calendars[year] = build_calendar(
                self.source, self.organisation, self.services.values(), closures, year
            )
        return found

    def structure_of(self, service_code: str) -> Structure | None:
        """The structure offering `service_code`, if the organisation has it."""
        service = self.services.get(service_code)
        return self.structures.get(service.structure_id) if service else None


#: Setups kept per process by `OrganisationSetups` (organisations × school-year ranges asked), the least
#: recently used forgotten first.
SETUPS = 256


class OrganisationSetups:
    """The organisations' setups kept per process, each reused while the store's version of it
    (`GridCells.setup_versions`) and the version of the rule files in force stay the same.

    The store raises an organisation's version whenever the organisation, its structures, services or
    closures change, whichever process changed them: a request that read the versions already reads no
    setup unless one moved. Safe from several threads: the worst case is two threads loading the same
    setup once each.
    """

    def __init__(self, source: HolidayCalendar, rules: Rules, size: int = SETUPS) -> None:
        self._source = source
        self._rules = rules
        #: by (organisation, first and last day of the school years): (version, rules version, setup)
        self._items: RecentlyUsed[tuple[str, date, date], tuple[int, str, OrganisationSetup]] = RecentlyUsed(size)
        self.loaded = 0

    def load_many(self, uow: UnitOfWork, organisation_codes: Sequence[str], first: date, last: date,
                  versions: Mapping[str, int]) -> list[OrganisationSetup]:
        """`OrganisationSetup.load_many`, reading only the setups whose version in `versions` moved since they
        were kept (or that have none there: those are read every time)."""
        codes = list(dict.fromkeys(organisation_codes))
        start, end = SchoolYear.containing(first).start, SchoolYear.containing(last).end
        rules = self._rules.version  # read before loading: a reload meanwhile only wastes what is kept
        found: dict[str, OrganisationSetup] = {}
        for code in codes:
            kept = self._items.get((code, start, end))
            if kept is not None and (kept[0], kept[1]) == (versions.get(code), rules):
                found[code] = kept[2]
        missing = [code for code in codes if code not in found]
        if missing:
            self.loaded += 1
            for setup in OrganisationSetup.load_many(uow, missing, first, last, self._source, self._rules):
                code = setup.organisation.code
                found[code] = setup
                version = versions.get(code)
                if version is not None:  # read before the setup was: the setup is as new as that version at least
                    self._items.put((code, start, end), (version, rules, setup))
        return [found[code] for code in codes]


@attrs.frozen
class ChildCells:
    """A child's enrolments, bookings and absences over a range of days (those of one scope)."""

    child: Child
    enrolments: tuple[Enrolment, ...]
    bookings: Mapping[Cell, BookingRecord]
    absences: Mapping[Cell, AbsenceRecord]
    #: the setup versions read with the cells (`ChildrenCells.setup_versions`), for `OrganisationSetups`
    setup_versions: Mapping[str, int] = attrs.field(factory=dict)

    @classmethod
    def load(cls, uow: UnitOfWork, child: Child, first: date, last: date, scope: PlanningScope | None = None
             ) -> ChildCells:
        """Read them from the planning repository; with a scope, only its enrolments and its organisation's cells."""
        loaded = cls.load_many(uow, [child], first, last)[child.id]
        return loaded if scope is None else loaded.within(scope)

    @classmethod
    def load_many(cls, uow: UnitOfWork, children: Sequence[Child], first: date, last: date) -> dict[str, ChildCells]:
        """Read them for several children at once (the same few queries whatever their number), by child id."""
        found = uow.planning.cells_of([child.id for child in children], first, last)
        return {child.id: cls(
            child=child,
            enrolments=tuple(e for e in found.enrolments if e.child_id == child.id),
            bookings={(b.service_code, b.day): b for b in found.bookings if b.child_id == child.id},
            absences={(a.service_code, a.day): a for a in found.absences if a.child_id == child.id},
            setup_versions=found.setup_versions,
        ) for child in children}

    def within(self, scope: PlanningScope) -> ChildCells:
        """Only what `scope` sees: its enrolments, its organisation's bookings and absences."""
        return ChildCells(self.child, scope.enrolments,
                          {cell: b for cell, b in self.bookings.items() if scope.includes(b.organisation_code)},
                          {cell: a for cell, a in self.absences.items() if scope.includes(a.organisation_code)},
                          self.setup_versions)

    def enrolment(self, service_code: str, day: date) -> Enrolment | None:
        """The enrolment covering the cell, if any."""
        return enrolment_covering(self.enrolments, service_code, day)
