"""Foundation: organisations, structures, services, families, children, accounts, sessions, inbox.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Every table is written out here rather than taken from `tables.py`: a migration
is frozen history, while `tables.py` follows the latest schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
CODE = sa.String(40)
DIGEST = sa.String(64)
INSTANT = sa.DateTime(timezone=True)

ADULT_TEXT_FIELDS = (
    "civilite",
    "qualite",
    "situation",
    "adresse",
    "complement_adresse_1",
    "complement_adresse_2",
    "lieu_dit",
    "code_postal",
    "ville",
    "telephone_domicile",
    "telephone_professionnel",
    "mobile",
    "email",
    "profession",
    "csp",
    "employeur",
    "adresse_employeur",
)


def _adult_columns(prefix: str, *, required: bool) -> list[sa.Column[Any]]:
    """The columns of one adult of a family; a conjoint's are all nullable."""
    return [
        sa.Column(f"{prefix}_nom", sa.String(), nullable=not required),
        sa.Column(f"{prefix}_prenom", sa.String(), nullable=not required),
        *(sa.Column(f"{prefix}_{name}", sa.String(), nullable=True) for name in ADULT_TEXT_FIELDS),
        *(
            sa.Column(
                f"{prefix}_{name}",
                sa.Boolean(),
                nullable=not required,
                server_default=sa.false() if required else None,
            )
            for name in ("autorisation_courriel", "autorisation_sms")
        ),
    ]


def upgrade() -> None:
    """Create the tables of the first release."""
    op.create_table(
        "organisations",
        sa.Column("code", CODE, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("school_zone", sa.String(1), nullable=False),
        sa.Column("alsace_moselle", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("code", name="pk_organisations"),
    )
    op.create_table(
        "structures",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_structures"),
        sa.ForeignKeyConstraint(
            ["organisation_code"],
            ["organisations.code"],
            name="fk_structures_organisation_code_organisations",
        ),
    )
    op.create_index("ix_structures_organisation_code", "structures", ["organisation_code"])
    op.create_table(
        "services",
        sa.Column("id", ID, nullable=False),
        sa.Column("structure_id", ID, nullable=False),
        sa.Column("code", CODE, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_services"),
        sa.ForeignKeyConstraint(
            ["structure_id"], ["structures.id"], name="fk_services_structure_id_structures"
        ),
        sa.UniqueConstraint("structure_id", "code", name="uq_services_structure_id_code"),
    )
    op.create_table(
        "families",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("number", CODE, nullable=False),
        sa.Column("organisme_rattachement", sa.String(), nullable=True),
        *_adult_columns("responsable", required=True),
        *_adult_columns("conjoint", required=False),
        sa.PrimaryKeyConstraint("id", name="pk_families"),
        sa.ForeignKeyConstraint(
            ["organisation_code"], ["organisations.code"], name="fk_families_organisation_code_organisations"
        ),
        sa.UniqueConstraint("organisation_code", "number", name="uq_families_organisation_code_number"),
        sa.CheckConstraint(
            "(conjoint_nom IS NULL AND conjoint_prenom IS NULL"
            " AND conjoint_autorisation_courriel IS NULL AND conjoint_autorisation_sms IS NULL)"
            " OR (conjoint_nom IS NOT NULL AND conjoint_prenom IS NOT NULL"
            " AND conjoint_autorisation_courriel IS NOT NULL AND conjoint_autorisation_sms IS NOT NULL)",
            name="ck_families_conjoint_whole",
        ),
    )
    op.create_table(
        "children",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("nom", sa.String(), nullable=False),
        sa.Column("prenom", sa.String(), nullable=False),
        sa.Column("sexe", sa.String(1), nullable=False),
        sa.Column("date_naissance", sa.Date(), nullable=False),
        sa.Column("lieu_naissance", sa.String(), nullable=True),
        sa.Column("scolarite", sa.String(), nullable=True),
        sa.Column("prelevement", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("photo_url", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_children"),
        sa.ForeignKeyConstraint(
            ["organisation_code"], ["organisations.code"], name="fk_children_organisation_code_organisations"
        ),
    )
    op.create_index("ix_children_organisation_code", "children", ["organisation_code"])
    op.create_table(
        "child_families",
        sa.Column("child_id", ID, nullable=False),
        sa.Column("family_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("child_id", "family_id", name="pk_child_families"),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name="fk_child_families_child_id_children", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["family_id"], ["families.id"], name="fk_child_families_family_id_families", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_child_families_family_id", "child_families", ["family_id"])
    op.create_table(
        "accounts",
        sa.Column("id", ID, nullable=False),
        sa.Column("login", sa.String(100), nullable=False),
        sa.Column("login_key", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("organisation_code", CODE, nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=True),
        sa.Column("family_id", ID, nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("password_changed_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.ForeignKeyConstraint(
            ["organisation_code"], ["organisations.code"], name="fk_accounts_organisation_code_organisations"
        ),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name="fk_accounts_family_id_families"),
        sa.UniqueConstraint("login_key", name="uq_accounts_login_key"),
        sa.UniqueConstraint("family_id", name="uq_accounts_family_id"),
    )
    op.create_index("ix_accounts_organisation_code", "accounts", ["organisation_code"])
    op.create_table(
        "auth_sessions",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("token_digest", DIGEST, nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("expires_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_auth_sessions"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_auth_sessions_account_id_accounts", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("token_digest", name="uq_auth_sessions_token_digest"),
    )
    op.create_index("ix_auth_sessions_account_id", "auth_sessions", ["account_id"])
    op.create_index("ix_auth_sessions_expires_at", "auth_sessions", ["expires_at"])
    op.create_table(
        "reset_tokens",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("token_digest", DIGEST, nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("expires_at", INSTANT, nullable=False),
        sa.Column("used_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_reset_tokens"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_reset_tokens_account_id_accounts", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("token_digest", name="uq_reset_tokens_token_digest"),
    )
    op.create_index("ix_reset_tokens_account_id", "reset_tokens", ["account_id"])
    op.create_table(
        "inbox_messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("read_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_messages"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_inbox_messages_account_id_accounts", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_inbox_messages_account_id_created_at", "inbox_messages", ["account_id", "created_at"])


def downgrade() -> None:
    """Drop the tables of the first release, dependents first."""
    for table in (
        "inbox_messages",
        "reset_tokens",
        "auth_sessions",
        "accounts",
        "child_families",
        "children",
        "families",
        "services",
        "structures",
        "organisations",
    ):
        op.drop_table(table)
