"""The private calendar feed of a child: its address, the iCalendar document, revocation, privacy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

import falcon.testing
import icalendar
import pytest

from famille.kernel.accounts.model import token_digest
from famille.kernel.planning.inputs import AbsenceState, AbsenceStatus
from famille.kernel.planning.records import AbsenceRecord
from famille.kernel.shared.organisations import Service
from famille.kernel.shared.time import PARIS
from tests.http import test_planning_api as planning_api
from tests.http.conftest import World
from tests.http.test_planning_api import (
    AGENT_A,
    CHILD_A,
    CHILD_A2,
    CHILD_B,
    FAMILY_A,
    FAMILY_B,
    Call,
    PlanningWorld,
)

FEED = "/api/v1/calendars/"
as_ = planning_api.as_  # the fixture: a caller per login


class HoursWorld(PlanningWorld):
    """The planning world where Villeneuve's canteen opens 12:00–13:30."""

    def __init__(self) -> None:
        super().__init__()
        meal = self.uow.store.services["ville-a-repas"]
        self.uow.store.services[meal.id] = Service(meal.id, meal.structure_id, meal.code, meal.name, meal.weekdays,
                                                   opens_at=time(12, 0), closes_at=time(13, 30))


@pytest.fixture
def world() -> World:
    return HoursWorld()


def _secret(url: str) -> str:
    assert url.startswith(f"https://portail.example.fr{FEED}") and url.endswith(".ics"), url
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def _feed(client: falcon.testing.TestClient, url: str) -> falcon.testing.Result:
    """The feed as a calendar application reads it: no session at all."""
    return client.simulate_get(f"{FEED}{_secret(url)}.ics")


def _events(result: falcon.testing.Result) -> list[icalendar.Event]:
    assert result.status_code == 200, result.text
    assert result.headers["content-type"].startswith("text/calendar")
    return list(icalendar.Calendar.from_ical(result.content).walk("VEVENT"))


def test_a_family_subscribes_to_its_child_booked_days_with_paris_times_and_service_names(
    as_: Callable[[str], Call], client: falcon.testing.TestClient, world: World,
) -> None:
    family = as_(FAMILY_A)
    booked = family("POST", f"/api/v1/children/{CHILD_A}/bookings", json={
        "services": ["RESTAURATION", "GARDERIE SOIR"], "weekdays": ["lundi", "mardi"],
        "from": "2026-12-07", "to": "2026-12-08"})
    assert booked.status_code == 200, booked.text
    cancelled = family("POST", f"/api/v1/children/{CHILD_A}/absences",
                       json={"service": "GARDERIE SOIR", "date": "2026-12-08", "reason": "AUTRES"})
    assert cancelled.status_code == 200, cancelled.text
    # A late absence waits for an agent beside its booking: the child is not expected that day.
    late = AbsenceRecord("abs-1", "ville-a", CHILD_A, "RESTAURATION", date(2026, 12, 8),
                         AbsenceState(AbsenceStatus.PENDING, "AUTRES", in_time=False))
    world.uow.store.absences[(CHILD_A, "RESTAURATION", date(2026, 12, 8))] = late

    link = family("GET", f"/api/v1/children/{CHILD_A}/calendar")
    assert link.status_code == 200, link.text
    assert link.json["webcal"] == link.json["url"].replace("https://", "webcal://")
    assert family("GET", f"/api/v1/children/{CHILD_A}/calendar").json["url"] == link.json["url"]

    events = _events(_feed(client, link.json["url"]))
    seen = {(str(e["summary"]), e.decoded("dtstart")) for e in events}
    assert seen == {
        ("Léa : Restauration", datetime(2026, 12, 7, 12, 0, tzinfo=PARIS)),
        ("Léa : Garderie du soir", date(2026, 12, 7)),  # no opening hours: an all-day event
    }
    meal = next(e for e in events if e.decoded("dtstart") == datetime(2026, 12, 7, 12, 0, tzinfo=PARIS))
    assert meal["dtstart"].params["TZID"] == "Europe/Paris"
    assert meal.decoded("dtend") == datetime(2026, 12, 7, 13, 30, tzinfo=PARIS)
    assert b"BEGIN:VTIMEZONE" in _feed(client, link.json["url"]).content
    # Only the digest of the secret is stored.
    secret = _secret(link.json["url"])
    (stored,) = world.uow.store.calendar_feeds.values()
    assert stored.token_digest == token_digest(secret) and secret not in repr(stored)


def test_revoking_gives_a_new_address_and_the_old_one_answers_404(
    as_: Callable[[str], Call], client: falcon.testing.TestClient,
) -> None:
    family = as_(FAMILY_A)
    old = family("GET", f"/api/v1/children/{CHILD_A}/calendar").json["url"]
    assert _feed(client, old).status_code == 200

    new = family("DELETE", f"/api/v1/children/{CHILD_A}/calendar")

    assert new.status_code == 200, new.text
    assert new.json["url"] != old
    gone = _feed(client, old)
    assert gone.status_code == 404 and "révoqué" in gone.json["detail"]
    assert _feed(client, new.json["url"]).status_code == 200
    assert family("GET", f"/api/v1/children/{CHILD_A}/calendar").json["url"] == new.json["url"]


def test_each_child_has_its_own_address(as_: Callable[[str], Call]) -> None:
    family = as_(FAMILY_A)
    first = family("GET", f"/api/v1/children/{CHILD_A}/calendar").json["url"]
    second = family("GET", f"/api/v1/children/{CHILD_A2}/calendar").json["url"]
    assert first != second


def test_another_family_or_organisation_cannot_get_nor_revoke_a_child_calendar(
    as_: Callable[[str], Call], client: falcon.testing.TestClient,
) -> None:
    url = as_(FAMILY_A)("GET", f"/api/v1/children/{CHILD_A}/calendar").json["url"]
    stranger = as_(FAMILY_B)
    for method in ("GET", "DELETE"):
        assert stranger(method, f"/api/v1/children/{CHILD_A}/calendar").status_code == 404
    assert stranger("GET", f"/api/v1/children/{CHILD_B}/calendar").status_code == 200  # its own child
    assert as_(AGENT_A)("GET", f"/api/v1/children/{CHILD_A}/calendar").status_code == 403
    assert client.simulate_get(f"/api/v1/children/{CHILD_A}/calendar").status_code == 401
    assert _feed(client, url).status_code == 200  # nobody's attempt revoked it


@pytest.mark.parametrize("secret", ["x", "A" * 43, "../../etc/passwd-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "é" * 43])
def test_an_unknown_or_malformed_secret_answers_404(client: falcon.testing.TestClient, secret: str) -> None:
    result = client.simulate_get(f"{FEED}{secret}.ics")
    assert result.status_code == 404
    assert result.headers["content-type"] == "application/problem+json"
