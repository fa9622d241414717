"""The session and the child a request names, read together: never a way to see another family's child."""

from __future__ import annotations

import pytest

from famille.kernel.families import access
from famille.kernel.shared.errors import NotFound, Unauthenticated
from tests.unit.world import PASSWORDS, World, make_world


@pytest.fixture
def world() -> World:
    return make_world()


def _token(world: World, login: str) -> str:
    return world.portal.authentication.login(login, PASSWORDS[login]).token


def test_the_caller_comes_with_its_own_child_and_without_another_familys(world: World) -> None:
    token = _token(world, "dupont")

    principal, lea = world.portal.callers.caller(token, "child-lea")
    assert principal == world.portal.authentication.authenticate(token)
    assert lea is not None and lea.id == "child-lea"
    assert world.portal.callers.caller(token, "child-tom")[1] is None  # the Durands' child (another organisation)
    assert world.portal.callers.caller(token, "inconnu")[1] is None
    assert world.portal.callers.caller(token)[1] is None


def test_an_unknown_token_is_refused_whatever_the_child(world: World) -> None:
    with pytest.raises(Unauthenticated):
        world.portal.callers.caller("jeton-inconnu", "child-lea")


def test_a_child_passed_as_read_is_checked_again_and_another_familys_is_not_found(world: World) -> None:
    durand, tom = world.portal.callers.caller(_token(world, "durand"), "child-tom")
    dupont, _ = world.portal.callers.caller(_token(world, "dupont"))
    assert tom is not None
    with world.uow() as uow:
        assert access.visible_child(uow, durand, "child-tom", read=tom) == tom
        with pytest.raises(NotFound):
            access.visible_child(uow, dupont, "child-tom", read=tom)
        with pytest.raises(NotFound):
            access.visible_children(uow, dupont, ["child-lea", "child-tom"], read=[tom])
        assert [c.id for c in access.visible_children(uow, dupont, ["child-lea", "child-lea"])] == ["child-lea"]
