"""The JSON (and CSV) shapes of the planning: kernel values to plain data, once."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from famille.adapters.http.views import json_text
from famille.kernel.planning.agent import Headcount, PendingEntry, RollCall
from famille.kernel.planning.cells import CellStatus
from famille.kernel.planning.grid import Cell, CellAction, Deadline, PlanningRow
from famille.kernel.planning.inputs import AttendanceStatus, Enrolment
from famille.kernel.planning.outcomes import CellResult, ChangeReport
from famille.kernel.planning.records import AbsenceRecord, BookingRecord, DeclaredClosure, PlanningEvent
from famille.kernel.planning.service import ChildPlanning
from famille.kernel.shared.french_dates import WEEKDAYS, day_header, describe_date, month_title
from famille.kernel.shared.recent import RecentlyUsed


def status_view(status: CellStatus) -> dict[str, str]:
    """{code, label, slug} of a status of the legend."""
    return {"code": status.code, "label": status.label, "slug": status.slug}


def deadline_view(deadline: Deadline | None) -> dict[str, Any] | None:
    """The instant (ISO 8601 with offset), its French description and the rule that set it."""
    if deadline is None:
        return None
    return {"instant": deadline.instant.isoformat(), "description": deadline.description,
            "rule_id": deadline.rule_id}


def _action(action: CellAction) -> dict[str, Any]:
    kind = "book" if action.kind.value == "reservation" else "declare_absence"
    return {"kind": kind, "label": action.label, "deadline": deadline_view(action.deadline)}


def _cell(cell: Cell) -> dict[str, Any]:
    return {"date": cell.day.isoformat(), "header": cell.header, "status": status_view(cell.status),
            "actions": [_action(a) for a in cell.actions], "deadline": deadline_view(cell.deadline)}


def planning_view(planning: ChildPlanning) -> dict[str, Any]:
    """The month grid of a child."""
    return _planning(planning, lambda: [_row(planning, row, [_cell(cell) for cell in row.cells])
                                        for row in planning.rows])


def planning_document(planning: ChildPlanning) -> str:
    """`planning_view` as JSON text (what the JSON handler writes), each row's and cell's text rendered once per process.

    The cells of a month are shared between requests (`MonthTemplate.rows`), so most rows of a
    grid are found already rendered, and most cells of the others.
    """
    rows = _Json("[" + ", ".join([_row_json(planning, row) for row in planning.rows]) + "]")
    return _object(_planning(planning, lambda: rows, _days_json, _lists_json))


def _days(cells: Sequence[Cell]) -> list[dict[str, str]]:
    return [{"date": c.day.isoformat(), "header": day_header(c.day)} for c in cells]


def _row(planning: ChildPlanning, row: PlanningRow, cells: Any) -> dict[str, Any]:
    structure = planning.structure_of_row(row)
    return {
        "service": row.service_code,
        "organisation": row.organisation_code,
        "structure": {"id": structure.id, "name": structure.name} if structure else None,
        "responsable": planning.responsable,
        "cells": cells,
    }


def _lists(planning: ChildPlanning) -> dict[str, Any]:
    return {
        "inscriptions": [enrolment_view(e) for e in planning.enrolments],
        "structures": [{"id": s.id, "name": s.name} for s in planning.structures],
        "services": [{"code": s.code, "name": s.name, "structure_id": s.structure_id} for s in planning.services],
    }


def _planning(planning: ChildPlanning, rows: Callable[[], Any],
              days_of: Callable[[Sequence[Cell]], Any] = _days,
              lists: Callable[[ChildPlanning], dict[str, Any]] = _lists) -> dict[str, Any]:
    child = planning.child
    days = planning.rows[0].cells if planning.rows else ()
    return {
        "child": {"id": child.id, "nom": child.nom, "prenom": child.prenom},
        "month": planning.month.strftime("%Y-%m"),
        "title": month_title(planning.month),
        "days": days_of(days),
        "rows": rows(),
        **lists(planning),
    }


class _Json(str):
    """A value rendered as JSON text already."""


#: What `json_text` writes for a string (the encoder's own function when ASCII is not escaped), without its set-up.
_string = json.encoder.encode_basestring


def _object(value: dict[str, Any]) -> str:
    """`json_text(value)`, taking values rendered already as they are."""
    return "{" + ", ".join(f"{_string(key)}: {_text(item)}" for key, item in value.items()) + "}"


def _text(item: Any) -> str:
    if isinstance(item, _Json):
        return item
    if type(item) is str:
        return _string(item)
    # a small object of strings (a child, a structure): cheaper here than through `json_text`'s set-up
    return _object(item) if type(item) is dict else json_text(item)


#: The enrolments, structures and services of a grid rendered, by their values (all their fields: whatever the
#: views read of them is in the key): a child's are the same from one request to the next.
_LISTS: RecentlyUsed[tuple[Any, ...], tuple[tuple[str, _Json], ...]] = RecentlyUsed(1024)


def _lists_json(planning: ChildPlanning) -> dict[str, Any]:
    key = (planning.enrolments, planning.structures, planning.services)
    found = _LISTS.get(key)
    if found is None:
        found = tuple((name, _Json(json_text(value))) for name, value in _lists(planning).items())
        _LISTS.put(key, found)
    return dict(found)


#: The days of a month's grid rendered, by (first day, number of days): the same for every child.
_DAYS: dict[tuple[date, int], _Json] = {}


def _days_json(cells: Sequence[Cell]) -> _Json:
    if not cells:
        return _Json("[]")
    key = (cells[0].day, len(cells))
    found = _DAYS.get(key)
    if found is None:
        if len(_DAYS) >= RENDERED_MAX:
            _DAYS.clear()
        found = _DAYS[key] = _Json(json_text(_days(cells)))
    return found


#: Cells rendered, by identity (the cell is kept, so its id is not reused): bounded, emptied when full.
_RENDERED: dict[int, tuple[Cell, str]] = {}
RENDERED_MAX = 50_000


def _cell_json(cell: Cell) -> str:
    found = _RENDERED.get(id(cell))
    if found is not None and found[0] is cell:
        return found[1]
    text = json_text(_cell(cell))
    if len(_RENDERED) >= RENDERED_MAX:
        _RENDERED.clear()
    _RENDERED[id(cell)] = (cell, text)
    return text


#: Rows rendered, by what their text is made of: their cells by identity (the entry keeps the cells, so no
#: other cell takes their ids while it is kept) and the row's own words. A row of the same child, month and
#: facts is made of the same shared cells (`MonthTemplate.rows`). Each entry is a few kilobytes.
_ROWS: RecentlyUsed[tuple[Any, ...], tuple[tuple[Cell, ...], str]] = RecentlyUsed(1024)


def _row_json(planning: ChildPlanning, row: PlanningRow) -> str:
    structure = planning.structure_of_row(row)
    cells = row.cells
    key = (row.service_code, row.organisation_code, structure and (structure.id, structure.name),
           planning.responsable, *map(id, cells))
    found = _ROWS.get(key)
    if found is not None and found[0] == cells:  # the same cells: compared by identity first, at C speed
        return found[1]
    text = _object(_row(planning, row, _Json("[" + ", ".join([_cell_json(cell) for cell in cells]) + "]")))
    _ROWS.put(key, (cells, text))
    return text


def legend_view() -> dict[str, Any]:
    """Every status of the legend."""
    return {"statuses": [status_view(status) for status in CellStatus]}


def result_view(result: CellResult) -> dict[str, Any]:
    """What happened to one cell."""
    return {"service": result.service_code, "date": result.day.isoformat(), "outcome": result.outcome.value,
            "message": result.message, "reason": result.skip.value if result.skip else None,
            "rule_id": result.rule_id, "deadline": deadline_view(result.deadline), "in_time": result.in_time}


def report_view(report: ChangeReport) -> dict[str, Any]:
    """What a request did to one child's cells."""
    return {"child": report.child_id, "done": [result_view(r) for r in report.done],
            "skipped": [result_view(r) for r in report.skipped], "requirement": report.requirement}


def booking_view(record: BookingRecord) -> dict[str, Any]:
    """A stored booking."""
    state = record.state
    return {"id": record.id, "child": record.child_id, "service": record.service_code,
            "date": record.day.isoformat(), "status": state.status.code,
            "in_time": state.in_time, "requested_by": state.requested_by,
            "requested_at": state.requested_at.isoformat() if state.requested_at else None,
            "decided_by": state.decided_by, "decided_at": state.decided_at.isoformat() if state.decided_at else None,
            "refusal_reason": state.refusal_reason, "rule_id": record.rule_id}


def absence_view(record: AbsenceRecord) -> dict[str, Any]:
    """A stored absence (`excused` as `Excuses.judged` decided it for a decided absence)."""
    state = record.state
    return {"id": record.id, "child": record.child_id, "service": record.service_code,
            "date": record.day.isoformat(), "status": state.status.code,
            "reason": state.reason, "in_time": state.in_time, "excused": state.excused, "note": record.note,
            "document": record.document, "declared_by": state.declared_by,
            "declared_at": state.declared_at.isoformat() if state.declared_at else None, "rule_id": record.rule_id}


def pending_view(entry: PendingEntry) -> dict[str, Any]:
    """A request in the agents' queue."""
    body = booking_view(entry.booking) if entry.booking else absence_view(entry.absence)  # type: ignore[arg-type]
    return {"kind": entry.kind, "child_name": entry.child_name, **body}


def enrolment_view(enrolment: Enrolment) -> dict[str, Any]:
    """An enrolment (inscription) of a child in a service."""
    return {"service": enrolment.service_code, "start": enrolment.start.isoformat(),
            "end": enrolment.end.isoformat() if enrolment.end else None,
            "organisation": enrolment.organisation_code, "structure": enrolment.structure_id,
            "contract": None if enrolment.days is None or enrolment.hours is None else {
                "days": [WEEKDAYS[d] for d in enrolment.days], "arrival": enrolment.hours[0].strftime("%H:%M"),
                "departure": enrolment.hours[1].strftime("%H:%M")}}


def closure_view(closure: DeclaredClosure) -> dict[str, Any]:
    """A declared closure."""
    return {"id": closure.id, "date": closure.closure.day.isoformat(), "service": closure.closure.service_code,
            "reason": closure.closure.reason, "declared_by": closure.declared_by,
            "declared_at": closure.declared_at.isoformat()}


def event_view(event: PlanningEvent) -> dict[str, Any]:
    """One change of the history."""
    return {"kind": event.kind.value, "service": event.service_code, "date": event.day.isoformat(),
            "at": event.at.isoformat(), "by": event.by, "by_agent": event.by_agent, "in_time": event.in_time,
            "reason": event.reason, "rule_id": event.rule_id,
            "deadline": event.deadline.isoformat() if event.deadline else None}


def headcounts_view(day: date, counts: list[Headcount]) -> dict[str, Any]:
    """The day's headcounts per structure and service."""
    return {"date": day.isoformat(), "description": describe_date(day), "headcounts": [
        {"structure": {"id": c.structure_id, "name": c.structure_name}, "service": c.service_code,
         "expected": c.expected, "meals": [{"pratique": p, "count": n} for p, n in c.meals], "note": c.note}
        for c in counts]}


def headcounts_csv(day: date, counts: list[Headcount]) -> bytes:
    """The same as CSV for Excel: `;`-separated, UTF-8 with a BOM, French headers."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Date", "Structure", "Service", "Enfants attendus", "Pratique alimentaire", "Repas"])
    for c in counts:
        if c.meals:
            for pratique, count in c.meals:
                writer.writerow([day.strftime("%d/%m/%Y"), c.structure_name, c.service_code, c.expected, pratique,
                                 count])
        else:
            writer.writerow([day.strftime("%d/%m/%Y"), c.structure_name, c.service_code, c.expected, "", ""])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def roll_call_view(day: date, lines: list[RollCall]) -> dict[str, Any]:
    """The day's attendance list."""
    def hhmm(value: Any) -> str | None:
        return value.strftime("%H:%M") if value else None

    return {"date": day.isoformat(), "children": [
        {"child": line.child_id, "nom": line.nom, "prenom": line.prenom, "service": line.service_code,
         "expected": line.expected,
         "status": None if line.attendance.status is AttendanceStatus.NONE else line.attendance.status.code,
         "arrival": hhmm(line.attendance.arrival), "departure": hhmm(line.attendance.departure)}
        for line in lines]}
