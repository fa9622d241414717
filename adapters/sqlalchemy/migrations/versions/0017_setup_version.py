"""A version of each organisation's setup, kept by the database itself.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

- `organisations.setup_version`: raised by triggers whenever what a month grid is computed from
  changes: a closure, a structure or a service of the organisation inserted, updated or deleted,
  or the organisation's own setup columns (name, kind, school zone, Alsace-Moselle) updated. A
  portal process keeps the setups it built and reads only this number per request (in the grid's
  union), so a closure committed through any process is seen by every other at its next request.

On SQLite, a later `batch_alter_table` of one of these tables recreates it without its triggers:
such a migration must create them again (`_triggers` below is the list to copy).

Written out in full, as the earlier ones: a migration is frozen history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SETUP_COLUMNS = "code, name, kind, school_zone, alsace_moselle"
#: table -> the organisations a row change touches, in SQL over NEW and OLD (`{row}`)
_TOUCHED = {
    "closures": "SELECT {row}.organisation_code",
    "structures": "SELECT {row}.organisation_code",
    "services": "SELECT organisation_code FROM structures WHERE id = {row}.structure_id",
}
_BUMP = "UPDATE organisations SET setup_version = setup_version + 1 WHERE code IN ({codes})"


def _sqlite_triggers() -> list[tuple[str, str]]:
    made = []
    for table, touched in _TOUCHED.items():
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            codes = " UNION ".join(touched.format(row=row) for row in rows)
            name = f"{table}_{event.lower()}_setup_version"
            made.append((name, f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                               f"BEGIN {_BUMP.format(codes=codes)}; END"))
    name = "organisations_update_setup_version"
    made.append((name, f"CREATE TRIGGER {name} AFTER UPDATE OF {_SETUP_COLUMNS} ON organisations "
                       f"BEGIN {_BUMP.format(codes='NEW.code')}; END"))
    return made


def _postgresql_statements() -> tuple[list[str], list[str]]:
    create, drop = [], []
    for table, touched in _TOUCHED.items():
        function = f"{table}_setup_version"
        codes = {row: touched.format(row=row) for row in ("NEW", "OLD")}
        create.append(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP <> 'DELETE' THEN {_BUMP.format(codes=codes['NEW'])}; END IF; "
            f"IF TG_OP <> 'INSERT' THEN {_BUMP.format(codes=codes['OLD'])}; END IF; "
            f"RETURN NULL; END $$")
        create.append(f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                      f"FOR EACH ROW EXECUTE FUNCTION {function}()")
        drop += [f"DROP TRIGGER IF EXISTS {function} ON {table}", f"DROP FUNCTION IF EXISTS {function}()"]
    # the organisation's own columns: raised in the row being written, before it is
    create.append(
        "CREATE FUNCTION organisations_setup_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF ({', '.join('NEW.' + c for c in _SETUP_COLUMNS.split(', '))}) IS DISTINCT FROM "
        f"({', '.join('OLD.' + c for c in _SETUP_COLUMNS.split(', '))}) THEN "
        "NEW.setup_version := OLD.setup_version + 1; END IF; RETURN NEW; END $$")
    create.append("CREATE TRIGGER organisations_setup_version BEFORE UPDATE ON organisations "
                  "FOR EACH ROW EXECUTE FUNCTION organisations_setup_version()")
    drop += ["DROP TRIGGER IF EXISTS organisations_setup_version ON organisations",
             "DROP FUNCTION IF EXISTS organisations_setup_version()"]
    return create, drop


def upgrade() -> None:
    """Add the column (every organisation at 0) and the triggers that raise it."""
    op.add_column("organisations", sa.Column("setup_version", sa.Integer, nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        statements = _postgresql_statements()[0]
    else:
        statements = [sql for _, sql in _sqlite_triggers()]
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    """Undo `upgrade`."""
    if op.get_bind().dialect.name == "postgresql":
        statements = _postgresql_statements()[1]
    else:
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name, _ in _sqlite_triggers()]
    for statement in statements:
        op.execute(statement)
    # in place on SQLite too (3.35 and later): a batch would copy the table other tables' keys point to
    op.drop_column("organisations", "setup_version")
