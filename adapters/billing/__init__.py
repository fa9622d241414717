"""Billing documents and commands: invoice PDFs (fpdf2), SEPA direct debits (sepaxml), the CLI."""
