"""An API over the fakes: two organisations, each with one family (account, children) and one agent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import falcon
import falcon.testing
import pytest

from famille.adapters.http.app import create_app
from famille.kernel.accounts.model import Account, Role
from famille.kernel.families.inbox import InboxMessage
from famille.kernel.families.model import Adult, Child, Civilite, Family, Sexe
from famille.kernel.portal.application import Portal, build_portal
from famille.kernel.shared.organisations import Organisation, OrganisationKind
from famille.kernel.shared.time import PARIS
from tests.fakes.clock import FakeClock
from tests.fakes.hashing import FakeHasher
from tests.fakes.notification import FakeNotifier
from tests.fakes.persistence import FakeUnitOfWorkFactory
from tests.fakes.rules import ShippedRules

PASSWORD = "Cantine2026"
PORTAL_URL = "https://portail.example.fr"
HASHER = FakeHasher()


def _account(id: str, login: str, role: Role, org: str, name: str, family: str | None = None) -> Account:
    return Account(
        id=id, login=login, role=role, organisation_code=org, display_name=name,
        password_hash=HASHER.hash(PASSWORD), family_id=family, email=f"{login}@example.fr",
    )


def _child(id: str, org: str, nom: str, prenom: str, sexe: Sexe, born: date, family: str) -> Child:
    return Child(id=id, organisation_code=org, nom=nom, prenom=prenom, sexe=sexe,
                 date_naissance=born, family_ids=(family,))


def _message(id: str, account: str, subject: str, day: int) -> InboxMessage:
    return InboxMessage(id=id, account_id=account, subject=subject, body=f"Texte de « {subject} ».",
                        created_at=datetime(2026, 11, day, 9, 0, tzinfo=PARIS))


def seeded_uow() -> FakeUnitOfWorkFactory:
    """The fake database every HTTP test starts from."""
    uow = FakeUnitOfWorkFactory()
    uow.seed(
        organisations=[
            Organisation("ville-a", "Commune de Villeneuve", OrganisationKind.COMMUNE),
            Organisation("rpi-b", "RPI des Deux Rives", OrganisationKind.RPI, school_zone="B"),
        ],
        families=[
            Family("fam-a", "ville-a", "A-0001", Adult("DUPONT", "Marie", civilite=Civilite.MADAME,
                                                       email="marie.dupont@example.fr")),
            Family("fam-b", "rpi-b", "B-0001", Adult("MARTIN", "Paul", civilite=Civilite.MONSIEUR,
                                                     email="paul.martin@example.fr")),
        ],
        children=[
            _child("enf-a1", "ville-a", "DUPONT", "Léa", Sexe.F, date(2017, 2, 28), "fam-a"),
            _child("enf-a2", "ville-a", "DUPONT", "Hugo", Sexe.M, date(2019, 9, 1), "fam-a"),
            _child("enf-b1", "rpi-b", "MARTIN", "Zoé", Sexe.F, date(2018, 5, 12), "fam-b"),
        ],
        accounts=[
            _account("acc-a", "marie.dupont", Role.FAMILY, "ville-a", "Marie DUPONT", "fam-a"),
            _account("acc-b", "paul.martin", Role.FAMILY, "rpi-b", "Paul MARTIN", "fam-b"),
            _account("agent-a", "agent.villeneuve", Role.AGENT, "ville-a", "Agnès ROUX"),
            _account("agent-b", "agent.deuxrives", Role.AGENT, "rpi-b", "Bruno SIMON"),
        ],
        inbox=[
            _message("msg-a1", "acc-a", "Menus de décembre", 20),
            _message("msg-a2", "acc-a", "Fermeture de la garderie", 25),
            _message("msg-b1", "acc-b", "Facture de novembre", 26),
        ],
    )
    return uow


class World:
    """The fakes behind one app, for tests to look into."""

    def __init__(self) -> None:
        self.uow = seeded_uow()
        self.clock = FakeClock()
        self.rules = ShippedRules()
        self.notifier = FakeNotifier()
        self.portal: Portal = build_portal(
            uow=self.uow, clock=self.clock, rules=self.rules, hasher=HASHER,
            notifier=self.notifier, portal_url=PORTAL_URL,
        )

    def app(self, **options: Any) -> falcon.App:
        """A fresh app on this world (its own in-memory throttle counters)."""
        options.setdefault("login_rate", "1000/minute")
        options.setdefault("account_rate", "1000/minute")
        return create_app(self.portal, **options)


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def app(world: World) -> falcon.App:
    return world.app()


@pytest.fixture
def client(app: falcon.App) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(app)


def login(client: falcon.testing.TestClient, who: str, password: str = PASSWORD) -> falcon.testing.Result:
    """POST /api/v1/session."""
    return client.simulate_post("/api/v1/session", json={"login": who, "password": password})


@pytest.fixture
def token_of(client: falcon.testing.TestClient) -> Callable[[str], str]:
    """Log `who` in and return the bearer token."""

    def token(who: str) -> str:
        result = login(client, who)
        assert result.status_code == 201, result.text
        return str(result.json["token"])

    return token


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for `token`."""
    return {"Authorization": f"Bearer {token}"}
