"""Integration tests: the adapters against real SQLite and PostgreSQL databases."""
