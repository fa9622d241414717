"""Billing data: each family's share of a child, « habite la commune », SEPA creditor and mandates.

Revision ID: 0005
Revises: 0004
Create Date: 2025-02-10

- `child_families.share_hundredths`: the family's share of the child's costs in hundredths of a
  percent (NULL: not set, the families share equally);
- `families.resident`: the family lives in the commune (pricing), true for every existing family;
- `invoice_lines.share` (whole percent) becomes `share_hundredths` (hundredths of a percent);
- `sepa_creditors`: an organisation's name, IBAN, BIC and creditor identifier (ICS);
- `sepa_mandates`: a family's mandate (RUM, date of signature).

Written out in full, as the earlier ones: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
CODE = sa.String(40)


def upgrade() -> None:
    """Add the billing data."""
    with op.batch_alter_table("child_families") as batch:
        batch.add_column(sa.Column("share_hundredths", sa.Integer(), nullable=True))
        batch.create_check_constraint(
            "ck_child_families_share_in_range",
            "share_hundredths IS NULL OR (share_hundredths >= 0 AND share_hundredths <= 10000)")
    # `families` is referenced by other tables: added in place (SQLite's ALTER TABLE ADD COLUMN), never
    # through batch mode, whose copy-and-drop would trip the foreign keys.
    op.add_column("families", sa.Column("resident", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("invoice_lines") as batch:
        batch.add_column(sa.Column("share_hundredths", sa.Integer(), nullable=False, server_default="10000"))
    op.execute("UPDATE invoice_lines SET share_hundredths = share * 100")
    with op.batch_alter_table("invoice_lines") as batch:
        batch.drop_column("share")
        batch.alter_column("share_hundredths", server_default=None, existing_type=sa.Integer(),
                           existing_nullable=False)
    op.create_table(
        "sepa_creditors",
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("name", sa.String(70), nullable=False),
        sa.Column("iban", sa.String(34), nullable=False),
        sa.Column("bic", sa.String(11), nullable=False),
        sa.Column("creditor_id", sa.String(35), nullable=False),
        sa.PrimaryKeyConstraint("organisation_code", name="pk_sepa_creditors"),
        sa.ForeignKeyConstraint(["organisation_code"], ["organisations.code"],
                                name="fk_sepa_creditors_organisation_code_organisations"),
    )
    op.create_table(
        "sepa_mandates",
        sa.Column("family_id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("reference", sa.String(35), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("family_id", name="pk_sepa_mandates"),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name="fk_sepa_mandates_family_id_families",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_code"], ["organisations.code"],
                                name="fk_sepa_mandates_organisation_code_organisations"),
        sa.UniqueConstraint("organisation_code", "reference", name="uq_sepa_mandates_organisation_code_reference"),
    )


def downgrade() -> None:
    """Undo `upgrade` (a share below one percent is rounded to the whole percent)."""
    op.drop_table("sepa_mandates")
    op.drop_table("sepa_creditors")
    with op.batch_alter_table("invoice_lines") as batch:
        batch.add_column(sa.Column("share", sa.Integer(), nullable=False, server_default="100"))
    op.execute("UPDATE invoice_lines SET share = (share_hundredths + 50) / 100")
    with op.batch_alter_table("invoice_lines") as batch:
        batch.drop_column("share_hundredths")
        batch.alter_column("share", server_default=None, existing_type=sa.Integer(), existing_nullable=False)
    op.drop_column("families", "resident")  # in place (SQLite 3.35+), see upgrade
    with op.batch_alter_table("child_families") as batch:
        batch.drop_constraint("ck_child_families_share_in_range", type_="check")
        batch.drop_column("share_hundredths")
