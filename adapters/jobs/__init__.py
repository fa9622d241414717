"""Job queues: procrastinate on PostgreSQL, a thread of the portal's process on SQLite."""
