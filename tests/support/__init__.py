"""Real servers for tests that cross a process boundary (SMTP...)."""
