"""Families' calendars: services' opening hours and private calendar feeds.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

- `services.opens_at`, `services.closes_at`: opening hours "HH:MM" (Europe/Paris), NULL when not known;
- `calendar_feeds`: a family's private iCalendar feed of a child, the digest of its secret and its nonce.

Written out in full, as the earlier ones: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the opening hours and the feeds."""
    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("opens_at", sa.String(5), nullable=True))
        batch.add_column(sa.Column("closes_at", sa.String(5), nullable=True))
    op.create_table(
        "calendar_feeds",
        sa.Column("child_id", ID, nullable=False),
        sa.Column("family_id", ID, nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("child_id", "family_id", name="pk_calendar_feeds"),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], name="fk_calendar_feeds_child_id_children",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name="fk_calendar_feeds_family_id_families",
                                ondelete="CASCADE"),
        sa.UniqueConstraint("token_digest", name="uq_calendar_feeds_token_digest"),
    )


def downgrade() -> None:
    """Undo `upgrade`."""
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("services") as batch:
        batch.drop_column("closes_at")
        batch.drop_column("opens_at")
