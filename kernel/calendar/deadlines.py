"""Booking and cancellation deadlines: rule outcomes turned into aware Europe/Paris instants.

The rule files return parameters (« 4 calendar days before at 23:59 »), never
instants; this module applies them to a day with the organisation's calendar.

Wall times that do not exist or happen twice: the instant is built from the naive
local date and time with `fold=0`, then normalised. A time in the spring-forward
gap (02:30 on the last Sunday of March) is read with the winter offset, so it
becomes the instant 03:30 CEST; an ambiguous time (02:30 on the last Sunday of
October) is its first occurrence, still in summer time (CEST).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs

from famille.kernel.calendar.model import OrganisationCalendar, SchoolYear
from famille.kernel.shared.french_dates import WEEKDAYS, describe_instant
from famille.kernel.shared.time import PARIS, require_aware

#: How far back `working_days_before` may look before giving up (a calendar of closures only).
MAX_LOOKBACK_DAYS = 366


class DeadlineKind(enum.Enum):
    """The shapes of deadline a rule may give."""

    CALENDAR_DAYS_BEFORE = "calendar_days_before"
    WORKING_DAYS_BEFORE = "working_days_before"
    PREVIOUS_WEEKDAY = "previous_weekday"
    SAME_DAY = "same_day"


def _parse_time(value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        hours, _, minutes = value.partition(":")
        if hours.isdigit() and minutes.isdigit() and len(minutes) == 2:
            return time(int(hours), int(minutes))
    raise ValueError(f"heure invalide : {value!r} (attendu « HH:MM »)")


@attrs.frozen
class DeadlineSpec:
    """A deadline as a rule states it, and the id of that rule.

    - CALENDAR_DAYS_BEFORE: `days` (≥ 1) calendar days before the day, at `at`;
    - WORKING_DAYS_BEFORE: the `days`-th (≥ 1) working day before the day, at `at`;
    - PREVIOUS_WEEKDAY: the last `weekday` (0 = Monday) strictly before the day, at `at`;
    - SAME_DAY: the day itself at `at` (e.g. a sick child, until 09:00).
    """

    kind: DeadlineKind
    at: time
    days: int = 0
    weekday: int | None = None
    rule_id: str | None = None

    def __attrs_post_init__(self) -> None:
        before = (DeadlineKind.CALENDAR_DAYS_BEFORE, DeadlineKind.WORKING_DAYS_BEFORE)
        if self.kind in before and self.days < 1:
            raise ValueError(f"{self.kind.value} needs days >= 1, not {self.days}")
        if self.kind is DeadlineKind.PREVIOUS_WEEKDAY and self.weekday not in range(7):
            raise ValueError(f"previous_weekday needs a weekday 0..6, not {self.weekday!r}")
        if self.at.tzinfo is not None:
            raise ValueError("the time of a deadline is a wall time, without a zone")

    @classmethod
    def from_outcome(cls, outcome: Mapping[str, Any], *, rule_id: str | None = None) -> DeadlineSpec:
        """Read a rule outcome such as {kind: "working_days_before", days: 2, at: "12:00"}.

        `weekday` is a French day name (« jeudi »); it is only read for
        `previous_weekday` (other kinds may carry it as a reminder for people).
        Raises ValueError for an outcome that is not a deadline (`bookable: false`
        included: see `spec_or_none`).
        """
        if outcome.get("bookable", True) is False:
            raise ValueError("this outcome says the day cannot be booked: it has no deadline")
        try:
            kind = DeadlineKind(outcome["kind"])
        except (KeyError, ValueError) as error:
            raise ValueError(f"unknown deadline kind in {dict(outcome)!r}") from error
        weekday = None
        if kind is DeadlineKind.PREVIOUS_WEEKDAY:
            name = str(outcome.get("weekday", "")).strip().lower()
            if name not in WEEKDAYS:
                raise ValueError(f"unknown French weekday {outcome.get('weekday')!r}")
            weekday = WEEKDAYS.index(name)
        days = outcome.get("days", 0)
        if not isinstance(days, int) or isinstance(days, bool):
            raise ValueError(f"days must be an integer, not {days!r}")
        return cls(kind=kind, at=_parse_time(outcome.get("at")), days=days, weekday=weekday, rule_id=rule_id)


def spec_or_none(outcome: Mapping[str, Any], *, rule_id: str | None = None) -> DeadlineSpec | None:
    """The deadline of a rule outcome, or None when the rule says the day is not bookable."""
    if outcome.get("bookable", True) is False:
        return None
    return DeadlineSpec.from_outcome(outcome, rule_id=rule_id)


def local_instant(day: date, at: time) -> datetime:
    """The aware Europe/Paris instant of wall time `at` on `day` (fold=0, see the module doc)."""
    wall = datetime.combine(day, at.replace(fold=0), tzinfo=PARIS)
    # Through UTC: `astimezone` to the same zone would keep a gap time as it is.
    return wall.astimezone(UTC).astimezone(PARIS)


def is_before(earlier: datetime, later: datetime) -> bool:
    """Whether the instant `earlier` comes strictly before `later`.

    Compared in UTC: two datetimes sharing the Paris zone would otherwise be
    compared by wall time, and 02:30 of the second autumn pass would come « before » 02:45 of the first.
    """
    return require_aware(earlier).astimezone(UTC) < require_aware(later).astimezone(UTC)


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day`, Europe/Paris."""
    return local_instant(day, time(0))


def end_of_day(day: date) -> datetime:
    """Midnight at the end of `day` (the start of the next), Europe/Paris."""
    return start_of_day(day + timedelta(1))


def deadline_day(day: date, spec: DeadlineSpec, calendar: OrganisationCalendar) -> date:
    """The date on which the deadline for booking (or cancelling) `day` falls."""
    if spec.kind is DeadlineKind.SAME_DAY:
        return day
    if spec.kind is DeadlineKind.CALENDAR_DAYS_BEFORE:
        return day - timedelta(spec.days)
    if spec.kind is DeadlineKind.PREVIOUS_WEEKDAY:
        assert spec.weekday is not None
        return day - timedelta((day.weekday() - spec.weekday - 1) % 7 + 1)
    found, candidate = 0, day
    for _ in range(MAX_LOOKBACK_DAYS):
        candidate -= timedelta(1)
        if calendar.is_working_day(candidate):
            found += 1
            if found == spec.days:
                return candidate
    raise ValueError(f"no {spec.days} working days within {MAX_LOOKBACK_DAYS} days before {day}")


def deadline_for(day: date, spec: DeadlineSpec, calendar: OrganisationCalendar) -> datetime:
    """The last instant (aware, Europe/Paris) to book or cancel `day` under `spec`."""
    return local_instant(deadline_day(day, spec, calendar), spec.at)


def is_within_deadline(now: datetime, day: date, spec: DeadlineSpec, calendar: OrganisationCalendar) -> bool:
    """Whether a request made at `now` for `day` is in time.

    Strictly before the deadline: at the deadline instant itself the request is
    late (« jusqu'au jeudi 23h59 » means the minute 23:59 is the first refused).
    """
    return is_before(now, deadline_for(day, spec, calendar))


def describe_deadline(deadline: datetime) -> str:
    """The deadline as people read it: « jeudi 4 décembre 2025 à 23h59 »."""
    return describe_instant(deadline)


@attrs.frozen
class BookingHorizon:
    """How far ahead families may book.

    Bookings for a school year open on `opens_month`/`opens_day` of the summer
    before it (13 August by default, as in the guide); with `max_days_ahead`, no
    booking more than that many days after today.
    """

    opens_month: int = 8
    opens_day: int = 13
    max_days_ahead: int | None = None

    def opens_on(self, school_year: SchoolYear) -> date:
        """The day bookings open for `school_year` (13 August 2025 for 2025-2026)."""
        return date(school_year.start.year, self.opens_month, self.opens_day)

    def allows(self, now: datetime, day: date) -> bool:
        """Whether a booking for `day` may be asked at `now` (deadlines aside)."""
        today = require_aware(now).date()
        if today < self.opens_on(SchoolYear.containing(day)):
            return False
        return self.max_days_ahead is None or (day - today).days <= self.max_days_ahead
