"""The service-day source: the planning rows billing reads, whatever their storage.

It loads; it does not judge. What a day is for billing (booked, late, absent, pointed,
closed, on holiday) is read from these rows by the kernel (`famille.kernel.billing.reading`).

Contract:
- `batches(organisation_code, month, size)` yields `MonthRows` of the organisation's children, and of
  the children of other organisations enrolled in one of its structures, for `month` ("YYYY-MM"),
  only the rows of that organisation (a child enrolled in several is billed by each for its own): each child with its name, birth date and paying families (in order,
  with their recorded shares); the bookings held (pending or accepted) with `in_time`; the
  absences declared (pending or accepted) with `in_time`, reason and whether a document was
  given; the planning history's events of the month in the order they happened; the pointage;
- each batch holds every row of the children of about `size` children's first families (a
  family's children, hence its sibling ranks, are never split between two batches; 0: all in
  one), so that a run's memory stays bounded; no child is in two batches;
- `count` is the number of children `batches` yields for the same month (a job's total);
- an organisation unknown to the storage yields nothing (and counts 0);
- reads only, in its own short transaction(s).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from famille.kernel.billing.days import MonthRows


class ServiceDaySource(Protocol):
    """Loads the planning rows of a month that billing reads."""

    def batches(self, organisation_code: str, month: str, size: int) -> Iterable[MonthRows]:
        """The rows of `month` in batches of about `size` children, grouped by first family."""
        ...

    def count(self, organisation_code: str, month: str) -> int:
        """How many children `batches` yields for `month`."""
        ...
