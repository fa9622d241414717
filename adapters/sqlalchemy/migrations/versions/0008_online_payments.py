"""Paying online: payments opened with the payment service, and what each payment pays.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

- `online_payments`: a payment opened online (PayFIP) for some invoices, pending until the
  service's first matching message settles it;
- `payment_allocations`: the invoices a payment pays and how much goes to each.

Written out in full, as the earlier ones: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
CODE = sa.String(40)
INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the two tables."""
    op.create_table(
        "payment_allocations",
        sa.Column("payment_id", ID, nullable=False),
        sa.Column("invoice_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("payment_id", "invoice_id", name="pk_payment_allocations"),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"], name="fk_payment_allocations_payment_id_payments",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"], name="fk_payment_allocations_invoice_id_invoices"),
        sa.CheckConstraint("amount_cents > 0", name="ck_payment_allocations_amount_positive"),
    )
    op.create_table(
        "online_payments",
        sa.Column("id", ID, nullable=False),
        sa.Column("reference", sa.String(30), nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("family_id", ID, nullable=False),
        sa.Column("invoices", sa.JSON(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("transaction_id", sa.String(200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("settled_at", INSTANT, nullable=True),
        sa.Column("payment_id", ID, nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_online_payments"),
        sa.ForeignKeyConstraint(["organisation_code"], ["organisations.code"],
                                name="fk_online_payments_organisation_code_organisations"),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name="fk_online_payments_family_id_families"),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"], name="fk_online_payments_payment_id_payments"),
        sa.UniqueConstraint("reference", name="uq_online_payments_reference"),
        sa.CheckConstraint("amount_cents > 0", name="ck_online_payments_amount_positive"),
    )
    op.create_index("ix_online_payments_family_id_created_at", "online_payments", ["family_id", "created_at"])


def downgrade() -> None:
    """Undo `upgrade`."""
    op.drop_index("ix_online_payments_family_id_created_at", "online_payments")
    op.drop_table("online_payments")
    op.drop_table("payment_allocations")
