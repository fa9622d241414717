"""A small world for kernel tests: two organisations, two families, one agent each, on fakes."""

from __future__ import annotations

from datetime import date

import attrs

from famille.kernel.accounts.model import Account, Role
from famille.kernel.families.model import Adult, Child, Family, Sexe
from famille.kernel.portal.application import Portal, build_portal
from famille.kernel.shared.organisations import Organisation, OrganisationKind
from tests.fakes.clock import FakeClock
from tests.fakes.hashing import FakeHasher
from tests.fakes.notification import FakeNotifier
from tests.fakes.persistence import FakeUnitOfWorkFactory
from tests.fakes.rules import ShippedRules


@attrs.define
class World:
    portal: Portal
    uow: FakeUnitOfWorkFactory
    clock: FakeClock
    rules: ShippedRules
    hasher: FakeHasher
    notifier: FakeNotifier


PASSWORDS = {"dupont": "Dupont2026", "durand": "Durand2026", "agent-a": "AgentA2026", "agent-b": "AgentB2026"}


def make_world() -> World:
    uow, clock, rules, hasher, notifier = (FakeUnitOfWorkFactory(), FakeClock(), ShippedRules(),
                                           FakeHasher(), FakeNotifier())
    uow.seed(organisations=[
        Organisation(code="org-a", name="Commune A", kind=OrganisationKind.COMMUNE),
        Organisation(code="org-b", name="SSI B", kind=OrganisationKind.SSI),
    ])
    families = [
        Family(id="fam-dupont", organisation_code="org-a", number="1001",
               responsable=Adult(nom="DUPONT", prenom="MARIE", email="marie@example.org",
                                 autorisation_courriel=True)),
        Family(id="fam-durand", organisation_code="org-b", number="2001",
               responsable=Adult(nom="DURAND", prenom="PAUL")),
    ]
    children = [
        Child(id="child-lea", organisation_code="org-a", nom="DUPONT", prenom="LEA", sexe=Sexe.F,
              date_naissance=date(2018, 3, 1), family_ids=("fam-dupont",)),
        Child(id="child-tom", organisation_code="org-b", nom="DURAND", prenom="TOM", sexe=Sexe.M,
              date_naissance=date(2017, 9, 9), family_ids=("fam-durand",)),
    ]
    accounts = [
        Account(id="acc-dupont", login="dupont", role=Role.FAMILY, organisation_code="org-a",
                display_name="MARIE DUPONT", family_id="fam-dupont", email="marie@example.org"),
        Account(id="acc-durand", login="durand", role=Role.FAMILY, organisation_code="org-b",
                display_name="PAUL DURAND", family_id="fam-durand"),
        Account(id="acc-agent-a", login="agent-a", role=Role.AGENT, organisation_code="org-a",
                display_name="Agent A"),
        Account(id="acc-agent-b", login="agent-b", role=Role.AGENT, organisation_code="org-b",
                display_name="Agent B"),
    ]
    uow.seed(families=families, children=children,
             accounts=[attrs.evolve(a, password_hash=hasher.hash(PASSWORDS[a.login])) for a in accounts])
    portal = build_portal(uow=uow, clock=clock, rules=rules, hasher=hasher, notifier=notifier,
                          portal_url="https://portail.example")
    return World(portal, uow, clock, rules, hasher, notifier)
