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


#: The `days` each kind accepts, what the rules check reads too: at least one day before for the
#: « before » kinds (the day itself is `same_day`), at most a year of calendar days, and few enough
#: working days to be found within `MAX_LOOKBACK_DAYS` (a year holds some 250); none for the others.
DAYS_ALLOWED = {
    DeadlineKind.CALENDAR_DAYS_BEFORE: range(1, 367),
    DeadlineKind.WORKING_DAYS_BEFORE: range(1, 101),
    DeadlineKind.PREVIOUS_WEEKDAY: range(0, 1),
    DeadlineKind.SAME_DAY: range(0, 1),
}


class MalformedDeadline(ValueError):
    """A rule outcome that gives no valid deadline: `field` names the output at fault, the text says why in French."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field


def days_problem(kind: DeadlineKind, days: int) -> str | None:
    """Why `days` does not fit a deadline of `kind`, in French, or None."""
    allowed = DAYS_ALLOWED[kind]
    if days in allowed:
        return None
    if len(allowed) == 1:
        return f"avec kind: {kind.value}, « days » vaut {allowed[0]} ou s'omet, pas {days}"
    advice = " ; pour une échéance le jour même, écrivez kind: same_day" if days < allowed[0] else ""
    return f"avec kind: {kind.value}, « days » va de {allowed[0]} à {allowed[-1]}, pas {days}{advice}"


def _parse_time(value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        hours, _, minutes = value.partition(":")
        if hours.isdigit() and minutes.isdigit() and len(minutes) == 2:
            return time(int(hours), int(minutes))
    raise MalformedDeadline("at", f"heure invalide : {value!r} (attendu « HH:MM »)")


@attrs.frozen
class DeadlineSpec:
    """A deadline as a rule states it, and the id of that rule.

    - CALENDAR_DAYS_BEFORE: `days` (1 to 366) calendar days before the day, at `at`;
    - WORKING_DAYS_BEFORE: the `days`-th (1 to 100) working day before the day, at `at`;
    - PREVIOUS_WEEKDAY: the last `weekday` (0 = Monday) strictly before the day, at `at`;
    - SAME_DAY: the day itself at `at` (e.g. a sick child, until 09:00).

    `DAYS_ALLOWED` declares the ranges; anything else is a `MalformedDeadline`.
    """

    kind: DeadlineKind
    at: time
    days: int = 0
    weekday: int | None = None
    rule_id: str | None = None

    def __attrs_post_init__(self) -> None:
        problem = days_problem(self.kind, self.days)
        if problem:
            raise MalformedDeadline("days", problem)
        if self.kind is DeadlineKind.PREVIOUS_WEEKDAY and self.weekday not in range(7):
            raise MalformedDeadline("weekday", f"previous_weekday demande un jour de 0 à 6, pas {self.weekday!r}")
        if self.at.tzinfo is not None:
            raise ValueError("the time of a deadline is a wall time, without a zone")

    @classmethod
    def from_outcome(cls, outcome: Mapping[str, Any], *, rule_id: str | None = None) -> DeadlineSpec:
        """Read a rule outcome such as {kind: "working_days_before", days: 2, at: "12:00"}.

        `weekday` is a French day name (« jeudi »); it is only read for
        `previous_weekday` (other kinds may carry it as a reminder for people).
        Raises `MalformedDeadline` (a ValueError naming the field) for an outcome that is
        not a deadline, `bookable: false` included (see `spec_or_none`).
        """
        if outcome.get("bookable", True) is False:
            raise MalformedDeadline("bookable", "cette règle dit que le jour ne se réserve pas : elle n'a pas d'échéance")
        if "kind" not in outcome:
            raise MalformedDeadline("kind", "« kind » manquant : une règle qui laisse réserver dit comment se calcule "
                                            "l'échéance (kind: calendar_days_before, working_days_before, "
                                            "previous_weekday ou same_day), sinon elle dit « bookable: false »")
        try:
            kind = DeadlineKind(outcome["kind"])
        except (KeyError, ValueError) as error:
            known = ", ".join(k.value for k in DeadlineKind)
            raise MalformedDeadline("kind", f"genre d'échéance {outcome.get('kind')!r} inconnu (genres : {known})") \
                from error
        weekday = None
        if kind is DeadlineKind.PREVIOUS_WEEKDAY:
            name = str(outcome.get("weekday", "")).strip().lower()
            if name not in WEEKDAYS:
                raise MalformedDeadline("weekday", f"jour de la semaine {outcome.get('weekday')!r} inconnu "
                                                   f"({', '.join(WEEKDAYS)})")
            weekday = WEEKDAYS.index(name)
        days = outcome.get("days", 0)
        if not isinstance(days, int) or isinstance(days, bool):
            raise MalformedDeadline("days", f"« days » doit être un nombre entier, pas {days!r}")
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
