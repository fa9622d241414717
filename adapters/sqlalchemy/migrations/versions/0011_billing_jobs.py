"""Billing runs as background jobs: the job table, and procrastinate's queue on PostgreSQL.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

- `billing_jobs`: a monthly run asked by an agent, its state (pending, running, done, failed),
  children done and total, errors, who asked it and when, when it started and finished, its run;
- on PostgreSQL only, procrastinate's schema (its `procrastinate_*` tables, types and functions),
  as shipped by the procrastinate installed when this migration runs (`famille.adapters.jobs.schema`);
  a later procrastinate whose schema changes comes with a migration applying its own migration files.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from famille.adapters.jobs.schema import apply_queue_schema, drop_queue_schema

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
CODE = sa.String(40)
INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the job table; on PostgreSQL, procrastinate's schema."""
    op.create_table(
        "billing_jobs",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("accept_flagged", sa.Boolean(), nullable=False),
        sa.Column("children_done", sa.Integer(), nullable=False),
        sa.Column("children_total", sa.Integer(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("requested_by", ID, nullable=False),
        sa.Column("requested_at", INSTANT, nullable=False),
        sa.Column("started_at", INSTANT, nullable=True),
        sa.Column("finished_at", INSTANT, nullable=True),
        sa.Column("run_id", ID, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_billing_jobs"),
        sa.ForeignKeyConstraint(["organisation_code"], ["organisations.code"],
                                name="fk_billing_jobs_organisation_code_organisations"),
        sa.CheckConstraint("state IN ('pending', 'running', 'done', 'failed')", name="ck_billing_jobs_state_known"),
    )
    op.create_index("ix_billing_jobs_organisation_code_month_requested_at", "billing_jobs",
                    ["organisation_code", "month", "requested_at"])
    if op.get_bind().dialect.name == "postgresql":
        apply_queue_schema(op.get_bind())


def downgrade() -> None:
    """Undo `upgrade` (queued jobs are forgotten)."""
    if op.get_bind().dialect.name == "postgresql":
        drop_queue_schema(op.get_bind())
    op.drop_index("ix_billing_jobs_organisation_code_month_requested_at", "billing_jobs")
    op.drop_table("billing_jobs")
