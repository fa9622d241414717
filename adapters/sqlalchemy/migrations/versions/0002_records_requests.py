"""Records and requests: record sections, children's photos, change requests, canteens' menus.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-15

Written out in full, as 0001: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
CODE = sa.String(40)
INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the menus of each canteen and the tables of records and requests."""
    with op.batch_alter_table("structures") as batch:
        batch.add_column(sa.Column("pratiques", sa.JSON(), nullable=False,
                                   server_default=sa.text("'[\"--Aucun--\"]'")))
    op.create_table(
        "family_records",
        sa.Column("family_id", ID, nullable=False),
        sa.Column("fiscales", sa.JSON(), nullable=False),
        sa.Column("caf", sa.JSON(), nullable=False),
        sa.Column("bancaires", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("family_id", name="pk_family_records"),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name="fk_family_records_family_id_families",
                                ondelete="CASCADE"),
    )
    op.create_table(
        "child_records",
        sa.Column("child_id", ID, nullable=False),
        sa.Column("autorisations", sa.JSON(), nullable=False),
        sa.Column("complementaires", sa.JSON(), nullable=False),
        sa.Column("pratique", sa.JSON(), nullable=False),
        sa.Column("allergies", sa.JSON(), nullable=False),
        sa.Column("photo_id", ID, nullable=True),
        sa.PrimaryKeyConstraint("child_id", name="pk_child_records"),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], name="fk_child_records_child_id_children",
                                ondelete="CASCADE"),
    )
    op.create_table(
        "child_photos",
        sa.Column("id", ID, nullable=False),
        sa.Column("child_id", ID, nullable=False),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_child_photos"),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], name="fk_child_photos_child_id_children",
                                ondelete="CASCADE"),
    )
    op.create_index("ix_child_photos_child_id", "child_photos", ["child_id"])
    op.create_table(
        "change_requests",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("family_id", ID, nullable=False),
        sa.Column("child_id", ID, nullable=True),
        sa.Column("kind", CODE, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("submitted_at", INSTANT, nullable=False),
        sa.Column("submitted_by", ID, nullable=False),
        sa.Column("decided_at", INSTANT, nullable=True),
        sa.Column("decided_by", ID, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("notice", sa.Text(), nullable=True),
        sa.Column("rule_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_change_requests"),
        sa.ForeignKeyConstraint(["organisation_code"], ["organisations.code"],
                                name="fk_change_requests_organisation_code_organisations"),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name="fk_change_requests_family_id_families"),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], name="fk_change_requests_child_id_children"),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'refused')", name="ck_change_requests_status_known"),
        sa.CheckConstraint("status <> 'refused' OR reason IS NOT NULL",
                           name="ck_change_requests_refusal_has_reason"),
    )
    op.create_index("ix_change_requests_organisation_code_status_submitted_at", "change_requests",
                    ["organisation_code", "status", "submitted_at"])
    op.create_index("ix_change_requests_family_id", "change_requests", ["family_id"])
    op.create_index("ix_change_requests_child_id", "change_requests", ["child_id"])


def downgrade() -> None:
    """Drop what `upgrade` added, dependents first."""
    for table in ("change_requests", "child_photos", "child_records", "family_records"):
        op.drop_table(table)
    with op.batch_alter_table("structures") as batch:
        batch.drop_column("pratiques")
