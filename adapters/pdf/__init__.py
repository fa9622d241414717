"""Documents in PDF (fpdf2): invoices."""
