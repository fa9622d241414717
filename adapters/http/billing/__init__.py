"""API routes of the billing context: runs, invoices, payments, statements, SEPA."""
