"""Derived data is no longer copied: a child's photo and prélèvement, a family login's e-mail.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

- `children.photo_url` and `children.prelevement` are dropped: the photo is the accepted one of
  `child_records.photo_id`, the prélèvement the one of the family's accepted `bancaires`;
- `accounts.email` of a family account is dropped (set NULL): the login's address is the
  responsable's accepted one (`families.responsable_email`). Where the responsable had none,
  the account's address becomes the responsable's first, so that no family loses its link
  « mot de passe oublié ».

Written out in full, as the earlier ones: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Move the account copies onto the record, then drop the copies."""
    op.execute(
        "UPDATE families SET responsable_email = "
        "(SELECT accounts.email FROM accounts WHERE accounts.family_id = families.id) "
        "WHERE responsable_email IS NULL"
    )
    op.execute("UPDATE accounts SET email = NULL WHERE family_id IS NOT NULL")
    # Plain ALTER TABLE (SQLite 3.35+ drops a column in place): a batch copy of `children`
    # would drop the table and, through ON DELETE CASCADE, every child's link to its families.
    op.drop_column("children", "photo_url")
    op.drop_column("children", "prelevement")


def downgrade() -> None:
    """Put the columns back (the copies are derived again from the records)."""
    op.add_column("children", sa.Column("prelevement", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("children", sa.Column("photo_url", sa.String(), nullable=True))
    op.execute(
        "UPDATE accounts SET email = "
        "(SELECT families.responsable_email FROM families WHERE families.id = accounts.family_id) "
        "WHERE family_id IS NOT NULL"
    )
