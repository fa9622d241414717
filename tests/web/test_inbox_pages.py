"""« Boîte de réception »: reading a message is a form; looking never changes anything."""

from __future__ import annotations

from tests.http.conftest import World
from tests.web.conftest import PageClient, text_of


def test_the_inbox_lists_the_messages_newest_first_with_the_new_ones_marked(family: PageClient) -> None:
    text = text_of(family.get("/messages"))

    assert "2 nouveaux messages" in text
    assert text.index("Fermeture de la garderie") < text.index("Menus de décembre")
    assert text.count("Nouveau") >= 2
    assert "Facture de novembre" not in text  # another family's


def test_reading_a_message_marks_it_read_and_the_count_drops(world: World, family: PageClient) -> None:
    family.get("/messages")

    result = family.post("/messages/msg-a1/lu")

    assert result.status_code == 303
    assert result.headers["Location"] == "/messages/msg-a1"
    message = text_of(family.get("/messages/msg-a1"))
    assert "Menus de décembre" in message and "Texte de « Menus de décembre »." in message
    assert world.uow.store.inbox["msg-a1"].read_at is not None
    assert "vous avez 1 nouveau message" in text_of(family.get("/accueil"))


def test_opening_a_message_by_its_address_does_not_mark_it_read(world: World, family: PageClient) -> None:
    page = family.get("/messages/msg-a2")

    assert page.status_code == 200
    assert "Marquer comme lu" in text_of(page)
    assert world.uow.store.inbox["msg-a2"].read_at is None


def test_another_accounts_message_is_not_found(world: World, family: PageClient) -> None:
    family.get("/messages")

    assert family.get("/messages/msg-b1").status_code == 404
    assert family.post("/messages/msg-b1/lu").status_code == 404
    assert world.uow.store.inbox["msg-b1"].read_at is None


def test_no_page_changes_anything_when_looked_at(world: World, family: PageClient) -> None:
    import copy

    import attrs

    paths = ["/", "/connexion", "/accueil", "/messages", "/messages/msg-a1", "/messages/msg-a2",
             "/mot-de-passe", "/mot-de-passe-oublie", "/mot-de-passe/nouveau?jeton=x", "/mon-compte",
             "/enfants", "/enfants/enf-a1", "/releve-de-compte", "/demandes", "/deconnexion"]
    before = copy.deepcopy(attrs.asdict(world.uow.store, recurse=False))

    for path in paths:
        family.get(path)

    assert attrs.asdict(world.uow.store, recurse=False) == before
    assert world.notifier.sent == []
