"""Every form carries a token of this browser's session; a POST without it changes nothing."""

from __future__ import annotations

from tests.http.conftest import World
from tests.web.conftest import PageClient, text_of


def _refused(result) -> None:  # type: ignore[no-untyped-def]
    assert result.status_code == 403, result.text
    assert result.headers["Content-Type"].startswith("text/html")
    assert "Formulaire expiré ou invalide" in text_of(result)


def test_a_login_without_token_is_refused_with_a_french_page(browser: PageClient) -> None:
    browser.get("/connexion")

    result = browser.post("/connexion", {"login": "marie.dupont", "password": "Cantine2026"}, csrf="")

    _refused(result)
    assert "famille_session" not in result.cookies


def test_a_login_from_a_browser_that_never_saw_the_form_is_refused(world: World) -> None:
    forger = PageClient(world.app())

    _refused(forger.post("/connexion", {"login": "marie.dupont", "password": "Cantine2026"}, csrf="0" * 64))


def test_another_browsers_token_is_refused(world: World, family: PageClient) -> None:
    other = PageClient(world.app())
    other.get("/connexion")

    family.get("/accueil")
    _refused(family.post("/deconnexion", csrf=other.csrf))


def test_a_logout_without_token_keeps_the_session(family: PageClient) -> None:
    _refused(family.post("/deconnexion", csrf=""))

    assert family.get("/accueil").status_code == 200


def test_marking_a_message_read_without_token_leaves_it_new(world: World, family: PageClient) -> None:
    _refused(family.post("/messages/msg-a1/lu", csrf="deadbeef"))

    assert world.uow.store.inbox["msg-a1"].read_at is None


def test_the_token_seen_before_login_is_useless_after_it(browser: PageClient) -> None:
    browser.get("/connexion")
    before = browser.csrf
    browser.post("/connexion", {"login": "marie.dupont", "password": "Cantine2026"})

    _refused(browser.post("/deconnexion", csrf=before))


def test_a_json_body_is_not_a_form_and_is_refused(family: PageClient) -> None:
    family.get("/accueil")

    result = family.client.simulate_post("/deconnexion", json={"csrf": family.csrf},
                                         cookies=family.cookies)

    _refused(result)


def test_a_changed_password_form_without_token_changes_nothing(world: World, family: PageClient) -> None:
    before = world.uow.store.accounts["acc-a"].password_hash

    _refused(family.post("/mot-de-passe", {"login": "marie.dupont", "current_password": "Cantine2026",
                                           "new_password": "Garderie2027", "confirmation": "Garderie2027"},
                         csrf=""))

    assert world.uow.store.accounts["acc-a"].password_hash == before
