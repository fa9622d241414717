"""The private calendar feed of a child: its address (for the family) and the feed itself (no login).

`GET /children/{child_id}/calendar` gives the calling family its address, `DELETE` replaces it
(the old one stops at once); `GET /calendars/{secret}.ics` is what a calendar application reads.
"""

from __future__ import annotations

import falcon

from famille.adapters.http.auth import FAMILY, PUBLIC
from famille.adapters.http.routes import Route
from famille.adapters.ical.feed import feed_document
from famille.kernel.planning.calendar_feed import FEED_NOT_FOUND, CalendarFeeds, FeedLink
from famille.kernel.shared.errors import NotFound

API = "/api/v1"
#: A secret is 43 URL-safe characters; anything else is not looked up.
SECRET_LENGTH = 43
CALENDAR = "text/calendar; charset=utf-8"


def link_view(link: FeedLink) -> dict[str, str]:
    """The address, its webcal form, and when it was made."""
    return {"url": link.url, "webcal": link.webcal, "created_at": link.created_at.isoformat()}


class ChildCalendarResource(Route[CalendarFeeds]):
    """`GET` (the address, made on first use) and `DELETE` (a new one) `/children/{child_id}/calendar`."""

    auth = FAMILY

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The calling family's private address for this child's booked days."""
        resp.media = link_view(self._use_case.link(req.context.principal, child_id[:100]))
        resp.cache_control = ["no-store"]

    def on_delete(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """Revoke the address and give the new one."""
        resp.media = link_view(self._use_case.revoke(req.context.principal, child_id[:100]))
        resp.cache_control = ["no-store"]


class CalendarFeedResource(Route[CalendarFeeds]):
    """`GET /calendars/{secret}.ics`: the feed, read by calendar applications without a session."""

    auth = PUBLIC

    def on_get(self, req: falcon.Request, resp: falcon.Response, secret: str) -> None:
        """The iCalendar document, or 404 for a revoked or unknown address."""
        if len(secret) != SECRET_LENGTH or not secret.replace("-", "").replace("_", "").isalnum():
            raise NotFound(FEED_NOT_FOUND)
        resp.data = feed_document(self._use_case.content(secret))
        resp.content_type = CALENDAR
        resp.cache_control = ["private", "no-cache"]
        resp.set_header("Referrer-Policy", "no-referrer")


def add_calendar_routes(app: falcon.App, calendars: CalendarFeeds) -> None:
    """Route the feeds on `app`."""
    app.add_route(f"{API}/children/{{child_id}}/calendar", ChildCalendarResource(calendars))
    app.add_route(f"{API}/calendars/{{secret}}.ics", CalendarFeedResource(calendars))
