"""Planning: services' opening weekdays, enrolments, closures, bookings, absences, attendance, history.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-20

Written out in full, as 0001 and 0002: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
CODE = sa.String(40)
RULE = sa.String(100)
INSTANT = sa.DateTime(timezone=True)
CELL = ["child_id", "service_code", "day"]


def _cell_keys(table: str) -> list[sa.SchemaItem]:
    """The organisation and child foreign keys every cell table has."""
    return [
        sa.ForeignKeyConstraint(["organisation_code"], ["organisations.code"],
                                name=f"fk_{table}_organisation_code_organisations"),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], name=f"fk_{table}_child_id_children",
                                ondelete="CASCADE"),
    ]


def upgrade() -> None:
    """Add the opening weekdays of services and the planning tables."""
    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("weekdays", sa.String(20), nullable=False, server_default=sa.text("'1,2,4,5'")))
    op.create_table(
        "enrolments",
        sa.Column("id", ID, nullable=False),
        sa.Column("child_id", ID, nullable=False),
        sa.Column("service_code", CODE, nullable=False),
        sa.Column("start_day", sa.Date(), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=True),
        sa.Column("arrival", sa.String(5), nullable=True),
        sa.Column("departure", sa.String(5), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_enrolments"),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], name="fk_enrolments_child_id_children",
                                ondelete="CASCADE"),
    )
    op.create_index("ix_enrolments_child_id", "enrolments", ["child_id"])
    op.create_table(
        "closures",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("service_code", CODE, nullable=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("declared_by", ID, nullable=False),
        sa.Column("declared_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_closures"),
        sa.ForeignKeyConstraint(["organisation_code"], ["organisations.code"],
                                name="fk_closures_organisation_code_organisations"),
    )
    op.create_index("ix_closures_organisation_code_day", "closures", ["organisation_code", "day"])
    op.create_table(
        "bookings",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("child_id", ID, nullable=False),
        sa.Column("service_code", CODE, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_by", ID, nullable=False),
        sa.Column("requested_at", INSTANT, nullable=False),
        sa.Column("in_time", sa.Boolean(), nullable=False),
        sa.Column("decided_by", ID, nullable=True),
        sa.Column("decided_at", INSTANT, nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("rule_id", RULE, nullable=True),
        sa.Column("batch_id", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        *_cell_keys("bookings"),
        sa.UniqueConstraint(*CELL, name="uq_bookings_child_id_service_code_day"),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'refused')", name="ck_bookings_status_known"),
    )
    op.create_index("ix_bookings_organisation_code_day", "bookings", ["organisation_code", "day"])
    op.create_index("ix_bookings_organisation_code_status", "bookings", ["organisation_code", "status"])
    op.create_index("ix_bookings_batch_id", "bookings", ["batch_id"])
    op.create_table(
        "absences",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("child_id", ID, nullable=False),
        sa.Column("service_code", CODE, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(60), nullable=False),
        sa.Column("in_time", sa.Boolean(), nullable=False),
        sa.Column("excused", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("document", sa.String(), nullable=True),
        sa.Column("declared_by", ID, nullable=False),
        sa.Column("declared_at", INSTANT, nullable=False),
        sa.Column("decided_by", ID, nullable=True),
        sa.Column("decided_at", INSTANT, nullable=True),
        sa.Column("rule_id", RULE, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_absences"),
        *_cell_keys("absences"),
        sa.UniqueConstraint(*CELL, name="uq_absences_child_id_service_code_day"),
        sa.CheckConstraint("status IN ('pending', 'accepted')", name="ck_absences_status_known"),
    )
    op.create_index("ix_absences_organisation_code_day", "absences", ["organisation_code", "day"])
    op.create_index("ix_absences_organisation_code_status", "absences", ["organisation_code", "status"])
    op.create_table(
        "attendance",
        sa.Column("child_id", ID, nullable=False),
        sa.Column("service_code", CODE, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("arrival", sa.String(5), nullable=True),
        sa.Column("departure", sa.String(5), nullable=True),
        sa.Column("recorded_by", ID, nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint(*CELL, name="pk_attendance"),
        *_cell_keys("attendance"),
    )
    op.create_index("ix_attendance_organisation_code_day", "attendance", ["organisation_code", "day"])
    op.create_table(
        "planning_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("child_id", ID, nullable=False),
        sa.Column("service_code", CODE, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("happened_at", INSTANT, nullable=False),
        sa.Column("actor", ID, nullable=False),
        sa.Column("by_agent", sa.Boolean(), nullable=False),
        sa.Column("in_time", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rule_id", RULE, nullable=True),
        sa.Column("deadline", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_planning_events"),
        *_cell_keys("planning_events"),
    )
    op.create_index("ix_planning_events_child_id_day", "planning_events", ["child_id", "day"])
    op.create_index("ix_planning_events_organisation_code_happened_at", "planning_events",
                    ["organisation_code", "happened_at"])


def downgrade() -> None:
    """Drop what `upgrade` added."""
    for table in ("planning_events", "attendance", "absences", "bookings", "closures", "enrolments"):
        op.drop_table(table)
    with op.batch_alter_table("services") as batch:
        batch.drop_column("weekdays")
