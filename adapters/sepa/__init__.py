"""SEPA direct debit files (pain.008, sepaxml)."""
