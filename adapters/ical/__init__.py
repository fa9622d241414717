"""iCalendar documents (RFC 5545) written with the `icalendar` library."""
