"""What billing reads of a month: one `ServiceDay` per child, service and day.

Billing does not know how bookings, absences and attendance are stored: a
`ServiceDaySource` (ports/billing_source.py) reduces them to these values.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

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


@attrs.frozen
class ServiceDay:
    """One child, one service, one day: everything the billing rules need to decide.

    `family_ids` are the households that pay for the child, the one holding the
    child's record first; `shares` their percentages in the same order (empty: an
    equal split), each with two decimals at most and summing to 100. `booked` is true for a booking cancelled in time too (then
    `absence` is `IN_TIME`). `document` tells whether the justificatif an absence
    reason asks for was given. `deadline`, when known, is the deadline the absence
    was judged against (shown on the invoice line).
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
    closure: bool = False
    holiday: bool = False
    shares: tuple[Decimal, ...] = ()
    deadline: datetime | None = None

    @property
    def has_activity(self) -> bool:
        """Whether anything happened on the day (else it has no line on an invoice)."""
        return self.booked or self.attendance is not AttendanceMark.NONE or self.absence is not AbsenceTiming.NONE
