"""Schema migrations from code: `famille migrate` works from an installed wheel, no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.pool import NullPool

from famille.adapters.jobs.schema import is_queue_table
from famille.adapters.sqlalchemy.database import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def ours(name: str | None, kind: str, parents: object = None) -> bool:
    """Whether a table belongs to our schema (procrastinate's own tables, on PostgreSQL, do not)."""
    return not (kind == "table" and name is not None and is_queue_table(name))


def alembic_config(url: str) -> Config:
    """An alembic configuration for the migrations shipped in this package, on `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # the options are interpolated by configparser: a literal % must be doubled
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


#: The oldest revision this release can upgrade from: 0001 to 0010 were squashed into 0010.
OLDEST_REVISION = "0010"


class DatabaseTooOld(RuntimeError):
    """The database is at a revision this release no longer ships: an earlier release must upgrade it first."""

    def __init__(self, revision: str) -> None:
        super().__init__(
            f"la base de données est à la révision {revision}, antérieure à {OLDEST_REVISION} : mettez-la "
            f"d'abord à jour avec une version précédente de famille (famille migrate), puis avec celle-ci"
        )
        self.revision = revision


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision` (by default the newest).

    Raises `DatabaseTooOld`, before changing anything, when the database is at a revision older
    than `OLDEST_REVISION`.
    """
    config = alembic_config(url)
    current = current_revision(url)
    shipped = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    # a revision this release does not ship: older than the squash (a newer one is alembic's to refuse)
    if current is not None and current not in shipped and current.isdigit() and int(current) < int(OLDEST_REVISION):
        raise DatabaseTooOld(current)
    command.upgrade(config, revision)


def downgrade(url: str, revision: str) -> None:
    """Take the database at `url` down to `revision` ("base" empties it)."""
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at, or None before any migration."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def behind(url: str) -> tuple[str | None, str] | None:
    """`(its revision, this release's newest)` when the database at `url` is not at this release's newest
    migration (None before any), else None: the portal serves only a database `famille migrate` brought up."""
    newest = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert newest is not None
    current = current_revision(url)
    return None if current == newest else (current, newest)
