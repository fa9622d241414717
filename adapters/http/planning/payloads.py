"""Bodies and query parameters of the planning routes, read at the edge into kernel values.

A cell selection is one of: one cell `{"service", "date"}`; several `{"cells": [...]}`;
a pattern `{"services": [...], "weekdays": ["lundi", ...], "from": "...", "to": "..."}`.
Bodies are read by the API's one converter (`famille.adapters.http.payloads`); every
wrong field is reported with its path (`cells[1].date`).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import attrs
import falcon

from famille.adapters.http.payloads import ID_MAX, key, load, load_sent, text
from famille.kernel.planning.contract import Contract
from famille.kernel.planning.inputs import RECORDABLE, AttendanceStatus
from famille.kernel.planning.service import MAX_CELLS, cells_of_pattern
from famille.kernel.shared import dates
from famille.kernel.shared.errors import FieldError, ValidationFailed
from famille.kernel.shared.french_dates import WEEKDAYS
from famille.kernel.shared.refusals import REASON_MAX

CODE_MAX = 40
#: A pattern covers at most this many days (a school year and a little more).
MAX_SPAN_DAYS = 400

Cell = tuple[str, date]
Code = text(CODE_MAX, non_empty=True)
Identifier = text(ID_MAX, non_empty=True)


@attrs.frozen
class CellBody:
    """One cell: `{"service", "date"}`."""

    service: Code
    date: date


@attrs.frozen
class SelectionBody:
    """The cells a body selects: one cell, a list of cells, or a pattern over a period."""

    service: Code | None = None
    date: date | None = None
    cells: list[CellBody] | None = None
    services: list[Code] | None = None
    weekdays: list[text(10, non_empty=True)] | None = None
    from_: date | None = attrs.field(default=None, metadata=key("from"))
    to: date | None = None


@attrs.frozen
class BookingBody(SelectionBody):
    """`POST /children/{id}/bookings`."""


@attrs.frozen
class FamilyBookingBody(SelectionBody):
    """`POST /bookings` (several children of the family)."""

    children: list[Identifier] | None = None


@attrs.frozen
class AbsenceBody(SelectionBody):
    """`POST /children/{id}/absences`; without `services`, every service the child is enrolled in."""

    reason: text(60, non_empty=True) | None = None
    note: text(2000) | None = None
    document: text(300) | None = None


@attrs.frozen
class DecisionBody:
    """`{"accept": true}` or `{"accept": false, "reason": "..."}`."""

    accept: bool
    reason: text(REASON_MAX) | None = None


@attrs.frozen
class ClosureBody:
    """`{"date", "service" (or null for every service), "reason"}`."""

    date: date
    reason: text(500, non_empty=True)
    service: Code | None = None


@attrs.frozen
class ContractBody:
    """`{"days": ["lundi", "mardi", "jeudi"], "arrival": "08:30", "departure": "17:30"}`: a « contrat régulier »."""

    days: list[Code]
    arrival: time
    departure: time


@attrs.frozen
class EnrolmentBody:
    """`{"service", "start", "end" (optional: until further notice), "structure" (optional: the one offering
    the service), "family_number" (the N° famille of a child of another organisation)}`."""

    service: Code
    start: date
    end: date | None = None
    structure: Identifier | None = None
    family_number: Code | None = None
    contract: ContractBody | None = None


@attrs.frozen
class AttendanceBody(CellBody):
    """`{"child", "service", "date", "status": present|absent, "arrival", "departure"}`: the pointage of a cell
    of one child."""

    child: Identifier
    status: str
    arrival: time | None = None
    departure: time | None = None


class _Checks:
    """Collects the errors of what the types alone cannot say (which shape, spans, list sizes)."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, f"Champ « {field} » : {message}."))

    def sized(self, values: list[Any] | None, field: str, most: int) -> list[Any]:
        if values is None or not values or len(values) > most:
            self.fail(field, f"une liste de 1 à {most} éléments")
            return []
        return values

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def _selection(body: SelectionBody, sent: set[str], c: _Checks, *,
               services_optional: bool = False) -> tuple[list[Cell], bool]:
    """The cells the body selects; the second value tells that `services` was left out (every service)."""
    shapes = [name for name in ("date", "cells", "from") if name in sent]
    if len(shapes) != 1:
        c.fail("$", "donnez soit « service » et « date », soit « cells », soit « from » et « to »")
        return [], False
    if body.date is not None:
        if body.service is None:
            c.fail("service", "obligatoire avec « date »")
            return [], False
        return [(body.service, body.date)], False
    if "cells" in sent:
        return [(cell.service, cell.date) for cell in c.sized(body.cells, "cells", MAX_CELLS)], False
    first, last = body.from_, body.to
    if first is None or last is None:
        c.fail("to" if first else "from", "obligatoire, une date AAAA-MM-JJ")
        return [], False
    every_service = services_optional and "services" not in sent
    services = [] if every_service else c.sized(body.services, "services", 50)
    weekdays = list(range(5))
    if "weekdays" in sent:
        names = c.sized(body.weekdays, "weekdays", 7)
        unknown = [name for name in names if name.lower() not in WEEKDAYS]
        if unknown:
            c.fail("weekdays", f"jours inconnus {', '.join(unknown)} (lundi … dimanche)")
        weekdays = [WEEKDAYS.index(name.lower()) for name in names if name.lower() in WEEKDAYS]
    if last < first:
        c.fail("to", "doit suivre « from »")
    elif last - first > timedelta(MAX_SPAN_DAYS):
        c.fail("to", f"au plus {MAX_SPAN_DAYS} jours après « from »")
    if c.errors:
        return [], every_service
    return cells_of_pattern(services or ["*"], weekdays, first, last), every_service


def booking_body(req: falcon.Request, *, with_children: bool = False) -> tuple[list[Cell], list[str]]:
    """The cells to book, and for the family-level route the children."""
    body, sent = load_sent(req, FamilyBookingBody if with_children else BookingBody)
    c = _Checks()
    children = c.sized(body.children, "children", 50) if isinstance(body, FamilyBookingBody) else []
    cells, _ = _selection(body, sent, c)
    c.done()
    return cells, children


def absence_body(req: falcon.Request) -> tuple[list[Cell], bool, str, str | None, str | None]:
    """(cells, every enrolled service, reason, note, document)."""
    body, sent = load_sent(req, AbsenceBody)
    c = _Checks()
    if body.reason is None:
        c.fail("reason", "obligatoire, une chaîne de caractères non vide")
    cells, every_service = _selection(body, sent, c, services_optional=True)
    c.done()
    assert body.reason is not None
    return cells, every_service, body.reason, body.note, body.document


def decision_body(req: falcon.Request) -> tuple[bool, str | None]:
    """`{"accept": true}` or `{"accept": false, "reason": "..."}`."""
    body = load(req, DecisionBody)
    return body.accept, body.reason


def closure_body(req: falcon.Request) -> tuple[date, str | None, str]:
    """`{"date", "service" (or null for every service), "reason"}`."""
    body = load(req, ClosureBody)
    return body.date, body.service, body.reason


def enrolment_body(req: falcon.Request) -> tuple[EnrolmentBody, Contract | None]:
    """`{"service", "start", "end", "structure", "family_number", "contract"}` (see `EnrolmentBody`), and the
    contract with its weekdays read (`contract.days`: lundi … dimanche, 7 at most)."""
    body = load(req, EnrolmentBody)
    if body.contract is None:
        return body, None
    names = body.contract.days
    unknown = [name for name in names if name.lower() not in WEEKDAYS]
    if unknown or len(names) > len(WEEKDAYS):
        raise ValidationFailed([FieldError("contract.days", f"Champ « contract.days » : des jours lundi … dimanche "
                                                            f"(inconnus : {', '.join(unknown) or 'aucun'}).")])
    days = tuple(WEEKDAYS.index(name.lower()) for name in names)
    return body, Contract(days, body.contract.arrival, body.contract.departure)


def attendance_body(req: falcon.Request) -> tuple[str, str, date, AttendanceStatus, time | None, time | None]:
    """`{"child", "service", "date", "status": present|absent, "arrival", "departure"}`."""
    body = load(req, AttendanceBody)
    if body.status not in RECORDABLE:
        raise ValidationFailed([FieldError("status", "Champ « status » : « present » ou « absent ».")])
    return body.child, body.service, body.date, RECORDABLE[body.status], body.arrival, body.departure


def query_day(req: falcon.Request, name: str = "date", *, required: bool = True) -> date | None:
    """A date query parameter."""
    value = req.get_param(name)
    if value is None and not required:
        return None
    return dates.parse_day(value, name)


def query_month(req: falcon.Request, today: date) -> date:
    """`?month=YYYY-MM`, this month by default."""
    value = req.get_param("month")
    if value is None:
        return today.replace(day=1)
    return dates.parse_month(value, "month")


def query_text(req: falcon.Request, name: str, limit: int = CODE_MAX) -> str | None:
    """An optional short text query parameter."""
    value = req.get_param(name)
    if value is None or value == "":
        return None
    if len(value) > limit or not value.isprintable():
        raise ValidationFailed([FieldError(name, f"Paramètre « {name} » : au plus {limit} caractères.")])
    return value
