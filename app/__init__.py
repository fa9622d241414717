"""famille: the portail famille of French communes (canteen and garderie bookings, requests, billing)."""

__version__ = "0.1.0"
