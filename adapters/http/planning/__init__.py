"""API routes of the planning context: grid, bookings, absences, attendance, headcounts."""
