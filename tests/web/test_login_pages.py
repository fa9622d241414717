"""« Accès famille »: logging in and out with pages, refusals in French, redirects when logged out."""

from __future__ import annotations

from datetime import datetime, timedelta

import falcon.testing

from famille.kernel.shared.time import PARIS
from tests.http.conftest import World
from tests.web.conftest import PageClient, text_of


def test_the_root_sends_a_visitor_to_the_login_page_and_a_family_home(browser: PageClient) -> None:
    assert browser.get("/").headers["Location"] == "/connexion"
    browser.login("marie.dupont")
    assert browser.get("/").headers["Location"] == "/accueil"


def test_the_login_page_asks_for_identifiant_and_mot_de_passe(browser: PageClient) -> None:
    page = browser.get("/connexion")

    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert '<html lang="fr">' in page.text
    assert "Accès famille" in text_of(page)
    assert 'for="champ-login">Identifiant<' in page.text
    assert 'for="champ-password">Mot de passe<' in page.text
    assert 'href="/mot-de-passe-oublie">Mot de passe oublié<' in page.text


def test_logging_in_opens_the_same_session_as_the_api_in_a_safe_cookie(browser: PageClient) -> None:
    result = browser.login("marie.dupont")

    assert result.headers["Location"] == "/accueil"
    cookie = result.cookies["famille_session"]
    assert cookie.http_only and cookie.same_site == "Lax" and cookie.path == "/"
    assert not cookie.secure
    me = browser.client.simulate_get("/api/v1/me", cookies={"famille_session": cookie.value})
    assert me.status_code == 200


def test_the_cookies_are_secure_when_asked(world: World) -> None:
    browser = PageClient(world.app(secure_cookies=True))
    page = browser.get("/connexion")
    assert page.cookies["__Host-famille_csrf"].secure

    result = browser.login("marie.dupont")

    assert result.cookies["famille_session"].secure


def test_a_wrong_password_is_refused_in_french_keeping_the_login_but_never_the_password(
    browser: PageClient,
) -> None:
    browser.get("/connexion")
    page = browser.post("/connexion", {"login": "marie.dupont", "password": "Mauvais123"})

    assert page.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in text_of(page)
    assert 'value="marie.dupont"' in page.text
    assert "Mauvais123" not in page.text
    assert "famille_session" not in page.cookies


def test_an_unknown_login_gets_the_same_answer_as_a_wrong_password(browser: PageClient) -> None:
    browser.get("/connexion")
    wrong = text_of(browser.post("/connexion", {"login": "marie.dupont", "password": "Mauvais123"}))
    unknown = text_of(browser.post("/connexion", {"login": "personne", "password": "Mauvais123"}))

    assert wrong.replace("marie.dupont", "personne") == unknown


def test_empty_fields_are_named_beside_each_field(browser: PageClient) -> None:
    browser.get("/connexion")
    page = browser.post("/connexion", {"login": "", "password": ""})

    assert page.status_code == 422
    assert 'id="erreur-login-1"><span class="masque">Erreur : </span>Saisissez votre identifiant.' in page.text
    assert 'id="erreur-password-1"><span class="masque">Erreur : </span>Saisissez votre mot de passe.' in page.text
    assert 'aria-invalid="true" aria-describedby="erreur-login-1"' in page.text
    assert 'href="#champ-login"' in page.text  # the summary links to the field


def test_the_tenth_failure_shows_the_lockout_message_pointing_to_mot_de_passe_oublie(
    browser: PageClient,
) -> None:
    browser.get("/connexion")
    statuses = [browser.post("/connexion", {"login": "marie.dupont", "password": "Mauvais123"}).status_code
                for _ in range(9)]
    locked = browser.post("/connexion", {"login": "marie.dupont", "password": "Mauvais123"})
    still_locked = browser.post("/connexion", {"login": "marie.dupont", "password": "Cantine2026"})

    assert statuses == [401] * 9
    assert locked.status_code == still_locked.status_code == 423
    assert "Compte verrouillé" in text_of(still_locked)
    assert "Votre compte est verrouillé pour 15 minutes" in text_of(still_locked)
    assert 'href="/mot-de-passe-oublie">Mot de passe oublié<' in still_locked.text
    assert "famille_session" not in still_locked.cookies


def test_logging_out_is_a_form_that_ends_the_session(family: PageClient) -> None:
    family.get("/accueil")
    token = family.cookies["famille_session"]

    result = family.post("/deconnexion")

    assert result.status_code == 303
    assert result.headers["Location"] == "/connexion?message=deconnexion"
    assert "famille_session" not in family.cookies
    assert "Vous êtes déconnecté" in text_of(family.get(result.headers["Location"]))
    again = family.client.simulate_get("/accueil", cookies={"famille_session": token})
    assert again.status_code == 303


def test_logging_out_by_a_link_is_impossible(family: PageClient) -> None:
    result = family.get("/deconnexion")

    assert result.status_code == 405
    assert "text/html" in result.headers["Content-Type"]
    assert family.get("/accueil").status_code == 200


def test_a_page_asked_while_logged_out_leads_to_the_login_then_back_to_it(browser: PageClient) -> None:
    asked = browser.get("/messages")

    assert asked.status_code == 303
    assert asked.headers["Location"] == "/connexion?suite=%2Fmessages"
    login_page = browser.get(asked.headers["Location"])
    assert 'name="suite" value="/messages"' in login_page.text
    result = browser.post("/connexion", {"login": "marie.dupont", "password": "Cantine2026",
                                         "suite": "/messages"})
    assert result.headers["Location"] == "/messages"


def test_the_page_to_go_back_to_is_never_another_site(browser: PageClient) -> None:
    browser.get("/connexion?suite=//malveillant.example/")
    result = browser.post("/connexion", {"login": "marie.dupont", "password": "Cantine2026",
                                         "suite": "//malveillant.example/"})

    assert result.headers["Location"] == "/accueil"


def test_an_expired_session_leads_to_the_login_page_with_a_notice(world: World, family: PageClient) -> None:
    world.clock.set(datetime(2026, 11, 28, 10, 0, tzinfo=PARIS) + timedelta(hours=13))

    result = family.get("/accueil")

    assert result.status_code == 303
    assert result.headers["Location"] == "/connexion?suite=%2Faccueil&message=session-expiree"
    assert "famille_session" not in family.cookies
    assert "Votre session a expiré" in text_of(family.get(result.headers["Location"]))


def test_pages_that_need_a_session_redirect_instead_of_answering_json(world: World) -> None:
    client = falcon.testing.TestClient(world.app())

    for path in ("/accueil", "/messages", "/mot-de-passe", "/mon-compte", "/enfants/enf-a1"):
        result = client.simulate_get(path)
        assert result.status_code == 303, path
        assert result.headers["Location"].startswith("/connexion"), path
