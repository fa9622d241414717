"""The guide's chapter 4 walked through the API, as a family and as an agent of its commune."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import falcon.testing
import pytest

from famille.adapters.notification.notifier import PortalNotifier
from famille.adapters.notification.sms import LogSms
from famille.kernel.portal.application import build_portal
from famille.kernel.shared.organisations import Structure, StructureKind
from tests.http.conftest import HASHER, PORTAL_URL, World, bearer

CHILD = "/api/v1/children/enf-a1"
CANTINE_A = Structure("cantine-a", "ville-a", "Restaurant scolaire de Villeneuve", StructureKind.CANTINE,
                      pratiques=("--Aucun--", "Sans porc", "PAI"))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world() -> World:
    """The HTTP world, with the portal's real notifier: decisions land in the family's inbox."""
    world = World()
    notifier = PortalNotifier(world.uow, world.clock, mailer=None, sms=LogSms())
    world.portal = build_portal(uow=world.uow, clock=world.clock, rules=world.rules, hasher=HASHER,
                                notifier=notifier, portal_url=PORTAL_URL)
    return world


def _decide(client: falcon.testing.TestClient, agent: str, request_id: str, **body: object) -> falcon.testing.Result:
    return client.simulate_post(f"/api/v1/agent/requests/{request_id}/decision", json=body, headers=bearer(agent))


def test_a_family_and_an_agent_walk_through_chapter_four(
    world: World, client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    world.uow.seed(structures=[CANTINE_A])
    family, agent = bearer(token_of("marie.dupont")), token_of("agent.villeneuve")

    # 4.1.1 a person allowed to pick Léa up
    person = client.simulate_post(f"{CHILD}/authorisations", headers=family, json={
        "nom": "Lenomdefamille", "prenom": "Sonprénom", "mobile": "06 01 02 03 04", "lien": "Père"})
    assert person.status_code == 202, person.text
    assert person.json["status"] == "pending"
    assert person.json["changes"]["mobile"] == "+33601020304"
    # 4.1.2 données complémentaires
    world.clock.advance(timedelta(minutes=1))
    extra = client.simulate_put(f"{CHILD}/complementaires", headers=family,
                                json={"lunettes": True, "prise_photos": True, "compagnie_assurance": "MAIF"})
    assert extra.status_code == 202, extra.text
    # 4.1.3 a PAI, which needs a medical certificate
    world.clock.advance(timedelta(minutes=1))
    pai = client.simulate_put(f"{CHILD}/pratique-alimentaire", headers=family, json={"libelle": "PAI"})
    assert pai.status_code == 202, pai.text
    assert "certificat médical" in pai.json["notice"]
    assert "pai-certificat-et-rencontre" in pai.json["rule_ids"]
    # 4.2.1 a new mobile number
    world.clock.advance(timedelta(minutes=1))
    mobile = client.simulate_post("/api/v1/account/responsable", headers=family,
                                  json={"mobile": "0612345678", "telephone_domicile": None})
    assert mobile.status_code == 202, mobile.text

    # each form shows what is pending under it; nothing has changed yet
    record = client.simulate_get(CHILD, headers=family).json
    assert [r["kind"] for r in record["pending_requests"]] == [
        "autorisation_ajout", "complementaires", "pratique_alimentaire"]
    assert record["autorisations"] == []
    assert record["sanitaires"]["pratique_alimentaire"]["libelle"] == "--Aucun--"
    account = client.simulate_get("/api/v1/account", headers=family).json
    assert account["responsable"]["mobile"] is None
    assert [r["kind"] for r in account["pending_requests"]] == ["responsable"]

    # the agent's queue, oldest first, with before and after
    queue = client.simulate_get("/api/v1/agent/requests", headers=bearer(agent)).json["requests"]
    assert [q["kind"] for q in queue] == ["autorisation_ajout", "complementaires", "pratique_alimentaire",
                                         "responsable"]
    assert queue[3]["before"] == {"mobile": None, "telephone_domicile": None}
    assert queue[3]["after"] == {"mobile": "+33612345678", "telephone_domicile": None}
    assert queue[2]["before"] == {"libelle": "--Aucun--"}
    assert queue[0]["child_name"] == "Léa DUPONT"

    world.clock.advance(timedelta(hours=2))  # sessions last 12 hours
    for entry in queue[:2]:
        assert _decide(client, agent, entry["id"], accept=True).status_code == 200
    refused = _decide(client, agent, pai.json["id"], accept=False,
                      reason="merci de nous faire parvenir un certificat médical")
    assert refused.status_code == 200, refused.text
    assert refused.json["status"] == "refused"
    accepted = _decide(client, agent, mobile.json["id"], accept=True)
    assert accepted.json["status"] == "accepted"
    again = _decide(client, agent, mobile.json["id"], accept=False, reason="trop tard")
    assert again.status_code == 409
    assert again.headers["Content-Type"] == "application/problem+json"
    assert "déjà été acceptée" in again.json["detail"]

    # the record now holds what was accepted, and nothing that was refused
    record = client.simulate_get(CHILD, headers=family).json
    assert [(p["nom"], p["lien"], p["mobile"]) for p in record["autorisations"]] == [
        ("Lenomdefamille", "Père", "+33601020304")]
    assert record["complementaires"]["lunettes"] is True
    assert record["complementaires"]["compagnie_assurance"] == "MAIF"
    assert record["sanitaires"]["pratique_alimentaire"]["libelle"] == "--Aucun--"
    assert record["pending_requests"] == []
    assert client.simulate_get("/api/v1/account", headers=family).json["responsable"]["mobile"] == "+33612345678"

    # « Liste des demandes »
    listing = client.simulate_get("/api/v1/requests", headers=family).json
    by_kind = {group["kind"]: group for group in listing["by_kind"]}
    refusal = by_kind["pratique_alimentaire"]["refused"][0]
    assert refusal["reason"] == "merci de nous faire parvenir un certificat médical"
    assert refusal["decided_at"].startswith("2026-11-28T12")
    assert by_kind["responsable"]["accepted"][0]["decided_at"].startswith("2026-11-28T12")
    assert by_kind["responsable"]["label"] == "Informations responsable"
    assert len(listing["requests"]) == 4

    # the inbox holds each decision
    inbox = client.simulate_get("/api/v1/inbox", headers=family).json["messages"]
    bodies = [m["body"] for m in inbox]
    assert "Votre demande « Informations responsable » du 28/11/2026 a été acceptée." in bodies
    assert ("Votre demande « Pratique alimentaire » du 28/11/2026 a été refusée : "
            "merci de nous faire parvenir un certificat médical") in bodies


def test_a_photo_waits_for_the_agent_then_is_served_to_the_family(
    world: World, client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    family, agent = bearer(token_of("marie.dupont")), bearer(token_of("agent.villeneuve"))

    upload = client.simulate_put(f"{CHILD}/photo", body=PNG, headers={**family, "Content-Type": "image/png"})
    assert upload.status_code == 202, upload.text
    assert client.simulate_get(f"{CHILD}/photo", headers=family).status_code == 404
    proposed = client.simulate_get(f"{CHILD}/photo", params={"request": upload.json["id"]}, headers=agent)
    assert proposed.status_code == 200
    assert proposed.content == PNG

    assert _decide(client, agent["Authorization"][7:], upload.json["id"], accept=True).status_code == 200

    served = client.simulate_get(f"{CHILD}/photo", headers=family)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/png"
    assert served.content == PNG
    assert client.simulate_get(CHILD, headers=family).json["photo_url"] == f"{CHILD}/photo"


def test_a_photo_that_is_not_an_image_or_too_large_is_refused(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    family = bearer(token_of("marie.dupont"))

    lying = client.simulate_put(f"{CHILD}/photo", body=b"GIF89a" + b"\x00" * 10,
                                headers={**family, "Content-Type": "image/png"})
    gif = client.simulate_put(f"{CHILD}/photo", body=b"GIF89a", headers={**family, "Content-Type": "image/gif"})
    huge = client.simulate_put(f"{CHILD}/photo", body=PNG + b"\x00" * (2 * 1024 * 1024),
                               headers={**family, "Content-Type": "image/png"})

    assert lying.status_code == 422
    assert lying.json["errors"][0]["field"] == "photo"
    assert gif.status_code == 422
    assert huge.status_code == 413


def test_a_family_adds_a_child_and_the_agent_accepts_it(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    family, agent = bearer(token_of("marie.dupont")), token_of("agent.villeneuve")

    asked = client.simulate_post("/api/v1/children", headers=family, json={
        "nom": "DUPONT", "prenom": "Jules", "sexe": "M", "date_naissance": "2022-04-01"})
    assert asked.status_code == 202, asked.text
    decided = _decide(client, agent, asked.json["id"], accept=True)

    child_id = decided.json["child_id"]
    assert child_id
    child = client.simulate_get(f"/api/v1/children/{child_id}", headers=family)
    assert child.json["identity"]["prenom"] == "Jules"
    home = client.simulate_get("/api/v1/me", headers=family).json
    assert "Jules" in [c["prenom"] for c in home["children"]]


def test_the_validation_rules_refuse_at_once_and_store_nothing(
    world: World, client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    family = bearer(token_of("marie.dupont"))

    no_phone = client.simulate_post(f"{CHILD}/authorisations", headers=family,
                                    json={"nom": "ROUX", "prenom": "Jean", "lien": "Voisin(e)"})
    not_offered = client.simulate_put(f"{CHILD}/pratique-alimentaire", headers=family,
                                      json={"libelle": "Sans Gluten"})

    assert no_phone.status_code == 422
    assert no_phone.json["errors"] == [{
        "field": "telephone", "rule_id": "telephone-personne-autorisee-obligatoire",
        "message": "Renseignez le téléphone ou le mobile de la personne autorisée à venir chercher l'enfant."}]
    assert not_offered.status_code == 422
    assert not_offered.json["errors"][0]["rule_id"] == "pratique-non-proposee-par-la-cantine"
    assert world.uow.store.requests == {}


def test_a_refusal_needs_a_reason(client: falcon.testing.TestClient, token_of: Callable[[str], str]) -> None:
    family, agent = bearer(token_of("marie.dupont")), token_of("agent.villeneuve")
    asked = client.simulate_post("/api/v1/account/caf", headers=family, json={"quotient_familial": 650})

    refused = _decide(client, agent, asked.json["id"], accept=False, reason="  ")

    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "reason"
