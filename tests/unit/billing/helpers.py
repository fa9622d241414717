"""Service days and a portal on fakes for the billing tests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from famille.kernel.accounts.model import Principal, Role
from famille.kernel.billing.days import AbsenceTiming, AttendanceMark, ServiceDay
from famille.kernel.portal.application import Portal, build_portal
from famille.kernel.shared.time import PARIS
from tests.fakes.billing import FakeServiceDays
from tests.fakes.clock import FakeClock
from tests.fakes.hashing import FakeHasher
from tests.fakes.notification import FakeNotifier
from tests.fakes.rules import ShippedRules
from tests.unit.world import make_world

MONTH = "2026-12"


def day(n: int, service: str = "RESTAURATION", *, child: str = "child-lea", family: tuple[str, ...] = ("fam-dupont",),
        org: str = "org-a", booked: bool = True, attendance: AttendanceMark = AttendanceMark.PRESENT,
        **more: Any) -> ServiceDay:
    """A day of December 2026 (the 1st is a Tuesday)."""
    return ServiceDay(child_id=child, child_name=f"{child.upper()}", child_born=date(2018, 3, 1), family_ids=family,
                      organisation_code=org, service_code=service, day=date(2026, 12, n), booked=booked,
                      attendance=attendance, **more)


def late_absence(n: int, reason: str = "AUTRES", **more: Any) -> ServiceDay:
    return day(n, attendance=AttendanceMark.NONE, absence=AbsenceTiming.LATE, reason=reason, **more)


def agent(org: str = "org-a") -> Principal:
    return Principal(account_id=f"acc-agent-{org[-1]}", login="agent", role=Role.AGENT, organisation_code=org,
                     family_id=None, session_id="s")


def family(family_id: str = "fam-dupont", org: str = "org-a") -> Principal:
    return Principal(account_id=f"acc-{family_id.removeprefix('fam-')}", login="f", role=Role.FAMILY, organisation_code=org,
                     family_id=family_id, session_id="s")


def billing_world(days: list[ServiceDay] | None = None) -> tuple[Portal, FakeServiceDays, Any]:
    """The unit-test world (two organisations, two families) with shipped rules and a service-day fake."""
    world = make_world()
    source = FakeServiceDays(days or [])
    world.clock.set(datetime(2027, 1, 5, 9, 0, tzinfo=PARIS))
    portal = build_portal(uow=world.uow, clock=world.clock, rules=ShippedRules(), hasher=FakeHasher(),
                          notifier=FakeNotifier(), portal_url="https://portail.example", service_days=source)
    return portal, source, world


__all__ = ["MONTH", "FakeClock", "agent", "billing_world", "day", "family", "late_absence"]
