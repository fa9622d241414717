"""Adapters: the concrete implementations of the ports (database, HTTP, e-mail, clock, rules engine)."""
