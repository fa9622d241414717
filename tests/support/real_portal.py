"""The app on a real database (SQLite, or PostgreSQL under the marker) behind Falcon's TestClient.

Wired as `famille.bootstrap.build()` does (SQL unit of work, `DurableRules` on `rules/`,
the SQL `ServiceDaySource`, the French holiday calendar, the portal notifier), except
for the clock, which the test sets and moves. Accounts log in with `PASSWORD`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import falcon.testing
import pytest

from famille.adapters.calendar.holidays_fr import FrenchHolidayCalendar
from famille.adapters.http.app import create_app
from famille.adapters.notification.notifier import PortalNotifier
from famille.adapters.notification.sms import LogSms
from famille.adapters.rules.engine import DurableRules
from famille.adapters.sqlalchemy.billing.source import SqlServiceDays
from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import Account, Role
from famille.kernel.families.model import Adult, Family
from famille.kernel.portal.application import build_portal
from famille.kernel.shared.organisations import Organisation, OrganisationKind
from famille.ports.calendar import HolidayCalendar
from famille.ports.rules import Rules
from famille.rules import default_rules_dir
from tests.fakes.clock import FakeClock
from tests.fakes.hashing import FakeHasher
from tests.integration.databases import fresh_database, postgres_server_url

PASSWORD = "Cantine2026"
HASHER = FakeHasher()


def account(id: str, login: str, role: Role, organisation: str, family: str | None = None) -> Account:
    """An account of a seeded database, logging in with `PASSWORD` (its e-mail: login@example.fr)."""
    return Account(id=id, login=login, role=role, organisation_code=organisation, display_name=login,
                   password_hash=HASHER.hash(PASSWORD), family_id=family, email=f"{login}@example.fr")


#: The two organisations of `two_organisations`: code, name, kind.
TWO_ORGANISATIONS = (("ville-a", "Commune de Villeneuve", OrganisationKind.COMMUNE),
                     ("rpi-b", "RPI des Deux Rives", OrganisationKind.RPI))


def two_organisations(work: Any, family_a: str, family_b: str, agent_a: str, agent_b: str) -> None:
    """Add to the unit of work `work` the `TWO_ORGANISATIONS` (zone A), a family of each (`fam-a`, DUPONT
    Marie, of `ville-a`; `fam-b`, MARTIN Paul, of `rpi-b`) and a family account and an agent account of
    each, logging in as named; the caller adds their structures, children and enrolments, and commits."""
    for code, name, kind in TWO_ORGANISATIONS:
        work.organisations.add(Organisation(code, name, kind, school_zone="A"))
    work.families.add(Family("fam-a", "ville-a", "A-0001", Adult("DUPONT", "Marie")))
    work.families.add(Family("fam-b", "rpi-b", "B-0001", Adult("MARTIN", "Paul")))
    for added in (account("acc-a", family_a, Role.FAMILY, "ville-a", "fam-a"),
                  account("acc-b", family_b, Role.FAMILY, "rpi-b", "fam-b"),
                  account("agent-a", agent_a, Role.AGENT, "ville-a"), account("agent-b", agent_b, Role.AGENT, "rpi-b")):
        work.accounts.add(added)


def database_kinds() -> list[Any]:
    """`sqlite`, and `postgresql` under the `postgres` marker (skipped without a server)."""
    postgres = pytest.mark.skipif(postgres_server_url() is None, reason="FAMILLE_TEST_POSTGRES_URL non défini")
    return ["sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, postgres])]


class RealPortal:
    """The app on a real database seeded by `seed`, with a clock starting at `now`; the holiday
    calendar and the rules are the shipped ones unless the test gives its own (`self.rules`)."""

    def __init__(self, url: str, seed: Callable[[SqlUnitOfWorkFactory], None], now: datetime, *,
                 holidays: HolidayCalendar | None = None, rules: Rules | None = None) -> None:
        self.engine = make_engine(url)
        uow = SqlUnitOfWorkFactory(self.engine)
        self.clock = FakeClock(now)
        self.rules = rules or DurableRules(default_rules_dir())
        portal = build_portal(
            uow=uow, clock=self.clock, rules=self.rules, hasher=HASHER,
            notifier=PortalNotifier(uow, self.clock, mailer=None, sms=LogSms()), portal_url="https://portail.test",
            service_days=SqlServiceDays(self.engine), calendar=holidays or FrenchHolidayCalendar())
        seed(uow)
        self.client = falcon.testing.TestClient(create_app(portal, login_rate="1000/minute"))
        self.tokens: dict[str, str] = {}

    def at(self, when: datetime) -> RealPortal:
        """Move the clock (sessions expire: everyone logs in again)."""
        self.clock.set(when)
        self.tokens.clear()
        return self

    def call(self, who: str, method: str, path: str, **kwargs: Any) -> falcon.testing.Result:
        """A request by `who` (logged in on first use)."""
        if who not in self.tokens:
            session = self.client.simulate_post("/api/v1/session", json={"login": who, "password": PASSWORD})
            assert session.status_code == 201, session.text
            self.tokens[who] = session.json["token"]
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.client.simulate_request(method, path, headers=headers, **kwargs)


def run_month(portal: Any, who: str, month: str, **body: Any) -> falcon.testing.Result:
    """`who` asks `portal` (anything with `call`) for the month's run: 202 and the job in `Location`;
    the job, run at once in these tests, is done: the run's review."""
    asked = portal.call(who, "POST", "/api/v1/agent/billing/runs", json={"month": month, **body})
    assert asked.status_code == 202, asked.text
    job = portal.call(who, "GET", asked.headers["location"])
    assert job.json["state"] == "done", job.text
    return portal.call(who, "GET", job.json["run"])


@contextmanager
def real_portal(kind: str, folder: Path, seed: Callable[[SqlUnitOfWorkFactory], None], now: datetime, *,
                holidays: HolidayCalendar | None = None, rules: Rules | None = None) -> Iterator[RealPortal]:
    """A `RealPortal` on a fresh database of `kind`, disposed of afterwards."""
    with fresh_database(kind, folder) as url:
        portal = RealPortal(url, seed, now, holidays=holidays, rules=rules)
        try:
            yield portal
        finally:
            portal.engine.dispose()


def real_portal_fixture(seed: Callable[[SqlUnitOfWorkFactory], None], now: datetime) -> Any:
    """A pytest fixture giving a `RealPortal` seeded by `seed`, once on SQLite and once on PostgreSQL."""

    @pytest.fixture(params=database_kinds())
    def real(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RealPortal]:
        with real_portal(request.param, tmp_path, seed, now) as portal:
            yield portal

    return real
