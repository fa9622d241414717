"""The month grid as a page draws it: a link and a spoken label per cell, the filters, the navigation.

Every cell says its status in text (the legend's code, and a label such as
« vendredi 5 décembre, GARDERIE MATIN : Réservé »), never by colour alone.
"""

from __future__ import annotations

from datetime import date

import attrs

from famille.adapters.web.planning.forms import address, month_key, shift_month
from famille.kernel.planning.cells import CellStatus
from famille.kernel.planning.grid import ActionKind, Cell, agent_action
from famille.kernel.planning.service import ChildPlanning
from famille.kernel.shared.french_dates import MONTHS, WEEKDAYS, month_title

#: The statuses the legend shows (the guide's, then ours for cells with nothing on them).
LEGEND = tuple(CellStatus)
#: Cells that take no link: no service that day, nothing to tell.
NO_LINK = frozenset({CellStatus.NON_OUVRE})


def day_and_month(day: date) -> str:
    """« vendredi 5 décembre »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]}"


def cell_label(cell: Cell, service_code: str) -> str:
    """What a screen reader says of a cell: « vendredi 5 décembre, GARDERIE MATIN : Réservé »."""
    label = f"{day_and_month(cell.day)}, {service_code} : {cell.status.label}"
    if any(a.kind is ActionKind.RESERVER for a in cell.actions):
        label += " (réservation possible)"
    elif cell.actions:
        label += " (absence possible)"
    return label


def day_address(child_id: str, day: date, service_code: str) -> str:
    """The page of one cell."""
    return address(f"/enfants/{child_id}/planning/jour", date=day.isoformat(), service=service_code)


@attrs.frozen
class GridCell:
    """One cell as drawn."""

    cell: Cell
    label: str
    href: str | None
    is_today: bool
    is_last: bool
    is_weekend: bool
    for_agent: bool = False

    @property
    def actionable(self) -> bool:
        """Whether something can be asked on it now (by an agent: whatever the deadline)."""
        return agent_action(self.cell.status) is not None if self.for_agent else bool(self.cell.actions)


@attrs.frozen
class GridRow:
    """One service's month."""

    service_code: str
    structure_name: str
    cells: tuple[GridCell, ...]


@attrs.frozen
class Grid:
    """The whole month as drawn, with its title and its neighbours."""

    title: str
    month: str
    days: tuple[tuple[date, str], ...]  # (day, « Lu 01 »)
    rows: tuple[GridRow, ...]
    previous_href: str
    next_href: str
    previous_title: str
    next_title: str


def build_grid(planning: ChildPlanning, today: date, *, structure: str | None, service: str | None,
               last: tuple[date, str] | None = None, for_agent: bool = False) -> Grid:
    """The drawn grid of a child's month; `last` marks the cell just changed; `for_agent` marks the cells
    an agent may change for the family."""
    child_id = planning.child.id
    rows = []
    for row in planning.rows:
        found = planning.structure_of_row(row)
        cells = tuple(
            GridCell(
                cell=cell,
                label=cell_label(cell, row.service_code),
                href=None if cell.status in NO_LINK else day_address(child_id, cell.day, row.service_code),
                is_today=cell.day == today,
                is_last=last == (cell.day, row.service_code),
                is_weekend=cell.day.weekday() >= 5,
                for_agent=for_agent,
            )
            for cell in row.cells
        )
        rows.append(GridRow(row.service_code, found.name if found else "", cells))
    days = tuple((c.day, c.header) for c in planning.rows[0].cells) if planning.rows else ()
    previous, following = shift_month(planning.month, -1), shift_month(planning.month, 1)
    base = f"/enfants/{child_id}/planning"
    return Grid(
        title=month_title(planning.month),
        month=month_key(planning.month),
        days=days,
        rows=tuple(rows),
        previous_href=address(base, mois=month_key(previous), etablissement=structure, service=service),
        next_href=address(base, mois=month_key(following), etablissement=structure, service=service),
        previous_title=month_title(previous),
        next_title=month_title(following),
    )
