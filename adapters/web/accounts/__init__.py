"""Pages of the accounts context: login, password change, forgotten password."""
