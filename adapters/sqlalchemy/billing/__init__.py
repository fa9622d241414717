"""SQL persistence of billing: runs, invoices, payments; and the month's days read for a run."""
