"""A declared absence stays on its cell, decided once: no stored copy of « excused », refused ones kept.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

- `absences.excused` goes: whether an absence is excused is decided when it is read, by the one
  decision the grid and billing share (`famille.kernel.planning.excuses`), never copied;
- `absences.status` may be `refused`: a refused absence stays on the cell (« Absent facturé »);
- an absence declared in time used to delete its booking and leave only the history's
  `reservation-annulee` event, which billing read: each such cell (no booking, no absence left)
  gets its accepted absence row, so that the absences table alone tells the grid, the invoice
  and the headcounts what happened.

Written out in full, as the earlier ones: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "ck_absences_status_known"  # as tables.py names it
#: The name the schema (0003, then 0010) gave it: the naming convention applied to a name already prefixed.
CHECK_BEFORE = "ck_absences_ck_absences_status_known"

_EVENTS = sa.table(
    "planning_events", sa.column("organisation_code"), sa.column("child_id"), sa.column("service_code"),
    sa.column("day"), sa.column("kind"), sa.column("happened_at"), sa.column("actor"), sa.column("in_time"),
    sa.column("reason"), sa.column("rule_id"), sa.column("id"))
_BOOKINGS = sa.table("bookings", sa.column("child_id"), sa.column("service_code"), sa.column("day"))
_ABSENCES = sa.table(
    "absences", sa.column("id"), sa.column("organisation_code"), sa.column("child_id"), sa.column("service_code"),
    sa.column("day"), sa.column("status"), sa.column("reason"), sa.column("in_time"), sa.column("declared_by"),
    sa.column("declared_at"), sa.column("decided_by"), sa.column("decided_at"), sa.column("rule_id"))


def _same_cell(table: sa.TableClause) -> sa.ColumnElement[bool]:
    e = _EVENTS.c
    return sa.and_(table.c.child_id == e.child_id, table.c.service_code == e.service_code, table.c.day == e.day)


def upgrade() -> None:
    """Drop the copy, let an absence be refused, and give each in-time cancellation its absence row."""
    with op.batch_alter_table("absences") as batch:
        batch.drop_constraint(op.f(CHECK_BEFORE), type_="check")
        batch.drop_column("excused")
        batch.create_check_constraint(op.f(CHECK), "status IN ('pending', 'accepted', 'refused')")
    # Copied by the database (INSERT … SELECT): the instants keep their stored form on each dialect.
    # One row per cell: its last cancellation (the event's id, unique, becomes the absence's).
    e, later = _EVENTS.c, _EVENTS.alias("later").c
    last = ~sa.exists().where(later.kind == "reservation-annulee", later.child_id == e.child_id,
                              later.service_code == e.service_code, later.day == e.day,
                              sa.or_(later.happened_at > e.happened_at,
                                     sa.and_(later.happened_at == e.happened_at, later.id > e.id)))
    cancelled = (
        sa.select(e.id, e.organisation_code, e.child_id, e.service_code, e.day, sa.literal("accepted"),
                  sa.func.coalesce(e.reason, "AUTRES"), e.in_time, e.actor, e.happened_at, e.actor, e.happened_at,
                  e.rule_id)
        .where(e.kind == "reservation-annulee", last,
               ~sa.exists().where(_same_cell(_BOOKINGS)), ~sa.exists().where(_same_cell(_ABSENCES))))
    op.execute(sa.insert(_ABSENCES).from_select(
        ["id", "organisation_code", "child_id", "service_code", "day", "status", "reason", "in_time", "declared_by",
         "declared_at", "decided_by", "decided_at", "rule_id"], cancelled))


def downgrade() -> None:
    """Undo `upgrade`: refused absences go (their booking stands, as before), `excused` is stored again
    (true for an absence in time; a late one is recorded billed). The rows made from the history stay."""
    op.execute("DELETE FROM absences WHERE status = 'refused'")
    with op.batch_alter_table("absences") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.add_column(sa.Column("excused", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_check_constraint(op.f(CHECK_BEFORE), "status IN ('pending', 'accepted')")
    op.execute("UPDATE absences SET excused = in_time")
