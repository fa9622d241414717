"""Online payment services (PayFIP through eopayment)."""
