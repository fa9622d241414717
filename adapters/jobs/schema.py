"""procrastinate's schema in our database, applied and removed by our migrations (`famille migrate`).

Its objects are all named `procrastinate_*`: `is_queue_table` lets the schema checks leave them out.
"""

from __future__ import annotations

from typing import Any

from procrastinate.schema import SchemaManager

PREFIX = "procrastinate_"


def is_queue_table(name: str) -> bool:
    """Whether `name` is one of procrastinate's tables (not described by our metadata)."""
    return name.startswith(PREFIX)


def apply_queue_schema(connection: Any) -> None:
    """Create procrastinate's tables, types and functions on a PostgreSQL connection, in its transaction."""
    if connection.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar() is not None:
        return
    # the raw driver runs the whole script, with no parameter parsing (the script holds '%' signs)
    connection.connection.driver_connection.execute(SchemaManager.get_schema())


def drop_queue_schema(connection: Any) -> None:
    """Remove every procrastinate object from the connection's current schema (others are left), in its
    transaction."""
    connection.connection.driver_connection.execute("""
        DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
                             procrastinate_workers CASCADE;
        DO $$
        DECLARE routine record;
        BEGIN
            FOR routine IN SELECT oid::regprocedure AS signature FROM pg_proc
                           WHERE proname LIKE 'procrastinate\\_%' AND pronamespace = current_schema()::regnamespace
            LOOP
                EXECUTE 'DROP ROUTINE ' || routine.signature || ' CASCADE';
            END LOOP;
        END $$;
        DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type,
                            procrastinate_job_status CASCADE;
    """)
