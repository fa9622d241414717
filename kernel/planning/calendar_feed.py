"""A child's booked days as a private calendar feed (iCalendar) that a phone subscribes to.

Each family gets its own secret address per child, read without login. The secret is an
HMAC of (child, family, a random nonce) under the server's key: it can be shown again on
every visit without being stored, and only its digest is kept (to find the feed from
the address). Revoking draws a new nonce: the old address stops at once.

A feed holds the days booked (waiting or accepted) from the first day of the previous month
to a year ahead, without the days with an absence declared; each day carries the service's
name and, when the service has opening hours, its Europe/Paris times.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, datetime, time, timedelta

import attrs

from famille.kernel.accounts.model import Principal, token_digest
from famille.kernel.families import access
from famille.kernel.planning.inputs import BookingStatus
from famille.kernel.shared.errors import NotFound
from famille.kernel.shared.time import PARIS
from famille.ports.clock import Clock
from famille.ports.persistence import UnitOfWork, UnitOfWorkFactory

#: Days after today a feed shows.
AHEAD_DAYS = 366
#: Where a feed is read: the portal's address, then this, then the secret.
FEED_PATH = "/api/v1/calendars/"
FEED_NOT_FOUND = "Calendrier introuvable : ce lien a été révoqué ou n'existe pas."


@attrs.frozen
class CalendarFeed:
    """A family's feed of one child, as stored: never the secret itself, only its digest."""

    child_id: str
    family_id: str
    nonce: str
    token_digest: str
    created_at: datetime


@attrs.frozen
class FeedLink:
    """The private address of a feed (what a family pastes in its calendar application)."""

    url: str
    created_at: datetime

    @property
    def webcal(self) -> str:
        """The same address with the webcal scheme, which phones open as a subscription."""
        return "webcal://" + self.url.split("://", 1)[-1]


@attrs.frozen
class FeedEvent:
    """One booked day of one service; `starts`/`ends` are set when the service has opening hours."""

    uid: str
    day: date
    summary: str
    starts: datetime | None = None
    ends: datetime | None = None


@attrs.frozen
class FeedContent:
    """What a feed shows: its title and its events, by day then service."""

    title: str
    events: tuple[FeedEvent, ...]
    generated_at: datetime


def _at(day: date, hour: time | None) -> datetime | None:
    return None if hour is None else datetime.combine(day, hour, tzinfo=PARIS)


class CalendarFeeds:
    """Private calendar addresses per child and family, and what they show."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, key: bytes, portal_url: str) -> None:
        self._uow = uow
        self._clock = clock
        self._key = key
        self._portal_url = portal_url.rstrip("/")

    def link(self, principal: Principal, child_id: str) -> FeedLink:
        """The calling family's address for this child (made on first use).

        Two first visits at once both answer the address stored first: the feed is added
        only if none is there yet (insert-or-ignore), then read back.
        """
        with self._uow() as uow:
            family_id = self._family_of(uow, principal, child_id)
            feed = uow.planning.calendar_feed(child_id, family_id)
            if feed is None:
                uow.planning.add_calendar_feed(self._draw(child_id, family_id))
                uow.commit()
                feed = uow.planning.calendar_feed(child_id, family_id)
                assert feed is not None, "a feed added or kept by insert-or-ignore is there"
        return self._link(feed)

    def revoke(self, principal: Principal, child_id: str) -> FeedLink:
        """Replace the calling family's address for this child: the old one stops working at once."""
        with self._uow() as uow:
            family_id = self._family_of(uow, principal, child_id)
            feed = self._draw(child_id, family_id)
            uow.planning.save_calendar_feed(feed)
            uow.commit()
        return self._link(feed)

    def content(self, token: str) -> FeedContent:
        """What the address with this secret shows; `NotFound` for a revoked or unknown one."""
        now = self._clock.now()
        first = (now.date().replace(day=1) - timedelta(days=1)).replace(day=1)
        last = now.date() + timedelta(days=AHEAD_DAYS)
        with self._uow() as uow:
            feed = uow.planning.calendar_feed_by_digest(token_digest(token))
            child = uow.families.get_child(feed.child_id) if feed is not None else None
            # A secret is checked again against its nonce (constant time), and the family must
            # still be the child's: a family no longer responsible loses the feed.
            if (feed is None or child is None or feed.family_id not in child.family_ids
                    or not hmac.compare_digest(self._secret(feed), token)):
                raise NotFound(FEED_NOT_FOUND)
            booked = uow.planning.bookings_of(child.id, first, last)
            # each booking's service in its own organisation (a child may be enrolled in several)
            services = {(organisation, s.code): s for organisation in {b.organisation_code for b in booked.values()}
                        for s in uow.organisations.services(organisation)}
            absent = uow.planning.absences_of(child.id, first, last)
        events = []
        for (code, day), booking in sorted(booked.items(), key=lambda item: (item[0][1], item[0][0])):
            if booking.state.status not in (BookingStatus.PENDING, BookingStatus.ACCEPTED) or (code, day) in absent:
                continue
            service = services.get((booking.organisation_code, code))
            name = service.name if service else code
            waiting = " (en attente de validation)" if booking.state.status is BookingStatus.PENDING else ""
            events.append(FeedEvent(
                uid=f"{child.id}-{code}-{day.isoformat()}".replace(" ", "_"),
                day=day, summary=f"{child.prenom} : {name}{waiting}",
                starts=_at(day, service.opens_at if service else None),
                ends=_at(day, service.closes_at if service else None)))
        return FeedContent(f"Planning de {child.prenom} {child.nom}", tuple(events), now)

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _family_of(uow: UnitOfWork, principal: Principal, child_id: str) -> str:
        """The family asking: only a family of the child has a feed (agents read the grid)."""
        child = access.visible_child(uow, principal, child_id)
        if principal.is_agent or principal.family_id is None:
            raise NotFound(access.CHILD_NOT_FOUND)
        assert principal.family_id in child.family_ids
        return principal.family_id

    def _draw(self, child_id: str, family_id: str) -> CalendarFeed:
        """A new feed with a fresh nonce (not stored)."""
        draft = CalendarFeed(child_id, family_id, secrets.token_hex(16), "", self._clock.now())
        return attrs.evolve(draft, token_digest=token_digest(self._secret(draft)))

    def _secret(self, feed: CalendarFeed) -> str:
        message = f"{feed.child_id}/{feed.family_id}/{feed.nonce}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    def _link(self, feed: CalendarFeed) -> FeedLink:
        return FeedLink(f"{self._portal_url}{FEED_PATH}{self._secret(feed)}.ics", feed.created_at)
