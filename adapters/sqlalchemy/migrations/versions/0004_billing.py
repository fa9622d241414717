"""Billing: runs, invoices and credit notes, their lines, payments, invoice number counters.

Revision ID: 0004
Revises: 0003
Create Date: 2025-01-27

Written out in full, as the earlier ones: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
CODE = sa.String(40)
INSTANT = sa.DateTime(timezone=True)


def _organisation(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["organisation_code"], ["organisations.code"],
                                   name=f"fk_{table}_organisation_code_organisations")


def upgrade() -> None:
    """Add the billing tables."""
    op.create_table(
        "billing_runs",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("finalised_at", INSTANT, nullable=True),
        sa.Column("finalised_by", ID, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_billing_runs"),
        _organisation("billing_runs"),
        sa.UniqueConstraint("organisation_code", "month", name="uq_billing_runs_organisation_code_month"),
        sa.CheckConstraint("status IN ('draft', 'final')", name="ck_billing_runs_status_known"),
    )
    op.create_table(
        "invoices",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("family_id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(30), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("credited_invoice_id", ID, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invoices"),
        _organisation("invoices"),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name="fk_invoices_family_id_families"),
        sa.ForeignKeyConstraint(["run_id"], ["billing_runs.id"], name="fk_invoices_run_id_billing_runs"),
        sa.ForeignKeyConstraint(["credited_invoice_id"], ["invoices.id"],
                                name="fk_invoices_credited_invoice_id_invoices"),
        sa.UniqueConstraint("organisation_code", "number", name="uq_invoices_organisation_code_number"),
        sa.CheckConstraint("kind IN ('facture', 'avoir')", name="ck_invoices_kind_known"),
    )
    op.create_index("ix_invoices_family_id_issued_on", "invoices", ["family_id", "issued_on"])
    op.create_index("ix_invoices_run_id", "invoices", ["run_id"])
    op.create_index("ix_invoices_organisation_code_month", "invoices", ["organisation_code", "month"])
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("child_id", ID, nullable=False),
        sa.Column("child_name", sa.String(), nullable=False),
        sa.Column("service_code", CODE, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rule_id", sa.String(100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("billed", sa.String(10), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("share", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("invoice_id", "position", name="pk_invoice_lines"),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"], name="fk_invoice_lines_invoice_id_invoices",
                                ondelete="CASCADE"),
    )
    op.create_table(
        "payments",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("family_id", ID, nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", ID, nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.Column("reference", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        _organisation("payments"),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name="fk_payments_family_id_families"),
        sa.CheckConstraint("amount_cents > 0", name="ck_payments_amount_positive"),
    )
    op.create_index("ix_payments_family_id_paid_on", "payments", ["family_id", "paid_on"])
    op.create_table(
        "invoice_counters",
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("series", sa.String(20), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_code", "series", name="pk_invoice_counters"),
        _organisation("invoice_counters"),
    )


def downgrade() -> None:
    """Drop what `upgrade` added."""
    for table in ("invoice_counters", "payments", "invoice_lines", "invoices", "billing_runs"):
        op.drop_table(table)
