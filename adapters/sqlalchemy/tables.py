"""The database schema as SQLAlchemy Core tables: what the migrations must produce.

Conventions: ids are uuid strings, an organisation's id is its `code`; instants are
`AwareDateTime` (UTC in the database, Europe/Paris in Python); enums are stored as
their string values; free text is an unbounded `String`. Constraint and index names
follow `NAMING_CONVENTION`, so that migrations can name them the same way.
Tables added by later work (requests, bookings, invoices) come with their own migration.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from famille.adapters.sqlalchemy.aware_datetime import AwareDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

ID = 36  # a uuid as text
CODE = 40  # organisation codes, service codes
DIGEST = 64  # sha256 hex digest of a secret token

# The fields of kernel.families.Adult other than nom, prenom and the two authorisations,
# stored once for the responsable and once for the conjoint (`responsable_<field>`, ...).
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
ADULT_FLAG_FIELDS = ("autorisation_courriel", "autorisation_sms")


def _adult_columns(prefix: str, *, required: bool) -> list[Column[Any]]:
    """The columns of one adult; a conjoint's are all nullable (no conjoint: all NULL)."""
    columns: list[Column[Any]] = [
        Column(f"{prefix}_nom", String, nullable=not required),
        Column(f"{prefix}_prenom", String, nullable=not required),
    ]
    columns += [Column(f"{prefix}_{name}", String, nullable=True) for name in ADULT_TEXT_FIELDS]
    columns += [
        Column(
            f"{prefix}_{name}", Boolean, nullable=not required, server_default=false() if required else None
        )
        for name in ADULT_FLAG_FIELDS
    ]
    return columns


organisations = Table(
    "organisations",
    metadata,
    Column("code", String(CODE), primary_key=True),
    Column("name", String, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("school_zone", String(1), nullable=False),
    Column("alsace_moselle", Boolean, nullable=False, server_default=false()),
)

structures = Table(
    "structures",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("organisation_code", String(CODE), ForeignKey("organisations.code"), nullable=False),
    Column("name", String, nullable=False),
    Column("kind", String(20), nullable=False),
    Index(None, "organisation_code"),
)

services = Table(
    "services",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("structure_id", String(ID), ForeignKey("structures.id"), nullable=False),
    Column("code", String(CODE), nullable=False),
    Column("name", String, nullable=False),
    UniqueConstraint("structure_id", "code"),
)

families = Table(
    "families",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("organisation_code", String(CODE), ForeignKey("organisations.code"), nullable=False),
    Column("number", String(CODE), nullable=False),
    Column("organisme_rattachement", String, nullable=True),
    *_adult_columns("responsable", required=True),
    *_adult_columns("conjoint", required=False),
    UniqueConstraint("organisation_code", "number"),
    CheckConstraint(
        "(conjoint_nom IS NULL AND conjoint_prenom IS NULL"
        " AND conjoint_autorisation_courriel IS NULL AND conjoint_autorisation_sms IS NULL)"
        " OR (conjoint_nom IS NOT NULL AND conjoint_prenom IS NOT NULL"
        " AND conjoint_autorisation_courriel IS NOT NULL AND conjoint_autorisation_sms IS NOT NULL)",
        name="conjoint_whole",
    ),
)

children = Table(
    "children",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("organisation_code", String(CODE), ForeignKey("organisations.code"), nullable=False),
    Column("nom", String, nullable=False),
    Column("prenom", String, nullable=False),
    Column("sexe", String(1), nullable=False),
    Column("date_naissance", Date, nullable=False),
    Column("lieu_naissance", String, nullable=True),
    Column("scolarite", String, nullable=True),
    Column("prelevement", Boolean, nullable=False, server_default=false()),
    Column("photo_url", String, nullable=True),
    Index(None, "organisation_code"),
)

# `position` keeps the order of Child.family_ids (the first household first).
child_families = Table(
    "child_families",
    metadata,
    Column("child_id", String(ID), ForeignKey("children.id", ondelete="CASCADE"), nullable=False),
    Column("family_id", String(ID), ForeignKey("families.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("child_id", "family_id"),
    Index(None, "family_id"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("login", String(100), nullable=False),
    # lower-cased login: logins are unique whatever their case
    Column("login_key", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("organisation_code", String(CODE), ForeignKey("organisations.code"), nullable=False),
    Column("display_name", String, nullable=False),
    Column("password_hash", String, nullable=True),
    Column("family_id", String(ID), ForeignKey("families.id"), nullable=True),
    Column("email", String, nullable=True),
    Column("failed_logins", Integer, nullable=False, server_default=text("0")),
    Column("password_changed_at", AwareDateTime, nullable=True),
    UniqueConstraint("login_key"),
    # one account per family: the responsable's
    UniqueConstraint("family_id"),
    Index(None, "organisation_code"),
)

auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("account_id", String(ID), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("token_digest", String(DIGEST), nullable=False),
    Column("created_at", AwareDateTime, nullable=False),
    Column("expires_at", AwareDateTime, nullable=False),
    UniqueConstraint("token_digest"),
    Index(None, "account_id"),
    Index(None, "expires_at"),
)

reset_tokens = Table(
    "reset_tokens",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("account_id", String(ID), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("token_digest", String(DIGEST), nullable=False),
    Column("created_at", AwareDateTime, nullable=False),
    Column("expires_at", AwareDateTime, nullable=False),
    Column("used_at", AwareDateTime, nullable=True),
    UniqueConstraint("token_digest"),
    Index(None, "account_id"),
)

inbox_messages = Table(
    "inbox_messages",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("account_id", String(ID), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("subject", String, nullable=False),
    Column("body", Text, nullable=False),
    Column("sender", String, nullable=False),
    Column("created_at", AwareDateTime, nullable=False),
    Column("read_at", AwareDateTime, nullable=True),
    Index(None, "account_id", "created_at"),
)
