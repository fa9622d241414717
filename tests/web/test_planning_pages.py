"""The planning pages on the fakes: the month grid, one cell's page and its forms, absences over a range,
booking a pattern, and the agents' pages. The fake clock says Saturday 28 November 2026, 10:00."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from famille.kernel.shared.time import PARIS
from tests.fakes.rules import NEW_REASON, bookings_wait_for_an_agent, one_more_reason
from tests.http.test_planning_api import CHILD_A, CHILD_A2, CHILD_B, PlanningWorld
from tests.web.conftest import PageClient, text_of
from tests.web.test_records_pages import FORMS, _send

GRID = f"/enfants/{CHILD_A}/planning"
DAY = f"/enfants/{CHILD_A}/planning/jour"


@pytest.fixture
def world() -> PlanningWorld:
    return PlanningWorld()


def cell_page(client: PageClient, day: str, service: str) -> str:
    result = client.get(f"{DAY}?date={day}&service={service.replace(' ', '+')}")
    assert result.status_code == 200, result.text
    return text_of(result)


# --- the grid ---------------------------------------------------------------------------------------


def test_the_family_sees_the_month_grid_with_codes_labels_legend_and_enrolments(family: PageClient) -> None:
    result = family.get(f"{GRID}?mois=2026-12")

    assert result.status_code == 200, result.text
    page = text_of(result)
    assert "Planning mensuel — Décembre 2026" in page
    assert "Inscriptions en cours" in page and "Légende" in page
    for header in ("Lu 01".replace("Lu", "Ma"), "Ve 04", "Je 31"):
        day_name, number = header.split()
        assert re.search(rf"{day_name}</span> {number}", result.text), header
    assert "vendredi 25 décembre, RESTAURATION : Jour férié" in page
    assert "vendredi 4 décembre, GARDERIE MATIN : Libre (réservation possible)" in page
    assert "Fermeture" in page and "Absence en cours de traitement" in page  # the legend
    assert f'href="{DAY}?date=2026-12-04&amp;service=GARDERIE+MATIN"' in result.text
    assert 'rel="prev"' in result.text and "mois=2026-11" in result.text and "mois=2027-01" in result.text


def test_the_grid_is_filtered_by_structure_and_by_service(family: PageClient) -> None:
    by_structure = text_of(family.get(f"{GRID}?mois=2026-12&etablissement=ville-a-cantine"))
    by_service = text_of(family.get(f"{GRID}?mois=2026-12&service=GARDERIE+SOIR"))

    assert "RESTAURATION : Libre" in by_structure and "GARDERIE MATIN :" not in by_structure
    assert "GARDERIE SOIR :" in by_service and "RESTAURATION :" not in by_service


@pytest.mark.parametrize("who", ["paul.martin", "agent.deuxrives"])
def test_another_family_or_organisation_gets_the_not_found_page(browser: PageClient, who: str) -> None:
    browser.login(who)

    for path in (f"{GRID}?mois=2026-12", f"{DAY}?date=2026-12-04&service=GARDERIE+MATIN"):
        result = browser.get(path)
        assert result.status_code == 404, path
        assert "Page introuvable" in text_of(result) or "introuvable" in text_of(result)


# --- one cell ------------------------------------------------------------------------------------


def test_a_free_cell_shows_its_deadline_and_rule_before_the_family_books(family: PageClient) -> None:
    page = cell_page(family, "2026-12-04", "GARDERIE MATIN")

    assert "Vous pouvez réserver jusqu'au jeudi 3 décembre 2026 à 18h00." in page
    assert "réservez ou annulez au plus tard le jour ouvré précédent à 18h00" in page
    assert "garderie-veille-ouvree-18h" in page
    assert "Demande de réservation" in page


def test_booking_a_cell_redirects_to_the_grid_where_it_reads_reserve(family: PageClient) -> None:
    cell_page(family, "2026-12-04", "GARDERIE MATIN")

    result = family.post(DAY, {"date": "2026-12-04", "service": "GARDERIE MATIN", "action": "reserver"})

    assert result.status_code == 303
    assert result.headers["location"].startswith(f"{GRID}?mois=2026-12&resultat=reservee")
    grid = text_of(family.get(result.headers["location"].split("#")[0]))
    assert "vendredi 4 décembre, GARDERIE MATIN : Réservé (absence possible)" in grid
    assert "la case est maintenant « Réservé »" in grid


def test_an_absence_with_a_reason_cancels_a_booking_in_time(family: PageClient) -> None:
    cell_page(family, "2026-12-10", "GARDERIE SOIR")
    family.post(DAY, {"date": "2026-12-10", "service": "GARDERIE SOIR", "action": "reserver"})
    page = cell_page(family, "2026-12-10", "GARDERIE SOIR")
    assert "Vous pouvez déclarer une absence jusqu'au mercredi 9 décembre 2026 à 18h00." in page
    assert "AUTRES" in page and "RAISON MEDICALE" in page

    result = family.post(DAY, {"date": "2026-12-10", "service": "GARDERIE SOIR", "action": "absence",
                               "reason": "AUTRES"})

    assert result.status_code == 303
    grid = text_of(family.get(result.headers["location"].split("#")[0]))
    assert "la réservation est annulée, la case est maintenant « Absent excusé » et rien ne sera facturé" in grid
    assert "jeudi 10 décembre, GARDERIE SOIR : Absent excusé" in grid
    assert "Passé, non réservé" in grid  # the legend tells a past day from one still open
    cell = cell_page(family, "2026-12-10", "GARDERIE SOIR")
    assert "Absence déclarée. Vous pouvez encore réserver ce jour jusqu'au mercredi 9 décembre 2026 à 18h00 : " \
           "l'absence sera retirée." in cell


def test_a_medical_absence_shows_in_progress_until_an_agent_decides_it_on_the_page(
    world: PlanningWorld, family: PageClient
) -> None:
    cell_page(family, "2026-12-10", "GARDERIE SOIR")
    family.post(DAY, {"date": "2026-12-10", "service": "GARDERIE SOIR", "action": "reserver"})
    cell_page(family, "2026-12-10", "GARDERIE SOIR")
    family.post(DAY, {"date": "2026-12-10", "service": "GARDERIE SOIR", "action": "absence",
                      "reason": "RAISON MEDICALE"})
    grid = text_of(family.get(f"{GRID}?mois=2026-12"))
    assert "jeudi 10 décembre, GARDERIE SOIR : Absence en cours de traitement" in grid
    assert "l'absence sera retirée" in cell_page(family, "2026-12-10", "GARDERIE SOIR")
    assert "vendredi 27 novembre, GARDERIE SOIR : Passé, non réservé" in text_of(family.get(f"{GRID}?mois=2026-11"))

    agent = PageClient(world.app())
    agent.login("agent.villeneuve")
    assert "jeudi 10 décembre, GARDERIE SOIR : Absence en cours de traitement" in text_of(
        agent.get(f"{GRID}?mois=2026-12"))  # the agent's view of the family's grid
    queue = agent.get("/agent/reservations")
    (absence_id,) = set(re.findall(r"/agent/reservations/absence/([\w-]+)", queue.text))
    refused = agent.post(f"/agent/reservations/absence/{absence_id}", {"decision": "refuser",
                                                                       "motif": "Certificat non reçu."})
    assert refused.status_code == 303, refused.text
    for client in (family, agent):
        assert "jeudi 10 décembre, GARDERIE SOIR : Absent facturé" in text_of(client.get(f"{GRID}?mois=2026-12"))


def test_a_reason_declared_in_absence_reasons_only_is_offered_and_accepted(
    world: PlanningWorld, family: PageClient
) -> None:
    cell_page(family, "2026-12-10", "GARDERIE SOIR")
    family.post(DAY, {"date": "2026-12-10", "service": "GARDERIE SOIR", "action": "reserver"})
    page = cell_page(family, "2026-12-10", "GARDERIE SOIR")
    assert "RAISON MEDICALE" in page and NEW_REASON not in page
    world.rules.use(one_more_reason())  # one edit of absence_reasons.yaml, nothing else

    page = cell_page(family, "2026-12-10", "GARDERIE SOIR")
    assert NEW_REASON in page and "AUTRES" in page
    assert NEW_REASON in text_of(family.get(f"{GRID}?mois=2026-12"))  # the form over a range
    result = family.post(DAY, {"date": "2026-12-10", "service": "GARDERIE SOIR", "action": "absence",
                               "reason": NEW_REASON})

    assert result.status_code == 303
    grid = text_of(family.get(result.headers["location"].split("#")[0]))
    assert "la réservation est annulée, la case est maintenant « Absent excusé »" in grid


def test_an_absence_without_a_reason_is_refused_beside_the_radio_buttons(family: PageClient) -> None:
    family.get(f"{DAY}?date=2026-12-10&service=GARDERIE+SOIR")
    family.post(DAY, {"date": "2026-12-10", "service": "GARDERIE SOIR", "action": "reserver"})
    family.get(f"{DAY}?date=2026-12-10&service=GARDERIE+SOIR")

    result = family.post(DAY, {"date": "2026-12-10", "service": "GARDERIE SOIR", "action": "absence"})

    assert result.status_code == 422
    assert "Choisissez le motif de l'absence." in text_of(result)


@pytest.mark.parametrize(("day", "service", "words"), [
    ("2026-12-25", "RESTAURATION", "Jour férié"),
    ("2026-12-22", "GARDERIE MATIN", "Vacances scolaires"),
])
def test_a_holiday_cell_offers_no_booking(family: PageClient, day: str, service: str, words: str) -> None:
    page = cell_page(family, day, service)

    assert words in page
    assert "Demande de réservation" not in page and "Déclarer une absence" not in page


def test_a_closed_cell_offers_no_booking_and_reads_fermeture_on_the_grid(family: PageClient,
                                                                         world: PlanningWorld) -> None:
    agent = PageClient(world.app())
    agent.login("agent.villeneuve")
    agent.get("/agent/fermetures")
    added = agent.post("/agent/fermetures", {"date": "2026-12-07", "service": "", "reason": "Travaux"})
    assert added.status_code == 303

    grid = text_of(family.get(f"{GRID}?mois=2026-12"))
    page = cell_page(family, "2026-12-07", "RESTAURATION")

    assert "lundi 7 décembre, RESTAURATION : Fermeture" in grid
    assert "Le service est fermé ce jour" in page and "Demande de réservation" not in page


def test_a_cell_past_its_deadline_says_which_deadline_passed_and_the_rule(family: PageClient) -> None:
    page = cell_page(family, "2026-11-30", "RESTAURATION")

    assert "Délai dépassé" in page
    assert "jeudi 26 novembre 2026 à 23h59" in page and "cantine-lundi-jeudi-23h59" in page
    assert "Demande de réservation" not in page


def test_a_booked_day_gone_by_with_nothing_pointed_reads_absence_a_verifier_and_says_why(
        family: PageClient, world: PlanningWorld) -> None:
    family.get(f"{DAY}?date=2026-12-04&service=GARDERIE+MATIN")
    family.post(DAY, {"date": "2026-12-04", "service": "GARDERIE MATIN", "action": "reserver"})
    world.clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=PARIS))  # the day is over, nobody pointed it
    family = PageClient(world.app())
    family.login("marie.dupont")

    assert "vendredi 4 décembre, GARDERIE MATIN : Absence à vérifier" in text_of(family.get(f"{GRID}?mois=2026-12"))
    assert "aucun pointage saisi ce jour : le service vérifie la présence" in cell_page(family, "2026-12-04",
                                                                                          "GARDERIE MATIN")
    agent = PageClient(world.app())
    agent.login("agent.villeneuve")
    assert "vous pouvez encore déclarer une absence pour elle" in cell_page(agent, "2026-12-04", "GARDERIE MATIN")


def test_a_late_request_is_refused_with_the_deadline_and_the_rule_id(family: PageClient) -> None:
    family.get(f"{DAY}?date=2026-12-04&service=GARDERIE+MATIN")

    result = family.post(DAY, {"date": "2026-11-30", "service": "RESTAURATION", "action": "reserver"})

    assert result.status_code == 422
    page = text_of(result)
    assert "Demande refusée" in page
    assert "jeudi 26 novembre 2026 à 23h59" in page and "cantine-lundi-jeudi-23h59" in page


def test_a_post_without_the_csrf_token_is_refused_and_books_nothing(family: PageClient,
                                                                   world: PlanningWorld) -> None:
    family.get(f"{DAY}?date=2026-12-04&service=GARDERIE+MATIN")

    result = family.post(DAY, {"date": "2026-12-04", "service": "GARDERIE MATIN", "action": "reserver"},
                         csrf="0" * 64)

    assert result.status_code == 403
    assert "Formulaire expiré ou invalide" in text_of(result)
    assert "GARDERIE MATIN : Libre" in text_of(family.get(f"{GRID}?mois=2026-12"))


def test_no_page_changes_anything_on_get(family: PageClient) -> None:
    before = text_of(family.get(f"{GRID}?mois=2026-12"))

    for path in (f"{DAY}?date=2026-12-04&service=GARDERIE+MATIN&action=reserver",
                 f"{GRID}/absence?du=2026-12-01&au=2026-12-31&reason=AUTRES", "/reservations"):
        family.get(path)

    assert text_of(family.get(f"{GRID}?mois=2026-12")) == before


# --- ranges and patterns ---------------------------------------------------------------------------


def test_an_absence_of_the_whole_child_over_a_range_lists_each_day(family: PageClient) -> None:
    family.get(f"{DAY}?date=2026-12-07&service=RESTAURATION")
    for day in ("2026-12-07", "2026-12-08"):
        family.post(DAY, {"date": day, "service": "RESTAURATION", "action": "reserver"})
    family.get(GRID)

    result = family.post(f"{GRID}/absence", {"du": "2026-12-07", "au": "2026-12-08", "reason": "AUTRES"})

    assert result.status_code == 200, result.text
    page = text_of(result)
    assert "Réservation annulée : 2 cases" in page
    assert "lundi 7 décembre 2026 — RESTAURATION" in page


def test_an_absence_over_a_range_needs_dates_and_a_reason(family: PageClient) -> None:
    family.get(GRID)

    result = family.post(f"{GRID}/absence", {"du": "2026-12-09", "au": "2026-12-01"})

    assert result.status_code == 422
    page = text_of(result)
    assert "La date de fin doit suivre la date de début." in page and "Choisissez le motif" in page


def test_a_pattern_books_two_children_and_lists_each_refused_day_with_its_deadline(family: PageClient) -> None:
    form = family.get("/reservations")
    assert "Léa DUPONT" in text_of(form) and "Hugo DUPONT" in text_of(form)

    body = "&".join([f"csrf={family.csrf}", f"enfants={CHILD_A}", f"enfants={CHILD_A2}", "jours=lundi",
                     "jours=jeudi", "services=RESTAURATION", "du=2026-11-30", "au=2026-12-10"])
    result = family._keep(family.client.simulate_post(
        "/reservations", body=body, content_type="application/x-www-form-urlencoded", cookies=dict(family.cookies)))

    assert result.status_code == 200, result.text
    page = text_of(result)
    assert page.count("Réservé : 3 cases") == 2  # 3, 7 and 10 December, for each child
    assert "Refusés : 1 case" in page
    assert "lundi 30 novembre 2026" in page and "cantine-lundi-jeudi-23h59" in page
    assert "jeudi 26 novembre 2026 à 23h59" in page


def test_a_pattern_without_children_days_or_services_names_each_missing_choice(family: PageClient) -> None:
    family.get("/reservations")

    result = family.post("/reservations", {"du": "2026-12-01", "au": "2026-12-31"})

    assert result.status_code == 422
    page = text_of(result)
    assert "Choisissez au moins un enfant." in page and "Choisissez au moins un service." in page


def test_a_pattern_cannot_name_a_child_of_another_family(family: PageClient) -> None:
    family.get("/reservations")
    body = "&".join([f"csrf={family.csrf}", f"enfants={CHILD_B}", "jours=lundi", "services=RESTAURATION",
                     "du=2026-12-01", "au=2026-12-31"])

    result = family.client.simulate_post("/reservations", body=body,
                                         content_type="application/x-www-form-urlencoded",
                                         cookies=dict(family.cookies))

    assert result.status_code == 422
    assert "Choisissez au moins un enfant." in text_of(result)


# --- agents ----------------------------------------------------------------------------------------


def test_the_agent_menu_names_the_planning_pages(agent: PageClient) -> None:
    page = agent.get("/agent/reservations").text

    for href in ("/agent/reservations", "/agent/pointage", "/agent/effectifs", "/agent/fermetures"):
        assert f'href="{href}"' in page


def test_the_family_cannot_open_the_agents_pages(family: PageClient) -> None:
    for path in ("/agent/pointage", "/agent/fermetures", "/agent/effectifs", "/agent/effectifs/csv",
                 "/agent/reservations"):
        assert family.get(path).status_code in (403, 404), path


def test_the_agent_records_attendance_with_times_for_the_garderie(family: PageClient,
                                                                   world: PlanningWorld) -> None:
    family.get(f"{DAY}?date=2026-12-04&service=GARDERIE+MATIN")
    family.post(DAY, {"date": "2026-12-04", "service": "GARDERIE MATIN", "action": "reserver"})
    world.clock.set(datetime(2026, 12, 4, 8, 30, tzinfo=PARIS))  # attendance is taken on the day
    agent = PageClient(world.app())
    agent.login("agent.villeneuve")
    page = agent.get("/agent/pointage?date=2026-12-04&service=GARDERIE+MATIN")
    assert "DUPONT Léa" in text_of(page)

    result = agent.post("/agent/pointage", {"date": "2026-12-04", "filtre": "GARDERIE MATIN", "lignes": "1",
                                            "enfant-0": CHILD_A, "service-0": "GARDERIE MATIN",
                                            "statut-0": "present", "arrivee-0": "07:45", "depart-0": "08:20"})

    assert result.status_code == 303
    again = agent.get(result.headers["location"])
    assert "Le pointage est enregistré." in text_of(again)
    assert 'value="07:45"' in again.text and 'value="present" checked' in again.text


def test_a_departure_before_the_arrival_is_refused_on_its_line(agent: PageClient) -> None:
    agent.get("/agent/pointage?date=2026-12-04")

    result = agent.post("/agent/pointage", {"date": "2026-12-04", "lignes": "1", "enfant-0": CHILD_A,
                                            "service-0": "GARDERIE MATIN", "statut-0": "present",
                                            "arrivee-0": "08:20", "depart-0": "07:45"})

    assert result.status_code == 422
    assert "L'heure de départ doit suivre l'heure d'arrivée." in text_of(result)


def test_the_agent_adds_and_deletes_a_closure(agent: PageClient) -> None:
    agent.get("/agent/fermetures")
    refused = agent.post("/agent/fermetures", {"date": "2026-12-07", "service": "", "reason": ""})
    assert refused.status_code == 422 and "Indiquez le motif" in text_of(refused)

    agent.post("/agent/fermetures", {"date": "2026-12-07", "service": "GARDERIE SOIR", "reason": "Sortie"})
    page = agent.get("/agent/fermetures")
    assert "lundi 7 décembre 2026 GARDERIE SOIR Sortie" in text_of(page)
    action = re.search(r'action="(/agent/fermetures/[^"]+/suppression)"', page.text)
    assert action

    deleted = agent.post(action.group(1))

    assert deleted.status_code == 303
    assert "Aucune fermeture à venir." in text_of(agent.get(deleted.headers["location"]))


def test_the_headcounts_page_links_to_its_csv(family: PageClient, world: PlanningWorld) -> None:
    family.get(f"{DAY}?date=2026-12-07&service=RESTAURATION")
    family.post(DAY, {"date": "2026-12-07", "service": "RESTAURATION", "action": "reserver"})
    agent = PageClient(world.app())
    agent.login("agent.villeneuve")

    page = agent.get("/agent/effectifs?date=2026-12-07")
    csv = agent.get("/agent/effectifs/csv?date=2026-12-07")

    assert "Télécharger (CSV)" in text_of(page) and "/agent/effectifs/csv?date=2026-12-07" in page.text
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.content.startswith("\ufeff".encode())
    assert "RESTAURATION;1;--Aucun--;1" in csv.content.decode("utf-8-sig")


def test_the_agent_accepts_and_refuses_pending_requests(world: PlanningWorld) -> None:
    world.rules.use(bookings_wait_for_an_agent("ville-a"))
    family = PageClient(world.app())
    family.login("marie.dupont")
    family.get(f"{DAY}?date=2026-12-07&service=RESTAURATION")
    for day in ("2026-12-07", "2026-12-08"):
        family.post(DAY, {"date": day, "service": "RESTAURATION", "action": "reserver"})
    agent = PageClient(world.app())
    agent.login("agent.villeneuve")

    page = agent.get("/agent/reservations")
    assert "2 demandes en attente" in text_of(page)
    first, second = re.findall(r'action="(/agent/reservations/reservation/[^"]+)"', page.text)[::2]
    no_reason = agent.post(second, {"decision": "refuser", "motif": ""})
    assert no_reason.status_code == 422 and "Indiquez le motif du refus" in text_of(no_reason)
    assert agent.post(first, {"decision": "accepter"}).status_code == 303
    assert agent.post(second, {"decision": "refuser", "motif": "Complet"}).status_code == 303

    grid = text_of(family.get(f"{GRID}?mois=2026-12"))
    assert "lundi 7 décembre, RESTAURATION : Réservé" in grid
    assert "mardi 8 décembre, RESTAURATION : Réservation refusée" in grid


def _refusal_field(page: str, key: str) -> str:
    """The refusal reason's field of the card `key`, its key replaced by `KEY`."""
    found = re.search(rf'<div class="champ[^"]*">\s*<label for="motif-{key}">.*?</div>', page, re.S)
    assert found, page
    return found[0].replace(key, "KEY")


def test_both_agent_queues_ask_the_refusal_reason_with_the_same_field(world: PlanningWorld,
                                                                        family: PageClient) -> None:
    world.rules.use(bookings_wait_for_an_agent("ville-a"))
    family.get(f"{DAY}?date=2026-12-07&service=RESTAURATION")
    family.post(DAY, {"date": "2026-12-07", "service": "RESTAURATION", "action": "reserver"})
    _send(family, *FORMS[0])
    agent = PageClient(world.app())
    agent.login("agent.villeneuve")
    booking = re.findall(r'action="/agent/reservations/(reservation/[^"]+)"', agent.get("/agent/reservations").text)[0]
    [request] = [r.id for r in world.uow.store.requests.values()]

    bookings = agent.post(f"/agent/reservations/{booking}", {"decision": "refuser", "motif": " "})
    agent.get("/agent/demandes")
    requests = agent.post(f"/agent/demandes/{request}", {"decision": "refuser", "motif": " "})

    assert bookings.status_code == requests.status_code == 422
    field = _refusal_field(bookings.text, booking.replace("/", "-"))
    assert field == _refusal_field(requests.text, request)
    assert "Obligatoire pour refuser : la famille le lira." in field
    assert 'id="erreur-motif-KEY"' in field and "Indiquez le motif du refus : la famille le lira." in field
    assert 'aria-describedby="aide-motif-KEY erreur-motif-KEY"' in field and 'aria-invalid="true"' in field


# --- the private calendar address -----------------------------------------------------------------


def _feed_url(page_html: str) -> str:
    found = re.search(r'id="adresse-calendrier" type="text" readonly value="([^"]+)"', page_html)
    assert found, "l'adresse du calendrier n'est pas sur la page"
    return found.group(1)


def test_the_planning_page_shows_the_private_calendar_address_and_revokes_it(family: PageClient) -> None:
    page = family.get(f"{GRID}?mois=2026-12")
    url = _feed_url(page.text)
    assert url.startswith("https://portail.example.fr/api/v1/calendars/") and url.endswith(".ics")
    assert f'href="{url.replace("https://", "webcal://")}"' in page.text
    assert "Planning dans votre calendrier" in text_of(page)
    secret_path = url.removeprefix("https://portail.example.fr")
    assert family.client.simulate_get(secret_path).status_code == 200

    revoked = family.post(f"{GRID}/calendrier")

    assert revoked.status_code == 303 and revoked.headers["location"].endswith("calendrier=nouveau#calendrier")
    after = family.get(f"{GRID}?calendrier=nouveau")
    assert _feed_url(after.text) != url
    assert "l'ancienne ne fonctionne plus" in text_of(after)
    assert family.client.simulate_get(secret_path).status_code == 404


def test_the_calendar_address_is_neither_shown_to_an_agent_nor_revocable_without_the_form_token(
    browser: PageClient,
) -> None:
    browser.login("agent.villeneuve")
    assert "adresse-calendrier" not in browser.get(f"{GRID}?mois=2026-12").text
    assert browser.post(f"{GRID}/calendrier").status_code in (403, 404)
    other = PageClient(browser.client.app)
    other.login("marie.dupont")
    other.get(f"{GRID}?mois=2026-12")
    assert other.post(f"{GRID}/calendrier", csrf="faux").status_code == 403
