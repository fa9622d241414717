"""What billing reads of a month: one `ServiceDay` per child, service and day.

Billing does not know how bookings, absences and attendance are stored: a
`ServiceDaySource` (ports/billing_source.py) reduces them to these values.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

import attrs

NO_REASON = "AUCUNE"


class AttendanceMark(enum.Enum):
    """The pointage of a day as billing sees it."""

    PRESENT = "present"
    ABSENT = "absent"
    MISSING = "missing"  # arrival or departure not recorded (a timed garderie)
    NONE = "none"  # nothing recorded


class AbsenceTiming(enum.Enum):
    """Whether an absence was declared, and when."""

    NONE = "none"
    IN_TIME = "in_time"
    LATE = "late"


class ServiceDay(NamedTuple):
    """One child, one service, one day: everything the billing rules need to decide.

    `family_ids` are the households that pay for the child, the one holding the
    child's record first; `shares` their percentages in the same order (empty: an
    equal split), each with two decimals at most and summing to 100. `booked` is true under a
    declared absence too (the booking stays). `document` tells whether the justificatif an absence
    reason asks for was given; `pending` that the absence waits for an agent, `refused` that an
    agent refused it. `deadline`, when known, is the deadline the absence was judged against
    (shown on the invoice line). A named tuple, like the rows it is read from (`_replace` evolves
    one): a month holds about a million days, and a tuple is made several times faster than a
    frozen attrs instance.
    """

    child_id: str
    child_name: str
    child_born: date
    family_ids: tuple[str, ...]
    organisation_code: str
    service_code: str
    day: date
    booked: bool
    booked_late: bool = False
    attendance: AttendanceMark = AttendanceMark.NONE
    absence: AbsenceTiming = AbsenceTiming.NONE
    reason: str = NO_REASON
    document: bool = False
    pending: bool = False
    refused: bool = False
    closure: bool = False
    holiday: bool = False
    shares: tuple[Decimal, ...] = ()
    deadline: datetime | None = None

    @property
    def has_activity(self) -> bool:
        """Whether anything happened on the day (else it has no line on an invoice)."""
        return self.booked or self.attendance is not AttendanceMark.NONE or self.absence is not AbsenceTiming.NONE


# --- what the planning tables hold, as loaded: rows, no decision -------------------------------


@attrs.frozen
class PayerLink:
    """A family paying for a child; `share_hundredths` its recorded share (None: not recorded)."""

    family_id: str
    share_hundredths: int | None = None


@attrs.frozen
class BilledChild:
    """A child of the month: its name, its birth date (sibling ranks) and its paying families, in order."""

    child_id: str
    name: str
    born: date
    payers: tuple[PayerLink, ...]


# The rows are named tuples: a month holds about a million of them, made straight from the
# database's rows (`BookingRow._make(row)`), each a small tuple rather than an object. A row
# has every column of what it was loaded from, None where the table holds none: no default.


class BookingRow(NamedTuple):
    """A booking held (pending or accepted); `in_time` whether it was made before its deadline."""

    child_id: str
    service_code: str
    day: date
    in_time: bool


class AbsenceRow(NamedTuple):
    """A declared absence, its reason, whether a document was given, and its `status` as stored
    (`pending`, `accepted` or `refused`)."""

    child_id: str
    service_code: str
    day: date
    in_time: bool
    reason: str | None
    document: bool
    status: str


class EventRow(NamedTuple):
    """An event of the planning history (`kind` as stored, e.g. `reservation-annulee`), in the order it happened."""

    child_id: str
    service_code: str
    day: date
    kind: str
    in_time: bool
    reason: str | None
    deadline: datetime | None


class AttendanceRow(NamedTuple):
    """A pointage as recorded: `status` `present`, `absent` or `none`, times as given (None: not given)."""

    child_id: str
    service_code: str
    day: date
    status: str
    arrival: str | None
    departure: str | None


@attrs.frozen
class MonthRows:
    """The planning rows of some children for a month of one organisation, loaded as they are stored.

    The kernel reads them into `ServiceDay`s (`famille.kernel.billing.reading`); the adapter that
    loads them decides nothing.
    """

    organisation_code: str
    first: date
    last: date
    children: tuple[BilledChild, ...] = ()
    bookings: tuple[BookingRow, ...] = ()
    absences: tuple[AbsenceRow, ...] = ()
    events: tuple[EventRow, ...] = ()
    attendance: tuple[AttendanceRow, ...] = ()
