"""The agents' back office pages on the fakes: the day on the home page, « Familles » (search, pages),
a family's file, and booking or cancelling for the family from the child's grid, past the deadline.

Two organisations (Villeneuve: the DUPONT family, Léa and Hugo; the RPI B: the MARTIN family, Zoé).
The clock says Saturday 28 November 2026, 10:00, unless a test moves it.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from famille.adapters.web.rendering import AGENT_MENU
from famille.kernel.accounts.model import Principal, Role
from famille.kernel.families.model import Adult, Family
from famille.kernel.families.requests import RequestKind
from famille.kernel.planning.inputs import AbsenceStatus, BookingStatus
from famille.kernel.shared.time import PARIS
from tests.http.test_planning_api import CHILD_A, PlanningWorld
from tests.web.conftest import PageClient, text_of

GRID = f"/enfants/{CHILD_A}/planning"
DAY = f"/enfants/{CHILD_A}/planning/jour"
AGENT_A = Principal("agent-a", "agent.villeneuve", Role.AGENT, "ville-a", None, "s")
FAMILY_A = Principal("acc-a", "marie.dupont", Role.FAMILY, "ville-a", "fam-a", "s")


@pytest.fixture
def world() -> PlanningWorld:
    return PlanningWorld()


def _logged(world: PlanningWorld, login: str) -> PageClient:
    client = PageClient(world.app())
    client.login(login)
    return client


# --- the agent's home ----------------------------------------------------------------------------


def test_no_page_of_the_agents_menu_or_home_says_coming_soon(agent: PageClient) -> None:
    home = agent.get("/accueil")
    assert home.status_code == 200
    assert "Bientôt disponible" not in text_of(home)
    for item in AGENT_MENU:
        result = agent.get(item.href)
        assert result.status_code == 200, item.href
        assert "Bientôt disponible" not in text_of(result), item.href


def test_the_agents_home_shows_what_waits_todays_headcounts_missing_pointage_and_billing(
    world: PlanningWorld,
) -> None:
    world.clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=PARIS))  # Monday
    agent = _logged(world, "agent.villeneuve")
    for day, service in (("2026-11-26", "GARDERIE MATIN"), ("2026-11-30", "RESTAURATION")):
        agent.get(f"{DAY}?date={day}&service={service.replace(' ', '+')}")
        booked = agent.post(DAY, {"date": day, "service": service, "action": "reserver"})
        assert booked.status_code == 303, text_of(booked)
    world.portal.requests.submit(FAMILY_A, RequestKind.CAF, {"quotient_familial": 420})

    page = agent.get("/accueil")

    assert page.status_code == 200
    text = text_of(page)
    assert "1 demande de modification de fiche" in text and "0 réservation ou absence en attente" in text
    assert "Effectifs du jour" in text and "Cantine ville-a RESTAURATION 1" in text
    assert "Pointages manquants depuis le 23/11/2026" in text
    assert "Jeudi 26 novembre 2026, GARDERIE MATIN : 1 enfant" in text
    assert 'href="/agent/pointage?date=2026-11-26&amp;service=GARDERIE%20MATIN"' in page.text
    assert "Facturation de octobre 2026 Pas encore calculée." in text
    assert 'href="/agent/facturation?mois=2026-10"' in page.text

    world.portal.billing.draft(AGENT_A, "2026-10")
    assert "Brouillon à vérifier : 0 facture, 0,00\u00a0€" in text_of(agent.get("/accueil"))


def test_the_other_organisations_agent_sees_none_of_it(world: PlanningWorld) -> None:
    world.portal.requests.submit(FAMILY_A, RequestKind.CAF, {"quotient_familial": 420})

    text = text_of(_logged(world, "agent.deuxrives").get("/accueil"))

    assert "0 demande de modification de fiche" in text and "RPI des Deux Rives" in text


# --- « Familles » ----------------------------------------------------------------------------------


def test_the_families_page_lists_and_finds_a_family_by_a_childs_name(agent: PageClient) -> None:
    every = agent.get("/agent/familles")
    found = agent.get("/agent/familles?q=L%C3%A9a")
    hugo = text_of(agent.get("/agent/familles?q=HUGO"))
    none = text_of(agent.get("/agent/familles?q=zoe"))

    assert every.status_code == found.status_code == 200
    assert "1 famille dans votre organisation" in text_of(every)
    assert "A-0001 DUPONT Marie — Léa DUPONT, Hugo DUPONT" in text_of(found)
    assert "1 famille pour « Léa »" in text_of(found)
    assert 'href="/agent/familles/fam-a"' in found.text
    assert "DUPONT Marie" in hugo
    assert "Aucune famille ne correspond à « zoe »." in none and "MARTIN" not in none


def test_another_organisations_agent_never_finds_the_family(world: PlanningWorld) -> None:
    other = _logged(world, "agent.deuxrives")

    for query in ("lea", "dupont", "A-0001"):
        text = text_of(other.get(f"/agent/familles?q={query}"))
        assert "DUPONT" not in text and "Aucune famille ne correspond" in text, query
    assert "B-0001 MARTIN Paul — Zoé MARTIN" in text_of(other.get("/agent/familles?q=zoe"))


def test_the_families_page_has_pages_of_twenty(world: PlanningWorld) -> None:
    world.uow.seed(families=[Family(f"fam-x{n:02d}", "ville-a", f"X-{n:04d}", Adult(f"FAMILLE{n:02d}", "Anne"))
                             for n in range(25)])
    agent = _logged(world, "agent.villeneuve")

    first = agent.get("/agent/familles")
    second = agent.get("/agent/familles?page=2")
    searched = agent.get("/agent/familles?q=famille")

    assert "Page 1 sur 2" in text_of(first) and "26 familles dans votre organisation" in text_of(first)
    assert 'href="/agent/familles?page=2" rel="next"' in first.text
    assert text_of(first).count("Anne") == 19 and "DUPONT Marie" in text_of(first)
    assert text_of(second).count("Anne") == 6 and 'href="/agent/familles" rel="prev"' in second.text
    assert 'href="/agent/familles?q=famille&amp;page=2" rel="next"' in searched.text


def test_a_search_too_long_is_refused_beside_the_field(agent: PageClient) -> None:
    result = agent.get("/agent/familles?q=" + "x" * 101)

    assert result.status_code == 422
    assert "La recherche ne doit pas dépasser 100 caractères." in text_of(result)


def test_a_family_may_not_open_the_families_pages(family: PageClient) -> None:
    for path in ("/agent/familles", "/agent/familles?q=dupont", "/agent/familles/fam-a"):
        result = family.get(path)
        assert result.status_code == 403, path
        assert "Léa" not in text_of(result)


# --- a family's file -------------------------------------------------------------------------------


def test_the_family_file_shows_children_enrolments_account_and_requests(world: PlanningWorld) -> None:
    world.portal.requests.submit(FAMILY_A, RequestKind.CAF, {"quotient_familial": 420})
    world.portal.billing.record_payment(AGENT_A, "fam-a", "20.00", "guichet", date(2026, 11, 28), "Reçu 12")
    agent = _logged(world, "agent.villeneuve")

    page = agent.get("/agent/familles/fam-a")

    assert page.status_code == 200
    text = text_of(page)
    assert "Famille Marie DUPONT" in text and "N° famille A-0001" in text
    assert "1 demande en attente" in text
    assert "Léa DUPONT 28/02/2017 GARDERIE MATIN (du 01/09/2026 au 31/08/2027)" in text
    assert f'href="/enfants/{CHILD_A}/planning"' in page.text and f'href="/enfants/{CHILD_A}"' in page.text
    assert "Solde au 28/11/2026 : -20,00\u00a0€ (avance de la famille)" in text
    assert "28/11/2026 — 20,00\u00a0€ (Guichet (espèces)), réf. Reçu 12" in text
    assert "Aucune facture émise." in text
    assert "Informations CAF en cours" in text
    assert 'href="/agent/paiements?famille=fam-a"' in page.text
    assert "Civilité Madame" in text  # the record's tabs, read only


def test_the_family_file_is_not_found_for_another_organisation(world: PlanningWorld) -> None:
    other = _logged(world, "agent.deuxrives")

    result = other.get("/agent/familles/fam-a")

    assert result.status_code == 404
    assert "DUPONT" not in text_of(result) and "Léa" not in text_of(result)


# --- booking and cancelling for the family from the grid -------------------------------------------


def test_the_agent_books_for_the_family_past_its_deadline_recorded_as_the_agents_late_booking(
    world: PlanningWorld, agent: PageClient,
) -> None:
    page = text_of(agent.get(f"{DAY}?date=2026-11-30&service=RESTAURATION"))
    assert "Le délai de la famille est passé (jeudi 26 novembre 2026 à 23h59)" in page
    assert "Réserver pour la famille" in page and "Famille Marie DUPONT" in page

    result = agent.post(DAY, {"date": "2026-11-30", "service": "RESTAURATION", "action": "reserver"})

    assert result.status_code == 303, text_of(result)
    grid = text_of(agent.get(result.headers["location"].split("#")[0]))
    assert "lundi 30 novembre, RESTAURATION : Réservé" in grid
    booking = world.uow.store.bookings[(CHILD_A, "RESTAURATION", date(2026, 11, 30))]
    assert booking.state.status is BookingStatus.ACCEPTED
    assert (booking.state.requested_by, booking.state.in_time) == ("agent-a", False)
    (requested, accepted) = [e for e in world.uow.store.planning_events if e.day == date(2026, 11, 30)]
    assert requested.by_agent and accepted.by_agent and requested.by == "agent-a"


def test_the_agent_cancels_for_the_family_by_declaring_its_absence_past_the_deadline(
    world: PlanningWorld, agent: PageClient,
) -> None:
    agent.get(f"{DAY}?date=2026-11-30&service=RESTAURATION")
    agent.post(DAY, {"date": "2026-11-30", "service": "RESTAURATION", "action": "reserver"})
    page = text_of(agent.get(f"{DAY}?date=2026-11-30&service=RESTAURATION"))
    assert "Déclarer une absence pour la famille" in page

    result = agent.post(DAY, {"date": "2026-11-30", "service": "RESTAURATION", "action": "absence",
                              "reason": "AUTRES"})

    assert result.status_code == 303, text_of(result)
    absence = world.uow.store.absences[(CHILD_A, "RESTAURATION", date(2026, 11, 30))]
    assert absence.state.status is AbsenceStatus.ACCEPTED
    assert (absence.state.declared_by, absence.state.in_time) == ("agent-a", False)


def test_the_agent_declares_an_absence_over_a_range_for_the_family(world: PlanningWorld, agent: PageClient) -> None:
    for day in ("2026-12-07", "2026-12-08"):
        agent.get(f"{DAY}?date={day}&service=RESTAURATION")
        agent.post(DAY, {"date": day, "service": "RESTAURATION", "action": "reserver"})
    agent.get(GRID)

    result = agent.post(f"{GRID}/absence", {"du": "2026-12-07", "au": "2026-12-08", "reason": "AUTRES"})

    assert result.status_code == 200, text_of(result)
    text = text_of(result)
    assert "Absence de Léa DUPONT du lundi 7 décembre 2026 au mardi 8 décembre 2026" in text
    assert "Réservation annulée : 2 cases" in text  # in time: the bookings are cancelled
    assert len(world.uow.store.bookings) == 2  # kept under their absences: the grid shows « Absent excusé »
    assert "lundi 7 décembre, RESTAURATION : Absent excusé" in text_of(agent.get(f"{GRID}?mois=2026-12"))


@pytest.mark.parametrize("who", ["agent.deuxrives", "paul.martin"])
def test_nobody_else_books_or_cancels_on_the_childs_grid(world: PlanningWorld, who: str) -> None:
    other = _logged(world, who)
    other.get("/accueil")

    for fields in ({"date": "2026-12-04", "service": "GARDERIE MATIN", "action": "reserver"},
                   {"date": "2026-12-04", "service": "GARDERIE MATIN", "action": "absence", "reason": "AUTRES"}):
        assert other.post(DAY, fields).status_code == 404
    assert other.post(f"{GRID}/absence", {"du": "2026-12-07", "au": "2026-12-08", "reason": "AUTRES"}
                      ).status_code == 404
    assert not world.uow.store.bookings and not world.uow.store.absences
