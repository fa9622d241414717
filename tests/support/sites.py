"""A portal for the onboarding tests, on the fakes, SQLite or PostgreSQL: two organisations, an agent each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import attrs
import falcon.testing

from famille.adapters.http.app import create_app
from famille.kernel.portal.application import Portal, build_portal
from famille.kernel.shared.time import PARIS
from famille.ports.persistence import UnitOfWorkFactory
from tests.fakes.clock import FakeClock
from tests.fakes.hashing import FakeHasher
from tests.fakes.notification import FakeNotifier
from tests.fakes.rules import ShippedRules
from tests.support.planning_world import seed_organisation
from tests.support.storages import KINDS, open_storage

PASSWORD = "Cantine2026"
PORTAL_URL = "https://portail.example.fr"
NOW = datetime(2026, 8, 20, 10, 0, tzinfo=PARIS)


@attrs.define
class Site:
    """A portal on one kind of storage, its client, clock and outbox."""

    uow: UnitOfWorkFactory
    portal: Portal
    client: falcon.testing.TestClient
    clock: FakeClock
    notifier: FakeNotifier

    def token(self, login: str, password: str = PASSWORD) -> dict[str, str]:
        result = self.client.simulate_post("/api/v1/session", json={"login": login, "password": password})
        assert result.status_code == 201, result.text
        return {"Authorization": f"Bearer {result.json['token']}"}


def open_site(kind: str, tmp_path: Path) -> Iterator[Site]:
    """A site on `kind` (see `tests.support.storages`) for a fixture to yield from."""
    for uow in open_storage(kind, tmp_path):
        yield _site(uow)


def _site(uow: UnitOfWorkFactory) -> Site:
    """Two organisations (a canteen and a garderie each) with one agent each."""
    for code in ("ville-a", "ville-b"):
        seed_organisation(uow, code)
    clock, notifier = FakeClock(NOW), FakeNotifier()
    portal = build_portal(uow=uow, clock=clock, rules=ShippedRules(), hasher=FakeHasher(), notifier=notifier,
                          portal_url=PORTAL_URL, secret_key=b"k" * 32)
    for code in ("ville-a", "ville-b"):
        portal.authentication.set_initial_password(f"agent-{code}", PASSWORD)
    app = create_app(portal, login_rate="1000/minute")
    return Site(uow, portal, falcon.testing.TestClient(app), clock, notifier)


__all__ = ["KINDS", "NOW", "PASSWORD", "PORTAL_URL", "Site", "open_site"]
