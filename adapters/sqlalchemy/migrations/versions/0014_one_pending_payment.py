"""One pending online payment per family, kept by the database.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

A unique index on `online_payments(family_id)` for the rows still `en_attente`: of two requests
opening a payment for the same family at once, the second insert fails and the family is sent to
the first. A family that already has several pending payments keeps the newest; the older ones are
closed as expired, as the portal closes a payment undecided after its window (a payment the service
reports paid later is still recorded: `OnlinePayments.settle`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from famille.kernel.billing.online import EXPIRED

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = "status = 'en_attente'"


def upgrade() -> None:
    """Close the older pending payments of a family, then index the pending ones by family, uniquely."""
    op.execute(sa.text(
        "UPDATE online_payments SET status = 'echouee', settled_at = created_at, detail = :expired "
        f"WHERE {PENDING} AND EXISTS (SELECT 1 FROM online_payments newer WHERE newer.family_id = "
        "online_payments.family_id AND newer.status = 'en_attente' AND (newer.created_at > online_payments.created_at "
        "OR (newer.created_at = online_payments.created_at AND newer.id > online_payments.id)))"
    ).bindparams(expired=EXPIRED))
    op.create_index("uq_online_payments_pending_family", "online_payments", ["family_id"], unique=True,
                    sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))


def downgrade() -> None:
    """Drop the index (the payments closed stay closed)."""
    op.drop_index("uq_online_payments_pending_family", table_name="online_payments")
