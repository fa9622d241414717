"""Pages of the billing context: statement, invoices, agents' billing, payments, SEPA."""
