"""Private calendar feeds on SQLite and PostgreSQL: the digest stored, revocation, services' hours."""

from __future__ import annotations

import threading
import time as clock
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time

import pytest
from sqlalchemy import Engine, select, text

from famille.adapters.sqlalchemy.tables import calendar_feeds
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import token_digest
from famille.kernel.planning.calendar_feed import CalendarFeed, CalendarFeeds
from famille.kernel.portal.application import build_portal
from famille.kernel.shared.errors import NotFound
from famille.kernel.shared.organisations import Service
from famille.kernel.shared.time import PARIS
from tests.fakes.clock import FakeClock
from tests.fakes.hashing import FakeHasher
from tests.fakes.notification import FakeNotifier
from tests.fakes.rules import ShippedRules
from tests.support.interleaving import AfterFirstFeedRead
from tests.support.planning_world import family_principal, seed_families, seed_organisation
from tests.unit.planning.conftest import HOLIDAYS

CHILD = "ville-a-enf-0-0"


def test_a_feed_shows_booked_days_at_the_service_hours_and_stops_once_revoked(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine,
) -> None:
    seed_organisation(uow_factory, "ville-a")
    seed_families(uow_factory, "ville-a", 2)
    with uow_factory() as uow:  # a service with its opening hours, read back as stored
        uow.organisations.add_service(Service("ville-a-etude", "ville-a-garderie", "ETUDE", "Étude surveillée",
                                              (0, 1, 3, 4), opens_at=time(16, 45), closes_at=time(17, 45)))
        uow.commit()
    with uow_factory() as uow:
        study = next(s for s in uow.organisations.services("ville-a") if s.code == "ETUDE")
    assert (study.opens_at, study.closes_at) == (time(16, 45), time(17, 45))
    portal = build_portal(uow=uow_factory, clock=FakeClock(), rules=ShippedRules(), hasher=FakeHasher(),
                          notifier=FakeNotifier(), portal_url="https://portail.example", calendar=HOLIDAYS,
                          secret_key=b"k" * 32)
    family = family_principal("ville-a", 0)
    portal.planning.book(family, CHILD, [("RESTAURATION", date(2026, 12, 7))])

    link = portal.calendars.link(family, CHILD)
    secret = link.url.rsplit("/", 1)[1].removesuffix(".ics")
    content = portal.calendars.content(secret)

    assert [(e.summary, e.day) for e in content.events] == [("Enfant0 : RESTAURATION", date(2026, 12, 7))]
    assert content.title == "Planning de Enfant0 NOM0"
    with migrated_engine.connect() as connection:  # only the digest of the secret is stored
        rows = connection.execute(select(calendar_feeds)).all()
    assert [r.token_digest for r in rows] == [token_digest(secret)] and secret not in repr(rows)
    assert portal.calendars.link(family, CHILD) == link  # the same address on each visit

    new = portal.calendars.revoke(family, CHILD)
    assert new.url != link.url
    with pytest.raises(NotFound):
        portal.calendars.content(secret)
    assert portal.calendars.content(new.url.rsplit("/", 1)[1].removesuffix(".ics")).events == content.events
    with pytest.raises(NotFound):  # another family of the organisation has no feed of this child
        portal.calendars.link(family_principal("ville-a", 1), CHILD)
    assert content.generated_at == datetime(2026, 11, 28, 10, 0, tzinfo=PARIS)


def test_two_first_visits_at_once_both_answer_the_one_address_stored(uow_factory: SqlUnitOfWorkFactory) -> None:
    seed_organisation(uow_factory, "ville-a")
    seed_families(uow_factory, "ville-a", 1)
    meeting = threading.Barrier(2)  # both visits read "no feed yet" before either writes
    feeds = CalendarFeeds(AfterFirstFeedRead(uow_factory, lambda: meeting.wait(timeout=30)), FakeClock(),
                          key=b"k" * 32, portal_url="https://portail.example")
    family = family_principal("ville-a", 0)

    with ThreadPoolExecutor(2) as pool:  # the second insert waits for the first's commit, then is ignored
        links = list(pool.map(lambda _: feeds.link(family, CHILD), range(2)))

    assert links[0] == links[1]
    assert feeds.content(links[0].url.rsplit("/", 1)[1].removesuffix(".ics")).title == "Planning de Enfant0 NOM0"


def test_two_revokes_at_once_leave_one_feed_the_last_one_written(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine,
) -> None:
    seed_organisation(uow_factory, "ville-a")
    seed_families(uow_factory, "ville-a", 1)
    family_id = family_principal("ville-a", 0).family_id
    assert family_id is not None
    now = FakeClock().now()

    def feed(nonce: str) -> CalendarFeed:
        return CalendarFeed(CHILD, family_id, nonce, nonce * 32, now)

    with uow_factory() as uow:
        uow.planning.save_calendar_feed(feed("a1"))
        uow.commit()
    failures: list[Exception] = []

    def revoke_meanwhile() -> None:
        try:
            with uow_factory() as other:
                other.planning.save_calendar_feed(feed("c3"))
                other.commit()
        except Exception as error:  # reported below, with the test's own assertion
            failures.append(error)

    with uow_factory() as first:  # the first revoke has written, not committed yet, when the second writes
        first.planning.save_calendar_feed(feed("b2"))
        second = threading.Thread(target=revoke_meanwhile)
        second.start()
        _until_waiting(migrated_engine, second)
        first.commit()
    second.join(timeout=30)

    assert failures == []
    with uow_factory() as uow:
        assert uow.planning.calendar_feed(CHILD, family_id) == feed("c3")
        assert uow.planning.calendar_feed_by_digest(feed("b2").token_digest) is None
    with migrated_engine.connect() as connection:
        assert len(connection.execute(select(calendar_feeds)).all()) == 1


def _until_waiting(engine: Engine, thread: threading.Thread) -> None:
    """Return once `thread` waits for a lock this test's database holds (PostgreSQL), or has had time to
    (SQLite, where the second writer waits for the first's commit before it begins)."""
    if engine.dialect.name != "postgresql":
        thread.join(timeout=0.5)
        return
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                   " AND datname = current_database()")
    for _ in range(300):
        with engine.connect() as connection:
            if connection.execute(waiting).scalar_one():
                return
        clock.sleep(0.05)
    raise AssertionError("la seconde révocation n'attend pas la première")
