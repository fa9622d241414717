"""Calendar: an organisation's school year, holidays, closures and opening days, and booking deadlines."""

from famille.kernel.calendar.loading import CalendarUnavailable
from famille.kernel.calendar.model import Closure, HolidayPeriod, OrganisationCalendar, SchoolYear

__all__ = ["CalendarUnavailable", "Closure", "HolidayPeriod", "OrganisationCalendar", "SchoolYear"]
