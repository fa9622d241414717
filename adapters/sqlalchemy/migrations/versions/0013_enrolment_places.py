"""Enrolments carry their organisation and structure: a child may be enrolled in several organisations.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

- `enrolments.organisation_code` (required) and `enrolments.structure_id`: where the child is
  enrolled (a school canteen of its commune, the garderie of an RPI). The rows already stored
  were all in their child's organisation: they get it, and the structure of that organisation
  offering their service (NULL when the organisation no longer has the service).

Written out in full, as the earlier ones: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ENROLMENTS = sa.table("enrolments", sa.column("id"), sa.column("child_id"), sa.column("service_code"),
                       sa.column("organisation_code"), sa.column("structure_id"))
_CHILDREN = sa.table("children", sa.column("id"), sa.column("organisation_code"))
_STRUCTURES = sa.table("structures", sa.column("id"), sa.column("organisation_code"))
_SERVICES = sa.table("services", sa.column("structure_id"), sa.column("code"))


def upgrade() -> None:
    """Add the columns, fill them from each child's organisation, then require the organisation."""
    op.add_column("enrolments", sa.Column("organisation_code", sa.String(40), nullable=True))
    op.add_column("enrolments", sa.Column("structure_id", sa.String(36), nullable=True))
    e, c, st, sv = _ENROLMENTS.c, _CHILDREN.c, _STRUCTURES.c, _SERVICES.c
    op.execute(_ENROLMENTS.update().values(organisation_code=sa.select(c.organisation_code)
                                           .where(c.id == e.child_id).scalar_subquery()))
    op.execute(_ENROLMENTS.update().values(structure_id=sa.select(sv.structure_id)
                                           .join(_STRUCTURES, st.id == sv.structure_id)
                                           .where(st.organisation_code == e.organisation_code,
                                                  sv.code == e.service_code)
                                           .limit(1).scalar_subquery()))
    # nothing references `enrolments`: batch mode (a copy on SQLite) is safe here
    with op.batch_alter_table("enrolments") as batch:
        batch.alter_column("organisation_code", existing_type=sa.String(40), nullable=False)
        batch.create_foreign_key("fk_enrolments_organisation_code_organisations", "organisations",
                                 ["organisation_code"], ["code"])
        batch.create_foreign_key("fk_enrolments_structure_id_structures", "structures", ["structure_id"], ["id"])
        batch.create_index("ix_enrolments_organisation_code", ["organisation_code"])


def downgrade() -> None:
    """Undo `upgrade` (enrolments in another organisation than their child's would lose where they are)."""
    with op.batch_alter_table("enrolments") as batch:
        batch.drop_index("ix_enrolments_organisation_code")
        batch.drop_constraint("fk_enrolments_structure_id_structures", type_="foreignkey")
        batch.drop_constraint("fk_enrolments_organisation_code_organisations", type_="foreignkey")
        batch.drop_column("structure_id")
        batch.drop_column("organisation_code")
