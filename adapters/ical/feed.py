"""A child's calendar feed as an iCalendar document: one event per booked day and service.

Days with opening hours are timed events in Europe/Paris (the VTIMEZONE is included, so
every calendar application places them right across the DST changes); the others are
all-day events.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import icalendar

from famille.kernel.planning.calendar_feed import FeedContent

PRODUCT = "-//Portail famille//Planning//FR"
#: How often a calendar application should read the feed again.
REFRESH = "PT6H"


def feed_document(content: FeedContent) -> bytes:
    """The feed as an iCalendar document (UTF-8, CRLF lines)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", content.title)
    calendar.add("x-wr-timezone", "Europe/Paris")
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    stamp = content.generated_at.astimezone(UTC)
    for item in content.events:
        event = icalendar.Event()
        event.add("uid", f"{item.uid}@portail-famille")
        event.add("dtstamp", stamp)
        event.add("summary", item.summary)
        if item.starts is not None and item.ends is not None:
            event.add("dtstart", item.starts)
            event.add("dtend", item.ends)
        else:
            event.add("dtstart", item.day)
            event.add("dtend", item.day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
