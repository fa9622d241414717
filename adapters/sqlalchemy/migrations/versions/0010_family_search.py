"""The agents' family search: each family's and child's names, folded, searched by the database.

Revision ID: 0010
Revises: 0009
Create Date: 2025-02-24

- `families.search_text`: N° famille, responsable's and conjoint's first names and names;
- `children.search_text`: first name and name;
both folded by the kernel's `fold` (lower case, no accents, punctuation as spaces) and derived by
the repositories on every write. The rows already stored get theirs here, computed with `fold` as
it is today: a later change to `fold` needs a migration that recomputes them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from famille.kernel.families.directory import fold

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FAMILIES = sa.table(
    "families", sa.column("id"), sa.column("number"), sa.column("responsable_prenom"),
    sa.column("responsable_nom"), sa.column("conjoint_prenom"), sa.column("conjoint_nom"), sa.column("search_text"))
_CHILDREN = sa.table("children", sa.column("id"), sa.column("prenom"), sa.column("nom"), sa.column("search_text"))


def upgrade() -> None:
    """Add the columns (in place: both tables are referenced by others) and fill them."""
    op.add_column("families", sa.Column("search_text", sa.String(), nullable=False, server_default=sa.text("''")))
    op.add_column("children", sa.Column("search_text", sa.String(), nullable=False, server_default=sa.text("''")))
    connection = op.get_bind()
    f = _FAMILIES.c
    for row in connection.execute(sa.select(f.id, f.number, f.responsable_prenom, f.responsable_nom,
                                            f.conjoint_prenom, f.conjoint_nom)).all():
        names = [row.number, row.responsable_prenom, row.responsable_nom, row.conjoint_prenom, row.conjoint_nom]
        connection.execute(sa.update(_FAMILIES).where(f.id == row.id).values(
            search_text=fold(" ".join(name for name in names if name))))
    c = _CHILDREN.c
    for row in connection.execute(sa.select(c.id, c.prenom, c.nom)).all():
        connection.execute(sa.update(_CHILDREN).where(c.id == row.id).values(
            search_text=fold(f"{row.prenom} {row.nom}")))


def downgrade() -> None:
    """Drop the columns (in place, SQLite 3.35+)."""
    op.drop_column("children", "search_text")
    op.drop_column("families", "search_text")
