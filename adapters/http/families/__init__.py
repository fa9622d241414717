"""API routes of the families context: records, change requests, inbox."""
