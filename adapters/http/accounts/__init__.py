"""API routes of the accounts context: session (login, logout), passwords, reset."""
