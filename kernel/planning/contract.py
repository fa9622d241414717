"""A crèche's « contrat régulier »: the weekdays and hours a child is expected, booked once for the year.

An enrolment with a contract (`Enrolment.days`, `Enrolment.hours`) makes the child expected on
every open contract day: the days are booked when the child is enrolled (accepted, by the agent,
under the rule id `CONTRACT_RULE`), from the start of the enrolment to its end or the end of that
school year, whichever comes first. Everything else then reads them as any booking: the grid, the
headcounts, the pointage, the absences (« Congé parental » among them) and billing. What is not
in the contract shows as such on the grid (`cells.child_status`): a booking on another day is a
« Réservations Hors Contrat », an arrival or a departure outside the hours on a contract day an
« Heure hors contrat Régulier ».
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import attrs

from famille.kernel.calendar.model import OrganisationCalendar, SchoolYear
from famille.kernel.planning.inputs import BookingState, BookingStatus, Enrolment
from famille.kernel.planning.records import BookingRecord
from famille.kernel.shared.errors import FieldError
from famille.kernel.shared.french_dates import WEEKDAYS
from famille.kernel.shared.organisations import Service

#: The rule id written on the bookings a contract makes.
CONTRACT_RULE = "contrat-regulier"


@attrs.frozen
class Contract:
    """A « contrat régulier » as an agent writes it: the weekdays (0 = Monday) and the daily hours."""

    days: tuple[int, ...]
    arrival: time
    departure: time

    def errors(self, service: Service) -> list[FieldError]:
        """What is wrong with it for `service`, each naming its field (`contract.days`, `contract.departure`)."""
        errors = []
        if not self.days:
            errors.append(FieldError("contract.days", "Indiquez au moins un jour du contrat."))
        closed = [WEEKDAYS[d] for d in sorted(set(self.days)) if d not in service.weekdays]
        if closed:
            errors.append(FieldError("contract.days", f"{service.code} n'ouvre pas le {', le '.join(closed)}."))
        if self.departure <= self.arrival:
            errors.append(FieldError("contract.departure", "L'heure de départ doit suivre l'heure d'arrivée."))
        return errors

    @property
    def hours(self) -> tuple[time, time]:
        """(arrival, departure)."""
        return self.arrival, self.departure

    def on(self, enrolment: Enrolment) -> Enrolment:
        """The enrolment under this contract."""
        return attrs.evolve(enrolment, days=tuple(sorted(set(self.days))), hours=self.hours)


def contract_days(enrolment: Enrolment, calendar_of: Callable[[date], OrganisationCalendar]) -> list[date]:
    """The open contract days of the enrolment, up to its end or the end of its start's school year."""
    if enrolment.days is None:
        return []
    last = SchoolYear.containing(enrolment.start).end
    if enrolment.end is not None and enrolment.end < last:
        last = enrolment.end
    days = (enrolment.start + timedelta(n) for n in range((last - enrolment.start).days + 1))
    return [day for day in days if enrolment.on_contract(day)
            and calendar_of(day).is_bookable(day, enrolment.service_code)]


def contract_bookings(enrolment: Enrolment, calendar_of: Callable[[date], OrganisationCalendar], *, by: str,
                      now: datetime) -> list[BookingRecord]:
    """An accepted booking by `by` on each of `contract_days`, in the enrolment's organisation."""
    organisation = enrolment.organisation_code
    if organisation is None:
        raise ValueError("an enrolment with a contract names its organisation")
    state = BookingState(BookingStatus.ACCEPTED, by, now, in_time=True, decided_by=by, decided_at=now)
    return [BookingRecord(str(uuid.uuid4()), organisation, enrolment.child_id, enrolment.service_code, day, state,
                          CONTRACT_RULE) for day in contract_days(enrolment, calendar_of)]
