"""What every context shares: the root domain error, time in Europe/Paris, French dates, organisations."""
