"""The monthly planning of a child: one row per service, one cell per day, with the actions open.

Pure: the deadline rules come in as `DeadlineSpec`s (a mapping or a function), the
current instant as `now`; nothing here asks a rules engine or reads the clock.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import enum
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

import attrs

from famille.kernel.calendar.deadlines import (
    BookingHorizon,
    DeadlineSpec,
    deadline_for,
    describe_deadline,
    is_before,
)
from famille.kernel.calendar.model import OrganisationCalendar
from famille.kernel.planning.cells import CellFacts, CellStatus, cell_status
from famille.kernel.planning.inputs import AbsenceState, Attendance, BookingState, Enrolment
from famille.kernel.shared.french_dates import day_header
from famille.kernel.shared.time import require_aware


class ActionKind(enum.Enum):
    """What a family may ask on a cell; the value is the `action` fact of the deadline rules."""

    RESERVER = "reservation"
    DECLARER_ABSENCE = "annulation"

    @property
    def label(self) -> str:
        """The French label of the menu entry."""
        return "Demande de réservation" if self is ActionKind.RESERVER else "Déclarer une absence"


@attrs.frozen
class Deadline:
    """A deadline instant (aware, Europe/Paris) and the id of the rule that set it."""

    instant: datetime
    rule_id: str | None

    @functools.cached_property
    def description(self) -> str:
        """« jeudi 4 décembre 2025 à 23h59 » (written once: a month's deadlines are shared by every request)."""
        return describe_deadline(self.instant)


@attrs.frozen
class CellAction:
    """An action open on a cell, with the deadline it must be made before."""

    kind: ActionKind
    deadline: Deadline

    @property
    def label(self) -> str:
        """The French label of the action."""
        return self.kind.label


#: Statuses where the family holds a place it may cancel by declaring an absence (a past day with
#: nothing pointed too: past its deadline, only an agent may still declare the absence).
CANCELLABLE = frozenset({CellStatus.RESERVE, CellStatus.RESERVATION_EN_COURS, CellStatus.DEMANDE_EN_ATTENTE,
                         CellStatus.RESERVATION_HORS_CONTRAT, CellStatus.ABSENCE_A_VERIFIER})
#: Statuses a family may book (before the booking deadline): a free day, or a day it declared absent
#: and wants back (booking withdraws the absence; the booking under it stands again).
BOOKABLE = frozenset({CellStatus.LIBRE, CellStatus.ABSENT_EXCUSE, CellStatus.ABSENCE_EN_COURS})


def agent_action(status: CellStatus) -> ActionKind | None:
    """What an agent may do for the family on a cell of `status`, whatever the deadline: book a free
    cell (a past one too: a regularisation) or withdraw an absence, declare an absence where a place
    is held (the kernel records it as late if it is)."""
    if status in BOOKABLE or status is CellStatus.PASSE:
        return ActionKind.RESERVER
    return ActionKind.DECLARER_ABSENCE if status in CANCELLABLE else None


#: Deadline rules by (service code, weekday of the booked day 0 = Monday, action), or a
#: function of (service code, day, action); None means « this action is never open ».
DeadlineSpecs = (
    Mapping[tuple[str, int, ActionKind], DeadlineSpec | None]
    | Callable[[str, date, ActionKind], DeadlineSpec | None]
)


def _spec(specs: DeadlineSpecs, service_code: str, day: date, action: ActionKind) -> DeadlineSpec | None:
    if isinstance(specs, Mapping):
        return specs.get((service_code, day.weekday(), action))
    return specs(service_code, day, action)


def open_actions(status: CellStatus, now: datetime, deadlines: Mapping[ActionKind, Deadline]) -> tuple[CellAction, ...]:
    """The actions open on a cell of `status` at `now`.

    Booking when the cell is `BOOKABLE`, declaring an absence when a place is held;
    each only strictly before its deadline (and never without one).
    """
    now = require_aware(now)
    wanted = ActionKind.RESERVER if status in BOOKABLE else None
    if status in CANCELLABLE:
        wanted = ActionKind.DECLARER_ABSENCE
    deadline = deadlines.get(wanted) if wanted is not None else None
    if wanted is None or deadline is None or not is_before(now, deadline.instant):
        return ()
    return (CellAction(wanted, deadline),)


@attrs.frozen
class Cell:
    """One day of one service: its status, the actions open, and the deadline that applies."""

    day: date
    status: CellStatus
    actions: tuple[CellAction, ...] = ()
    deadline: Deadline | None = None

    @property
    def header(self) -> str:
        """The column header, « Ve 05 »."""
        return day_header(self.day)


@attrs.frozen
class PlanningRow:
    """The cells of one service of one structure for a month, one per day, under its organisation's rules."""

    service_code: str
    cells: tuple[Cell, ...]
    organisation_code: str | None = None
    structure_id: str | None = None


def days_of_month(month: date) -> tuple[date, ...]:
    """Every day of the month of `month`."""
    return _days_of_month(month.year, month.month)


@functools.lru_cache(maxsize=1024)
def _days_of_month(year: int, month: int) -> tuple[date, ...]:
    length = _stdlib_calendar.monthrange(year, month)[1]
    return tuple(date(year, month, number) for number in range(1, length + 1))


def _frozen(value: Mapping[tuple[str, date], Any]) -> Mapping[tuple[str, date], Any]:
    return MappingProxyType(dict(value))


def _enrolments(value: Iterable[Enrolment]) -> tuple[Enrolment, ...]:
    return tuple(value)


@attrs.frozen
class PlanningFacts:
    """What is known of a child for the grid, keyed by (service code, day)."""

    enrolments: tuple[Enrolment, ...] = attrs.field(default=(), converter=_enrolments)
    bookings: Mapping[tuple[str, date], BookingState] = attrs.field(factory=dict, converter=_frozen)
    absences: Mapping[tuple[str, date], AbsenceState] = attrs.field(factory=dict, converter=_frozen)
    attendance: Mapping[tuple[str, date], Attendance] = attrs.field(factory=dict, converter=_frozen)

    def enrolment(self, service_code: str, day: date) -> Enrolment | None:
        """The enrolment covering `day` in `service_code`, if any."""
        return next((e for e in self.enrolments if e.covers(day, service_code)), None)

    def cell(self, service_code: str, day: date) -> CellFacts:
        """What is known of the child on the cell of `service_code` on `day`."""
        key = (service_code, day)
        return CellFacts(
            self.enrolment(service_code, day),
            booking=self.bookings.get(key, BookingState.none()),
            absence=self.absences.get(key, AbsenceState.none()),
            attendance=self.attendance.get(key, Attendance.none()),
        )


def cell_deadlines(
    day: date, service_code: str, calendar: OrganisationCalendar, specs: DeadlineSpecs
) -> dict[ActionKind, Deadline]:
    """The deadline of each action on a cell (an action without a rule has none)."""
    found = {}
    for action in ActionKind:
        spec = _spec(specs, service_code, day, action)
        if spec is not None:
            found[action] = Deadline(deadline_for(day, spec, calendar), spec.rule_id)
    return found


def build_cell(
    day: date,
    service_code: str,
    *,
    calendar: OrganisationCalendar,
    facts: PlanningFacts,
    now: datetime,
    specs: DeadlineSpecs,
    horizon: BookingHorizon | None = None,
) -> Cell:
    """The cell of `service_code` on `day` as the family sees it at `now`."""
    now = require_aware(now)
    status = cell_status(day, service_code, calendar=calendar, facts=facts.cell(service_code, day), today=now.date())
    if not takes_action(status):
        return Cell(day, status)
    return finish_cell(day, status, now, cell_deadlines(day, service_code, calendar, specs), horizon)


def takes_action(status: CellStatus) -> bool:
    """Whether a family may act on a cell of `status` (book a free cell or one it declared absent,
    cancel a held place)."""
    return status in BOOKABLE or status in CANCELLABLE


def relevant_action(status: CellStatus) -> ActionKind:
    """The action whose deadline a cell of `status` shows (one that `takes_action`)."""
    return ActionKind.RESERVER if status in BOOKABLE else ActionKind.DECLARER_ABSENCE


def finish_cell(day: date, status: CellStatus, now: datetime, deadlines: Mapping[ActionKind, Deadline],
                horizon: BookingHorizon | None) -> Cell:
    """The cell of a status that `takes_action`: the action open before its deadline, and that deadline.

    Booking is not open beyond the `horizon` (its deadline is then not shown either).
    """
    if horizon is not None and not horizon.allows(now, day):
        deadlines = {kind: found for kind, found in deadlines.items() if kind is not ActionKind.RESERVER}
    return Cell(day, status, open_actions(status, now, deadlines), deadlines.get(relevant_action(status)))


def month_grid(
    month: date,
    services: Iterable[str],
    *,
    calendar: OrganisationCalendar,
    facts: PlanningFacts,
    now: datetime,
    specs: DeadlineSpecs,
    horizon: BookingHorizon | None = None,
) -> tuple[PlanningRow, ...]:
    """The planning of the month of `month`: one row per service, in the order given."""
    days: Sequence[date] = days_of_month(month)
    return tuple(
        PlanningRow(
            service,
            tuple(
                build_cell(day, service, calendar=calendar, facts=facts, now=now, specs=specs, horizon=horizon)
                for day in days
            ),
        )
        for service in services
    )
