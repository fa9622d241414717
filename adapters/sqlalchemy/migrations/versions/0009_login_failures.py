"""Failed logins counted per login typed, whether an account has it or not, with the time of the last.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

- `login_failures`: failed attempts in a row per digest of the login (`failure_key`), and when the
  last one was, so a locked login unlocks by itself after the delay of the lockout rule file, and
  an unknown login is answered exactly like a known one;
- `accounts.failed_logins` goes: the count now lives in `login_failures`.

Written out in full, as the earlier ones: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Count failures per login digest; drop the per-account counter."""
    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", INSTANT, nullable=False),
    )
    # `accounts` is referenced by other tables: dropped in place (SQLite 3.35+), never through batch
    # mode, whose copy-and-drop would trip the foreign keys.
    op.drop_column("accounts", "failed_logins")


def downgrade() -> None:
    """Undo `upgrade` (the counts start again from zero)."""
    op.add_column("accounts", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.drop_table("login_failures")
