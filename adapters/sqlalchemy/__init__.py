"""The persistence adapter: SQLAlchemy Core on SQLite or PostgreSQL, with Alembic migrations.

`make_engine(url)` builds the engine, `SqlUnitOfWorkFactory(engine)` is the port's
`UnitOfWorkFactory`, and `famille.adapters.sqlalchemy.migrate.upgrade(url)` brings a
database to the newest schema (kept out of this module so alembic loads only when needed).
"""

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.tables import metadata
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWork, SqlUnitOfWorkFactory

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory", "make_engine", "metadata"]
