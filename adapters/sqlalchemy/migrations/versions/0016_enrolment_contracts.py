"""A crèche's « contrat régulier » on its enrolment: the weekdays the child is expected.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

- `enrolments.contract_days`: the contract's ISO weekdays (« 1,2,4 »: Monday, Tuesday, Thursday),
  with the contracted hours already kept in `arrival` and `departure`; NULL for an enrolment
  without a contract (a canteen, a garderie booked day by day), as every row stored before.

Written out in full, as the earlier ones: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the column (in place: nothing to fill)."""
    op.add_column("enrolments", sa.Column("contract_days", sa.String(20), nullable=True))


def downgrade() -> None:
    """Undo `upgrade` (contracts lose their days: the child is then booked day by day)."""
    with op.batch_alter_table("enrolments") as batch:
        batch.drop_column("contract_days")
