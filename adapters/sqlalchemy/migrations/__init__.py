"""Alembic migrations of the famille database, shipped inside the package (see `migrate.py`)."""
