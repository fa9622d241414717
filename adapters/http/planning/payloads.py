"""Bodies and query parameters of the planning routes, read at the edge into kernel values.

A cell selection is one of: one cell `{"service", "date"}`; several `{"cells": [...]}`;
a pattern `{"services": [...], "weekdays": ["lundi", ...], "from": "...", "to": "..."}`.
Every wrong field is reported with its path (`cells[1].date`).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import falcon

from famille.adapters.http.payloads import read_json
from famille.kernel.planning.service import MAX_CELLS, cells_of_pattern
from famille.kernel.shared.errors import FieldError, ValidationFailed
from famille.kernel.shared.french_dates import WEEKDAYS

TEXT_MAX = 1000
CODE_MAX = 40
ID_MAX = 100
#: A pattern covers at most this many days (a school year and a little more).
MAX_SPAN_DAYS = 400

Cell = tuple[str, date]


class _Reader:
    """Collects one `FieldError` per wrong field while reading a body."""

    def __init__(self, data: Any) -> None:
        self.errors: list[FieldError] = []
        if not isinstance(data, dict):
            raise ValidationFailed([FieldError("$", "Le corps de la requête doit être un objet JSON.")])
        self.data: dict[str, Any] = data

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, f"Champ « {field} » : {message}."))

    def text(self, value: Any, field: str, limit: int = TEXT_MAX, *, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "obligatoire, une chaîne de caractères non vide" if value is None
                      else "doit être une chaîne de caractères non vide")
            return None
        if len(value) > limit or "\x00" in value or value.encode("utf-8", "replace").decode() != value:
            self.fail(field, f"au plus {limit} caractères, sans caractère nul ni invalide")
            return None
        return value.strip()

    def day(self, value: Any, field: str) -> date | None:
        if not isinstance(value, str):
            self.fail(field, "obligatoire, une date AAAA-MM-JJ")
            return None
        try:
            if len(value) != 10:
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.fail(field, "une date AAAA-MM-JJ")
            return None

    def time_of_day(self, value: Any, field: str) -> time | None:
        if value is None:
            return None
        if isinstance(value, str) and len(value) == 5:
            try:
                return time.fromisoformat(value)
            except ValueError:
                pass
        self.fail(field, "une heure HH:MM")
        return None

    def strings(self, value: Any, field: str, limit: int) -> list[str]:
        if not isinstance(value, list) or not value or len(value) > 50:
            self.fail(field, "une liste non vide (50 au plus)")
            return []
        found = [self.text(item, f"{field}[{n}]", limit) for n, item in enumerate(value)]
        return [item for item in found if item is not None]

    def unknown(self, allowed: set[str]) -> None:
        for key in sorted(k for k in self.data if k not in allowed):
            shown = key if len(key) <= 40 else key[:40] + "…"
            self.errors.append(FieldError(shown, f"Champ « {shown} » : inconnu."))

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


SELECTION_KEYS = {"service", "date", "cells", "services", "weekdays", "from", "to"}


def _selection(r: _Reader, *, services_optional: bool = False) -> tuple[list[Cell], bool]:
    """The cells the body selects; the second value tells that `services` was left out (every service)."""
    data = r.data
    shapes = [key for key in ("date", "cells", "from") if key in data]
    if len(shapes) != 1:
        r.fail("$", "donnez soit « service » et « date », soit « cells », soit « from » et « to »")
        return [], False
    if "date" in data:
        service, day = r.text(data.get("service"), "service", CODE_MAX), r.day(data["date"], "date")
        return ([(service, day)] if service and day else []), False
    if "cells" in data:
        raw = data["cells"]
        if not isinstance(raw, list) or not raw or len(raw) > MAX_CELLS:
            r.fail("cells", f"une liste de 1 à {MAX_CELLS} cases")
            return [], False
        cells = []
        for n, item in enumerate(raw):
            if not isinstance(item, dict) or set(item) - {"service", "date"}:
                r.fail(f"cells[{n}]", "un objet avec « service » et « date »")
                continue
            service = r.text(item.get("service"), f"cells[{n}].service", CODE_MAX)
            day = r.day(item.get("date"), f"cells[{n}].date")
            if service and day:
                cells.append((service, day))
        return cells, False
    first, last = r.day(data.get("from"), "from"), r.day(data.get("to"), "to")
    every_service = services_optional and "services" not in data
    services = [] if every_service else r.strings(data.get("services"), "services", CODE_MAX)
    weekdays = list(range(5))
    if "weekdays" in data:
        names = r.strings(data["weekdays"], "weekdays", 10)
        unknown = [name for name in names if name.lower() not in WEEKDAYS]
        if unknown:
            r.fail("weekdays", f"jours inconnus {', '.join(unknown)} (lundi … dimanche)")
        weekdays = [WEEKDAYS.index(name.lower()) for name in names if name.lower() in WEEKDAYS]
    if first and last:
        if last < first:
            r.fail("to", "doit suivre « from »")
        elif last - first > timedelta(MAX_SPAN_DAYS):
            r.fail("to", f"au plus {MAX_SPAN_DAYS} jours après « from »")
    if r.errors or first is None or last is None:
        return [], every_service
    return cells_of_pattern(services or ["*"], weekdays, first, last), every_service


def booking_body(req: falcon.Request, *, with_children: bool = False) -> tuple[list[Cell], list[str]]:
    """The cells to book, and for the family-level route the children."""
    r = _Reader(read_json(req))
    r.unknown(SELECTION_KEYS | ({"children"} if with_children else set()))
    children = r.strings(r.data.get("children"), "children", ID_MAX) if with_children else []
    cells, _ = _selection(r)
    r.done()
    return cells, children


def absence_body(req: falcon.Request) -> tuple[list[Cell], bool, str, str | None, str | None]:
    """(cells, every enrolled service, reason, note, document)."""
    r = _Reader(read_json(req))
    r.unknown(SELECTION_KEYS | {"reason", "note", "document"})
    reason = r.text(r.data.get("reason"), "reason", 60)
    note = r.text(r.data.get("note"), "note", 2000, required=False)
    document = r.text(r.data.get("document"), "document", 300, required=False)
    cells, every_service = _selection(r, services_optional=True)
    r.done()
    assert reason is not None
    return cells, every_service, reason, note, document


def decision_body(req: falcon.Request) -> tuple[bool, str | None]:
    """`{"accept": true}` or `{"accept": false, "reason": "..."}`."""
    r = _Reader(read_json(req))
    r.unknown({"accept", "reason"})
    accept = r.data.get("accept")
    if not isinstance(accept, bool):
        r.fail("accept", "obligatoire, true ou false")
    reason = r.text(r.data.get("reason"), "reason", 2000, required=False)
    r.done()
    return bool(accept), reason


def closure_body(req: falcon.Request) -> tuple[date, str | None, str]:
    """`{"date", "service" (or null for every service), "reason"}`."""
    r = _Reader(read_json(req))
    r.unknown({"date", "service", "reason"})
    day = r.day(r.data.get("date"), "date")
    service = r.text(r.data.get("service"), "service", CODE_MAX, required=False)
    reason = r.text(r.data.get("reason"), "reason", 500)
    r.done()
    assert day is not None and reason is not None
    return day, service, reason


def enrolment_body(req: falcon.Request) -> tuple[str, date, date | None]:
    """`{"service", "start", "end" (optional: until further notice)}`."""
    r = _Reader(read_json(req))
    r.unknown({"service", "start", "end"})
    service = r.text(r.data.get("service"), "service", CODE_MAX)
    start = r.day(r.data.get("start"), "start")
    end = r.day(r.data["end"], "end") if r.data.get("end") is not None else None
    r.done()
    assert service is not None and start is not None
    return service, start, end


def attendance_body(req: falcon.Request) -> tuple[str, str, date, str, time | None, time | None]:
    """`{"child", "service", "date", "status": present|absent, "arrival", "departure"}`."""
    r = _Reader(read_json(req))
    r.unknown({"child", "service", "date", "status", "arrival", "departure"})
    child = r.text(r.data.get("child"), "child", ID_MAX)
    service = r.text(r.data.get("service"), "service", CODE_MAX)
    day = r.day(r.data.get("date"), "date")
    status = r.data.get("status")
    if status not in ("present", "absent"):
        r.fail("status", "« present » ou « absent »")
    arrival = r.time_of_day(r.data.get("arrival"), "arrival")
    departure = r.time_of_day(r.data.get("departure"), "departure")
    r.done()
    assert child and service and day
    return child, service, day, str(status), arrival, departure


def query_day(req: falcon.Request, name: str = "date", *, required: bool = True) -> date | None:
    """A date query parameter."""
    value = req.get_param(name)
    if value is None and not required:
        return None
    try:
        if value is None or len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed([FieldError(name, f"Paramètre « {name} » : une date AAAA-MM-JJ.")]) from None


def query_month(req: falcon.Request, today: date) -> date:
    """`?month=YYYY-MM`, this month by default."""
    value = req.get_param("month")
    if value is None:
        return today.replace(day=1)
    try:
        if len(value) != 7:
            raise ValueError(value)
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise ValidationFailed([FieldError("month", "Paramètre « month » : un mois AAAA-MM.")]) from None


def query_text(req: falcon.Request, name: str, limit: int = CODE_MAX) -> str | None:
    """An optional short text query parameter."""
    value = req.get_param(name)
    if value is None or value == "":
        return None
    if len(value) > limit or not value.isprintable():
        raise ValidationFailed([FieldError(name, f"Paramètre « {name} » : au plus {limit} caractères.")])
    return value
