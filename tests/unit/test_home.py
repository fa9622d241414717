"""The home page of a family and of an agent."""

from __future__ import annotations

from datetime import timedelta

from famille.kernel.families.inbox import InboxMessage
from tests.unit.world import PASSWORDS, make_world


def _principal(world, login):  # type: ignore[no-untyped-def]
    auth = world.portal.authentication
    return auth.authenticate(auth.login(login, PASSWORDS[login]).token)


def test_a_family_sees_its_responsable_its_children_and_its_new_messages() -> None:
    world = make_world()
    world.uow.seed(inbox=[
        InboxMessage(id="m1", account_id="acc-dupont", subject="Menu", body="…", created_at=world.clock.now()),
        InboxMessage(id="m2", account_id="acc-dupont", subject="Lu", body="…",
                     created_at=world.clock.now(), read_at=world.clock.now() + timedelta(minutes=1)),
        InboxMessage(id="m3", account_id="acc-durand", subject="Autre", body="…", created_at=world.clock.now()),
    ])
    page = world.portal.home.page(_principal(world, "dupont"))
    assert page.responsable is not None and page.responsable.nom == "DUPONT"
    assert [c.prenom for c in page.children] == ["LEA"]
    assert page.new_messages == 1
    assert page.greeting == "Bienvenue MARIE DUPONT, vous avez 1 nouveau message"
    assert page.today == world.clock.now().date()


def test_an_agent_sees_no_family() -> None:
    world = make_world()
    page = world.portal.home.page(_principal(world, "agent-a"))
    assert page.family is None and page.children == ()
    assert page.organisation_name == "Commune A"


def test_the_greeting_agrees_with_the_number_of_messages() -> None:
    world = make_world()
    world.uow.seed(inbox=[InboxMessage(id=f"m{i}", account_id="acc-dupont", subject="s", body="b",
                                       created_at=world.clock.now()) for i in range(3)])
    assert world.portal.home.page(_principal(world, "dupont")).greeting.endswith("3 nouveaux messages")
