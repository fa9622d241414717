"""A planning world on fakes: two organisations, their services, a holiday calendar, enrolled children."""

from __future__ import annotations

from datetime import date

import pytest

from famille.kernel.accounts.model import Principal, Role
from famille.kernel.calendar.model import HolidayKind, HolidayPeriod
from famille.kernel.planning.inputs import Enrolment
from famille.kernel.portal.application import build_portal
from famille.kernel.shared.organisations import Service, Structure, StructureKind
from tests.fakes.calendar import FakeHolidayCalendar
from tests.unit.world import World, make_world

SCHOOL_START, SCHOOL_END = date(2026, 9, 1), date(2027, 8, 31)
ALL_WEEK = (0, 1, 2, 3, 4)
FOUR_DAYS = (0, 1, 3, 4)

HOLIDAYS = FakeHolidayCalendar(
    {date(2026, 11, 11): "Armistice", date(2026, 12, 25): "Noël", date(2027, 1, 1): "Jour de l'an"},
    school={zone: [HolidayPeriod(date(2026, 12, 19), date(2027, 1, 3), "Vacances de Noël", HolidayKind.PETITES),
                   HolidayPeriod(date(2027, 7, 3), date(2027, 8, 31), "Vacances d'été", HolidayKind.GRANDES)]
            for zone in "ABC"},
)


def seed_services(world: World, organisation: str, prefix: str) -> None:
    """A canteen (with two menus) and a garderie, four services."""
    cantine = Structure(f"{prefix}-cantine", organisation, f"Cantine {prefix}", StructureKind.CANTINE,
                        pratiques=("--Aucun--", "Sans porc"))
    garderie = Structure(f"{prefix}-garderie", organisation, f"Garderie {prefix}", StructureKind.GARDERIE)
    world.uow.seed(structures=[cantine, garderie], services=[
        Service(f"{prefix}-matin", garderie.id, "GARDERIE MATIN", "Garderie du matin", ALL_WEEK),
        Service(f"{prefix}-soir", garderie.id, "GARDERIE SOIR", "Garderie du soir", FOUR_DAYS),
        Service(f"{prefix}-repas", cantine.id, "RESTAURATION", "Restauration scolaire", FOUR_DAYS),
    ])


def enrol(world: World, child_id: str, services: tuple[str, ...] = ("GARDERIE MATIN", "GARDERIE SOIR",
                                                                      "RESTAURATION")) -> None:
    world.uow.store.enrolments.extend(Enrolment(child_id, s, SCHOOL_START, SCHOOL_END) for s in services)


@pytest.fixture
def world() -> World:
    return make_planning_world()


def make_planning_world() -> World:
    """The unit world with services, enrolments (2026-2027) and the holiday calendar."""
    world = make_world()
    seed_services(world, "org-a", "a")
    seed_services(world, "org-b", "b")
    enrol(world, "child-lea")
    enrol(world, "child-tom")
    world.portal = build_portal(uow=world.uow, clock=world.clock, rules=world.rules, hasher=world.hasher,
                                notifier=world.notifier, portal_url="https://portail.example", calendar=HOLIDAYS)
    return world


def principal(account_id: str) -> Principal:
    """The principal of one of the world's accounts."""
    table = {
        "acc-dupont": ("dupont", Role.FAMILY, "org-a", "fam-dupont"),
        "acc-durand": ("durand", Role.FAMILY, "org-b", "fam-durand"),
        "acc-agent-a": ("agent-a", Role.AGENT, "org-a", None),
        "acc-agent-b": ("agent-b", Role.AGENT, "org-b", None),
    }
    login, role, organisation, family = table[account_id]
    return Principal(account_id, login, role, organisation, family, f"session-{login}")


DUPONT = principal("acc-dupont")
DURAND = principal("acc-durand")
AGENT_A = principal("acc-agent-a")
AGENT_B = principal("acc-agent-b")
