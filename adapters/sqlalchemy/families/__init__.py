"""SQL persistence of accounts, organisations, families, records, requests and the inbox."""
