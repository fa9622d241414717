"""« Accueil » as the guide shows it: responsable, welcome, solde, unpaid invoices, children."""

from __future__ import annotations

import attrs

from tests.http.conftest import World
from tests.web.conftest import PageClient, text_of


def test_the_home_page_shows_the_responsable_as_the_guide(family: PageClient) -> None:
    text = text_of(family.get("/accueil"))

    assert "Responsable Civilité Madame N° famille A-0001 Nom DUPONT Prénom Marie" in text
    assert "Changer mot de passe" in text


def test_the_home_page_welcomes_with_the_count_of_new_messages_and_the_date_in_french(
    family: PageClient,
) -> None:
    text = text_of(family.get("/accueil"))

    assert "Bienvenue Marie DUPONT, vous avez 2 nouveaux messages" in text
    assert "Samedi 28 novembre 2026" in text


def test_the_home_page_shows_the_balance_at_today_and_an_empty_unpaid_invoices_table(
    family: PageClient,
) -> None:
    text = text_of(family.get("/accueil"))

    assert "À la date du samedi 28 novembre 2026, votre compte présente un solde de 0,00\u00a0€" in text
    assert "N° facture Date facture Date d'échéance Montant" in text
    assert "Aucune facture impayée à ce jour. Total 0,00\u00a0€" in text


def test_the_home_page_lists_the_children_with_a_link_to_each(family: PageClient) -> None:
    page = family.get("/accueil")
    text = text_of(page)

    assert "Léa DUPONT Sexe F Date de naissance 28/02/2017" in text
    assert "Hugo DUPONT Sexe M Date de naissance 01/09/2019" in text
    assert 'href="/enfants/enf-a1"' in page.text and 'href="/enfants/enf-a2"' in page.text
    assert "Zoé" not in text


def test_the_menu_is_the_guides_and_marks_the_current_page(family: PageClient) -> None:
    page = family.get("/accueil")
    menu = page.text[page.text.index('aria-label="Menu principal"'):page.text.index("</nav>")]

    labels = [label for label in ("Accueil", "Mon compte", "Mes enfants", "Relevé de compte",
                                  "Boîte de réception", "Liste des demandes", "Déconnexion") if label in menu]
    assert len(labels) == 7
    assert 'href="/accueil" aria-current="page">Accueil<' in menu


def test_a_name_with_markup_is_shown_as_text(world: World, browser: PageClient) -> None:
    family = world.uow.store.families["fam-a"]
    hostile = attrs.evolve(family.responsable, nom='<script>alert("x")</script>', prenom="<b>Marie</b>")
    world.uow.store.families["fam-a"] = attrs.evolve(family, responsable=hostile)
    browser.login("marie.dupont")

    page = browser.get("/accueil")

    assert "<script>alert" not in page.text and "<b>Marie</b>" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert "&lt;b&gt;Marie&lt;/b&gt;" in page.text


def test_an_agent_sees_its_organisation_and_no_family(agent: PageClient) -> None:
    page = agent.get("/accueil")
    text = text_of(page)

    assert "Bienvenue Agnès ROUX, vous avez 0 nouveau message" in text
    assert "Commune de Villeneuve" in text
    assert "Demandes à traiter" in text and 'href="/agent/demandes"' in page.text
    assert "Responsable" not in text and "Mes enfants" not in text


def test_the_home_page_shows_the_photo_an_agent_accepted(world: World, family: PageClient) -> None:
    from famille.kernel.families.records import ChildSections, Photo

    photo = Photo("photo-lea", "enf-a1", "image/png", b"\x89PNG\r\n\x1a\n", world.clock.now())
    with world.uow() as uow:
        uow.records.add_photo(photo)
        uow.records.save_child_sections("enf-a1", ChildSections(photo_id=photo.id))
        uow.commit()

    page = family.get("/accueil").text

    assert '<img class="enfant__avatar enfant__photo" src="/enfants/enf-a1/photo"' in page
    assert 'src="/enfants/enf-a2/photo"' not in page
    assert family.client.simulate_get("/enfants/enf-a1/photo", cookies=family.cookies).content == photo.data
