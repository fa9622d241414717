"""The service-day source: what billing reads of the planning, whatever its storage.

Contract:
- `service_days(organisation_code, month)` yields one `ServiceDay` for each
  (child, service, day) of the month where something happened (a booking, even
  cancelled; an absence; a pointage), for the organisation's children only;
- each day carries the closures declared by the organisation and whether it is a
  public or school holiday;
- the same data gives the same days (order is not significant);
- `batches(organisation_code, month, size)` yields the same days in lists, each holding every
  day of the children of about `size` children's first families (a family's children, hence
  its sibling ranks, are never split between two lists), so that a run's memory stays bounded;
- reads only, in its own transaction(s).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from famille.kernel.billing.days import ServiceDay


class ServiceDaySource(Protocol):
    """Gives the service days of a month that billing decides on."""

    def service_days(self, organisation_code: str, month: str) -> Iterable[ServiceDay]:
        """The days of `month` ("YYYY-MM") of the organisation's children."""
        ...

    def batches(self, organisation_code: str, month: str, size: int) -> Iterable[Sequence[ServiceDay]]:
        """The days of `month` in lists of about `size` children, grouped by first family."""
        ...
