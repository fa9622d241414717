"""The first-activation link an agent sends, followed as pages: the family chooses its password and logs in."""

from __future__ import annotations

from urllib.parse import urlsplit

import falcon.testing

from tests.http.conftest import PORTAL_URL, World, bearer, login
from tests.web.conftest import PageClient, text_of


def test_a_new_family_follows_its_activation_link_chooses_a_password_and_logs_in(world: World) -> None:
    api = falcon.testing.TestClient(world.app())
    agent = bearer(login(api, "agent.villeneuve").json["token"])
    created = api.simulate_post("/api/v1/agent/families", headers=agent, json={
        "responsable": {"nom": "GIRARD", "prenom": "Sophie", "email": "sophie.girard@example.org"}})
    assert created.status_code == 201, created.text
    assert api.simulate_post(f"/api/v1/agent/families/{created.json['id']}/activation",
                             headers=agent).status_code == 202
    link = world.notifier.sent[-1].notice.body.split(PORTAL_URL, 1)[1].split()[0]
    address = urlsplit(link)
    browser = PageClient(world.app())

    page = browser.get(link)
    assert page.status_code == 200
    refused = browser.post(address.path, {"jeton": address.query.removeprefix("jeton="),
                                          "new_password": "girard", "confirmation": "girard"})
    assert refused.status_code == 422 and "au moins 8 caractères" in text_of(refused)
    done = browser.post(address.path, {"jeton": address.query.removeprefix("jeton="),
                                       "new_password": "Tilleul2026", "confirmation": "Tilleul2026"})
    assert done.status_code == 303
    again = browser.post(address.path, {"jeton": address.query.removeprefix("jeton="),
                                        "new_password": "Tilleul2027", "confirmation": "Tilleul2027"})
    assert again.status_code == 400

    browser.login("sophie.girard@example.org", "Tilleul2026")
    assert "GIRARD" in text_of(browser.get("/accueil")).upper()
