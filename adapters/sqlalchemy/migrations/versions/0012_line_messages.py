"""Invoice lines name their rule instead of copying its message; the day's headcount reads one index.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

- `rule_messages`: the message of a billing_eligibility rule, once per rules version, organisation,
  rule id and absence reason (the one fact the messages show);
- `invoice_lines`: `rules_version` and `reason` added, `message` nullable: a line written from now on
  names its message by (rules version, its invoice's organisation, rule id, reason); a line written
  before keeps its text (rules_version NULL), so every existing invoice reads as it did;
- `bookings`: the index on (organisation, day) becomes (organisation, day, service, status, child),
  which holds everything a day's headcount counts.

Downgrading copies each line's message back onto it before dropping the new columns and table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODE = sa.String(40)
HEADCOUNT = ["organisation_code", "day", "service_code", "status", "child_id"]


def upgrade() -> None:
    """Add `rule_messages` and the line's rule version and reason; widen the bookings' day index."""
    op.create_table(
        "rule_messages",
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("rule_id", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("rules_version", "organisation_code", "rule_id", "reason",
                                name="pk_rule_messages"),
        sa.ForeignKeyConstraint(["organisation_code"], ["organisations.code"],
                                name="fk_rule_messages_organisation_code_organisations"),
    )
    with op.batch_alter_table("invoice_lines") as batch:
        batch.add_column(sa.Column("rules_version", sa.String(64), nullable=True))
        batch.add_column(sa.Column("reason", sa.String(100), nullable=True))
        batch.alter_column("message", existing_type=sa.Text(), nullable=True)
    op.drop_index("ix_bookings_organisation_code_day", table_name="bookings")
    op.create_index("ix_bookings_" + "_".join(HEADCOUNT), "bookings", HEADCOUNT)


def downgrade() -> None:
    """Put each line's message back on it, then drop what `upgrade` added."""
    op.drop_index("ix_bookings_" + "_".join(HEADCOUNT), table_name="bookings")
    op.create_index("ix_bookings_organisation_code_day", "bookings", ["organisation_code", "day"])
    op.execute(
        "UPDATE invoice_lines SET message = (SELECT m.message FROM rule_messages m JOIN invoices i "
        "ON i.organisation_code = m.organisation_code WHERE i.id = invoice_lines.invoice_id "
        "AND m.rules_version = invoice_lines.rules_version AND m.rule_id = invoice_lines.rule_id "
        "AND m.reason = invoice_lines.reason) WHERE message IS NULL")
    with op.batch_alter_table("invoice_lines") as batch:
        batch.alter_column("message", existing_type=sa.Text(), nullable=False)
        batch.drop_column("reason")
        batch.drop_column("rules_version")
    op.drop_table("rule_messages")
