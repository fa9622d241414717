"""« Changer mot de passe », « Mot de passe oublié » and the link of the reset e-mail, as pages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tests.http.conftest import PORTAL_URL, World
from tests.web.conftest import PageClient, text_of

CHANGE = {"login": "marie.dupont", "current_password": "Cantine2026"}


def test_the_change_form_shows_the_policys_own_requirements(family: PageClient) -> None:
    text = text_of(family.get("/mot-de-passe"))

    assert "Modification du mot de passe" in text
    assert "Le mot de passe doit contenir au moins 8 caractères." in text
    assert "Le mot de passe doit contenir au moins une lettre majuscule." in text
    assert "Le mot de passe doit contenir au moins une lettre minuscule." in text
    assert "Le mot de passe doit contenir au moins un chiffre." in text


def test_a_refused_password_shows_each_failing_rule_beside_the_new_password(family: PageClient) -> None:
    family.get("/mot-de-passe")

    page = family.post("/mot-de-passe", {**CHANGE, "new_password": "court", "confirmation": "court"})

    assert page.status_code == 422
    field = page.text[page.text.index('class="champ champ--erreur"'):page.text.index('id="champ-new_password"')]
    assert "au moins 8 caractères" in field
    assert "au moins une lettre majuscule" in field
    assert "au moins un chiffre" in field
    assert "court" not in re.findall(r'value="([^"]*)"', page.text)


def test_a_wrong_current_password_and_a_different_confirmation_are_named(family: PageClient) -> None:
    family.get("/mot-de-passe")

    wrong = family.post("/mot-de-passe", {**CHANGE, "current_password": "Faux12345",
                                          "new_password": "Garderie2027", "confirmation": "Garderie2027"})
    different = family.post("/mot-de-passe", {**CHANGE, "new_password": "Garderie2027",
                                              "confirmation": "Garderie2028"})

    assert 'id="erreur-current_password-1"' in wrong.text
    assert "Le mot de passe actuel est incorrect." in text_of(wrong)
    assert 'id="erreur-confirmation-1"' in different.text
    assert "Les deux saisies du nouveau mot de passe sont différentes." in text_of(different)


def test_a_good_password_is_changed_at_once(world: World, family: PageClient) -> None:
    family.get("/mot-de-passe")

    result = family.post("/mot-de-passe", {**CHANGE, "new_password": "Garderie2027",
                                           "confirmation": "Garderie2027"})

    assert result.headers["Location"] == "/accueil?message=mot-de-passe-modifie"
    assert "Votre mot de passe a été modifié." in text_of(family.get(result.headers["Location"]))
    other = PageClient(world.app())
    assert other.login("marie.dupont", "Garderie2027").headers["Location"] == "/accueil"


def test_forgotten_password_answers_the_same_whether_the_login_exists_or_not(
    world: World, browser: PageClient
) -> None:
    browser.get("/mot-de-passe-oublie")
    known = text_of(browser.post("/mot-de-passe-oublie", {"login": "marie.dupont"}))
    unknown = text_of(browser.post("/mot-de-passe-oublie", {"login": "personne"}))

    assert known == unknown
    assert "Si cet identifiant correspond à un compte" in known
    assert len(world.notifier.sent) == 1


def test_the_link_of_the_reset_email_leads_to_a_page_that_sets_the_password(
    world: World, browser: PageClient
) -> None:
    browser.get("/mot-de-passe-oublie")
    browser.post("/mot-de-passe-oublie", {"login": "marie.dupont"})
    link = re.search(r"https?://\S+", world.notifier.sent[0].notice.body).group(0)
    assert link.startswith(f"{PORTAL_URL}/mot-de-passe/nouveau?jeton=")
    address = urlsplit(link)

    form = browser.get(f"{address.path}?{address.query}")
    assert form.status_code == 200
    refused = browser.post("/mot-de-passe/nouveau", {"jeton": address.query.removeprefix("jeton="),
                                                     "new_password": "abc", "confirmation": "abc"})
    assert refused.status_code == 422
    assert "au moins 8 caractères" in text_of(refused)
    done = browser.post("/mot-de-passe/nouveau", {"jeton": address.query.removeprefix("jeton="),
                                                  "new_password": "Rentree2027", "confirmation": "Rentree2027"})

    assert done.headers["Location"] == "/connexion?message=mot-de-passe-enregistre"
    assert "Votre nouveau mot de passe est enregistré" in text_of(browser.get(done.headers["Location"]))
    assert browser.login("marie.dupont", "Rentree2027").status_code == 303


def test_a_used_or_unknown_link_says_so_and_points_to_mot_de_passe_oublie(browser: PageClient) -> None:
    browser.get("/mot-de-passe/nouveau?jeton=inconnu")

    page = browser.post("/mot-de-passe/nouveau", {"jeton": "inconnu", "new_password": "Rentree2027",
                                                  "confirmation": "Rentree2027"})

    assert page.status_code == 400
    assert "Lien invalide" in text_of(page)
    assert 'href="/mot-de-passe-oublie"' in page.text


def test_the_reset_page_without_a_token_says_the_link_is_invalid(browser: PageClient) -> None:
    page = browser.get("/mot-de-passe/nouveau")

    assert page.status_code == 400
    assert "Lien invalide" in text_of(page)
