"""What the properties expect, computed by hand: never by the kernel code they check.

Paris time: UTC+1 in winter, UTC+2 from 03:00 on the last Sunday of March (02:00 becomes 03:00)
to 03:00 on the last Sunday of October (03:00 becomes 02:00 again). A wall time of the spring gap
is read in winter time; the autumn hour that happens twice is its first, summer, pass (the
convention documented by the rule files).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta


def last_sunday(year: int, month: int) -> date:
    """The last Sunday of a month of 31 days (March, October)."""
    last = date(year, month, 31)
    return last - timedelta((last.weekday() + 1) % 7)


def paris_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of wall time `at` on `day` in Paris."""
    wall = datetime.combine(day, at.replace(tzinfo=None))
    summer = (datetime.combine(last_sunday(day.year, 3), time(3)) <= wall
              < datetime.combine(last_sunday(day.year, 10), time(3)))
    return (wall - timedelta(hours=2 if summer else 1)).replace(tzinfo=UTC)


def working_days_back(day: date, count: int, is_working_day: Callable[[date], bool]) -> date:
    """The `count`-th working day before `day`, walking back one day at a time."""
    landed = day
    while count:
        landed -= timedelta(1)
        if is_working_day(landed):
            count -= 1
    return landed
