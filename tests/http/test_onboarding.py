"""Agents bring families in through the real routes, on the fakes, SQLite and PostgreSQL.

An agent creates a family (responsable, conjoint, children, enrolments), sends the
first-activation link; the family chooses its password through it (under the password policy,
once, before it expires) and logs in. Another organisation's agent never reaches the family.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.sites import KINDS, PASSWORD, PORTAL_URL, Site, open_site

FAMILIES = "/api/v1/agent/families"


@pytest.fixture(params=KINDS)
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    yield from open_site(str(request.param), tmp_path)


def family_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "number": "A-1",
        "responsable": {"civilite": "Madame", "nom": "BERNARD", "prenom": "Chloé", "email": "chloe.bernard@example.org",
                        "mobile": "06 12 34 56 78", "adresse": "4 rue des Lilas", "code_postal": "38160",
                        "ville": "Saint-Vérand"},
        "conjoint": {"civilite": "Monsieur", "nom": "BERNARD", "prenom": "Luc", "mobile": "0698765432"},
        "children": [
            {"nom": "BERNARD", "prenom": "Inès", "sexe": "F", "date_naissance": "2018-04-02",
             "enrolments": [{"service": "RESTAURATION", "structure": "ville-a-cantine", "start": "2026-09-01"},
                            {"service": "GARDERIE SOIR", "structure": "ville-a-garderie", "start": "2026-09-01",
                             "end": "2027-07-03"}]},
            {"nom": "BERNARD", "prenom": "Noé", "sexe": "M", "date_naissance": "2020-11-15"},
        ],
    }
    body.update(changes)
    return body


def activation_token(site: Site) -> str:
    return site.notifier.sent[-1].notice.body.split("jeton=")[1].split()[0]


def test_an_agent_creates_a_family_that_activates_its_account_and_logs_in(site: Site) -> None:
    agent = site.token("agent.ville-a")

    created = site.client.simulate_post(FAMILIES, json=family_body(), headers=agent)

    assert created.status_code == 201, created.text
    family_id = created.json["id"]
    assert created.headers["Location"] == f"{FAMILIES}/{family_id}"
    assert (created.json["number"], created.json["login"], created.json["activated"]) == (
        "A-1", "chloe.bernard@example.org", False)
    assert [c["prenom"] for c in created.json["children"]] == ["Inès", "Noé"]
    record = site.client.simulate_get(f"{FAMILIES}/{family_id}", headers=agent)
    assert record.status_code == 200
    with site.uow() as uow:
        family = uow.families.get(family_id)
        assert family is not None and family.responsable.mobile == "+33612345678"
        assert family.conjoint is not None and family.conjoint.prenom == "Luc"
        ines = created.json["children"][0]["id"]
        assert [(e.service_code, e.start, e.end) for e in uow.planning.enrolments_of(ines)] == [
            ("GARDERIE SOIR", date(2026, 9, 1), date(2027, 7, 3)), ("RESTAURATION", date(2026, 9, 1), None)]

    sent = site.client.simulate_post(f"{FAMILIES}/{family_id}/activation", headers=agent)

    assert sent.status_code == 202, sent.text
    assert sent.json["email"] == "chloe.bernard@example.org"
    mail = site.notifier.sent[-1]
    assert mail.urgent and mail.recipient.email == "chloe.bernard@example.org"
    assert mail.notice.subject == "Activez votre compte du portail famille"
    assert f"{PORTAL_URL}/mot-de-passe/nouveau?jeton=" in mail.notice.body
    assert "samedi 19 septembre 2026" in mail.notice.body  # 30 days after 20 August
    token = activation_token(site)
    weak = site.client.simulate_post("/api/v1/password-reset/confirm",
                                     json={"token": token, "new_password": "court", "confirmation": "court"})
    assert weak.status_code == 422
    assert "longueur-minimum-8" in {e["rule_id"] for e in weak.json["errors"]}
    chosen = {"token": token, "new_password": "Lilas2026x", "confirmation": "Lilas2026x"}
    assert site.client.simulate_post("/api/v1/password-reset/confirm", json=chosen).status_code == 204
    assert site.client.simulate_post("/api/v1/password-reset/confirm", json=chosen).status_code == 400
    me = site.client.simulate_get("/api/v1/me", headers=site.token("chloe.bernard@example.org", "Lilas2026x"))
    assert me.status_code == 200
    again = site.client.simulate_post(f"{FAMILIES}/{family_id}/activation", headers=agent)
    assert again.status_code == 409


def test_another_organisations_agent_and_families_never_reach_the_new_family(site: Site) -> None:
    created = site.client.simulate_post(FAMILIES, json=family_body(), headers=site.token("agent.ville-a"))
    family_id = created.json["id"]
    other = site.token("agent.ville-b")

    assert site.client.simulate_get(f"{FAMILIES}/{family_id}", headers=other).status_code == 404
    assert site.client.simulate_post(f"{FAMILIES}/{family_id}/activation", headers=other).status_code == 404
    assert site.notifier.sent == []
    elsewhere = site.client.simulate_post(FAMILIES, headers=other, json=family_body(children=[
        {"nom": "BERNARD", "prenom": "Inès", "sexe": "F", "date_naissance": "2018-04-02",
         "enrolments": [{"service": "RESTAURATION", "structure": "ville-a-cantine", "start": "2026-09-01"}]}]))
    assert elsewhere.status_code == 422
    assert [e["field"] for e in elsewhere.json["errors"]] == ["children[0].enrolments[0].structure"]
    # the same N° famille is free in another organisation; the e-mail login is taken: a login is made up
    same_number = site.client.simulate_post(FAMILIES, headers=other, json=family_body(children=[]))
    assert same_number.status_code == 201 and same_number.json["login"] == "chloe.bernard"


def test_a_family_account_cannot_create_families(site: Site) -> None:
    site.client.simulate_post(FAMILIES, json=family_body(), headers=site.token("agent.ville-a"))
    with site.uow() as uow:
        account = uow.accounts.by_login("chloe.bernard@example.org")
    assert account is not None
    site.portal.authentication.set_initial_password(account.id, PASSWORD)

    refused = site.client.simulate_post(FAMILIES, json=family_body(number="A-2"),
                                        headers=site.token("chloe.bernard@example.org"))

    assert refused.status_code == 403


def test_each_wrong_field_is_named_and_nothing_is_written(site: Site) -> None:
    agent = site.token("agent.ville-a")
    assert site.client.simulate_post(FAMILIES, json=family_body(), headers=agent).status_code == 201
    body = family_body(number="A-1", responsable={"nom": "", "prenom": "Zoé", "email": "pas-une-adresse",
                                                  "civilite": "Madame la Maire"})
    body["children"][0]["date_naissance"] = "2018-02-30"
    body["children"][0]["enrolments"][0]["service"] = "PISCINE"
    body["children"][1]["sexe"] = "X"

    refused = site.client.simulate_post(FAMILIES, json=body, headers=agent)

    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in refused.json["errors"]} == {"children[0].date_naissance"}
    body["children"][0]["date_naissance"] = "2018-02-28"
    refused = site.client.simulate_post(FAMILIES, json=body, headers=agent)
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json["errors"]} == {
        "responsable.email", "responsable.civilite", "children[1].sexe"}
    body = family_body(number="A-1", responsable={"nom": "", "prenom": "Zoé"})
    body["children"][0]["enrolments"][0]["service"] = "PISCINE"
    body["children"][1]["date_naissance"] = "2027-01-01"
    refused = site.client.simulate_post(FAMILIES, json=body, headers=agent)
    assert refused.status_code == 422
    messages = {e["field"]: e["message"] for e in refused.json["errors"]}
    assert messages == {
        "responsable.nom": "Le nom du responsable est obligatoire.",
        "number": "Le N° famille « A-1 » est déjà utilisé.",
        "children[0].enrolments[0].service": "Le service « PISCINE » n'existe pas dans la structure « ville-a-cantine ».",
        "children[1].date_naissance": "La date de naissance ne peut pas être dans le futur.",
    }
    unknown = site.client.simulate_post(FAMILIES, json={**family_body(number="A-2"), "iban": "FR76"}, headers=agent)
    assert unknown.status_code == 422 and [e["field"] for e in unknown.json["errors"]] == ["iban"]
    with site.uow() as uow:
        assert uow.families.by_number("ville-a", "A-2") is None
        assert uow.accounts.by_login("zoe.") is None


def test_an_activation_link_needs_an_address_and_expires(site: Site) -> None:
    agent = site.token("agent.ville-a")
    no_mail = family_body(number="A-2", responsable={"nom": "MOREL", "prenom": "Jeanne"}, conjoint=None)
    created = site.client.simulate_post(FAMILIES, json=no_mail, headers=agent)
    assert created.status_code == 201 and created.json["login"] == "jeanne.morel"

    refused = site.client.simulate_post(f"{FAMILIES}/{created.json['id']}/activation", headers=agent)

    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "email"
    family = site.client.simulate_post(FAMILIES, json=family_body(), headers=agent).json
    assert site.client.simulate_post(f"{FAMILIES}/{family['id']}/activation", headers=agent).status_code == 202
    site.clock.advance(timedelta(days=30))
    expired = site.client.simulate_post("/api/v1/password-reset/confirm", json={
        "token": activation_token(site), "new_password": "Lilas2026x", "confirmation": "Lilas2026x"})
    assert expired.status_code == 400


def test_an_agent_adds_a_child_to_a_family_of_its_organisation_only(site: Site) -> None:
    agent, other = site.token("agent.ville-a"), site.token("agent.ville-b")
    family_id = site.client.simulate_post(FAMILIES, json=family_body(children=[]), headers=agent).json["id"]
    child = {"nom": "BERNARD", "prenom": "Lou", "sexe": "F", "date_naissance": "2021-05-06",
             "enrolments": [{"service": "RESTAURATION", "structure": "ville-a-cantine", "start": "2026-09-01"}]}

    added = site.client.simulate_post(f"{FAMILIES}/{family_id}/children", json=child, headers=agent)
    wrong = site.client.simulate_post(f"{FAMILIES}/{family_id}/children", headers=agent, json={
        **child, "prenom": " ", "enrolments": [{"service": "PISCINE", "structure": "ville-a-cantine",
                                                "start": "2026-09-01"}]})
    bad_sexe = site.client.simulate_post(f"{FAMILIES}/{family_id}/children", json={**child, "sexe": "X"},
                                         headers=agent)
    elsewhere = site.client.simulate_post(f"{FAMILIES}/{family_id}/children", json={
        **child, "enrolments": [{"service": "RESTAURATION", "structure": "ville-b-cantine", "start": "2026-09-01"}]},
        headers=other)
    with site.uow() as uow:
        account = uow.accounts.by_family(family_id)
    assert account is not None
    site.portal.authentication.set_initial_password(account.id, PASSWORD)
    family = site.client.simulate_post(f"{FAMILIES}/{family_id}/children", json=child,
                                       headers=site.token(account.login))

    assert added.status_code == 201, added.text
    assert added.headers["Location"] == f"/api/v1/children/{added.json['id']}"
    assert (added.json["nom"], added.json["prenom"]) == ("BERNARD", "Lou")
    assert wrong.status_code == 422
    assert sorted(e["field"] for e in wrong.json["errors"]) == ["enrolments[0].service", "prenom"]
    assert bad_sexe.status_code == 422 and bad_sexe.json["errors"][0]["field"] == "sexe"
    assert elsewhere.status_code == 404 and family.status_code == 403
    with site.uow() as uow:
        (lou,) = uow.families.children_of(family_id)
        assert [(e.service_code, e.start) for e in uow.planning.enrolments_of(lou.id)] == [
            ("RESTAURATION", date(2026, 9, 1))]
