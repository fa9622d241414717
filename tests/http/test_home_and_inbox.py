"""The home page and the inbox show the caller's own data, never another family's."""

from __future__ import annotations

from collections.abc import Callable

import falcon.testing

from tests.http.conftest import bearer


def test_a_family_home_page_shows_its_responsable_and_children(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    result = client.simulate_get("/api/v1/me", headers=bearer(token_of("marie.dupont")))

    assert result.status_code == 200
    page = result.json
    assert page["today"] == "2026-11-28"
    assert page["greeting"] == "Bienvenue Marie DUPONT, vous avez 2 nouveaux messages"
    assert page["role"] == "family"
    assert page["organisation"] == {"code": "ville-a", "name": "Commune de Villeneuve"}
    assert page["responsable"] == {"civilite": "Madame", "nom": "DUPONT", "prenom": "Marie"}
    assert page["family_number"] == "A-0001"
    assert [c["prenom"] for c in page["children"]] == ["Léa", "Hugo"]
    assert page["children"][0] == {"id": "enf-a1", "nom": "DUPONT", "prenom": "Léa", "sexe": "F",
                                   "date_naissance": "2017-02-28", "photo_url": None}
    assert page["balance"] == "0.00"
    assert page["unpaid_invoices"] == []
    assert page["unpaid_total"] == "0.00"


def test_a_family_home_page_never_shows_another_familys_children(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    a = client.simulate_get("/api/v1/me", headers=bearer(token_of("marie.dupont"))).json
    b = client.simulate_get("/api/v1/me", headers=bearer(token_of("paul.martin"))).json

    assert {c["id"] for c in a["children"]} == {"enf-a1", "enf-a2"}
    assert {c["id"] for c in b["children"]} == {"enf-b1"}
    assert b["greeting"] == "Bienvenue Paul MARTIN, vous avez 1 nouveau message"


def test_an_agent_home_page_has_no_family(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    page = client.simulate_get("/api/v1/me", headers=bearer(token_of("agent.villeneuve"))).json

    assert page["role"] == "agent"
    assert page["greeting"] == "Bienvenue Agnès ROUX, vous avez 0 nouveau message"
    assert page["organisation"]["code"] == "ville-a"
    assert page["responsable"] is None
    assert page["family_number"] is None
    assert page["children"] == []


def test_the_inbox_lists_only_the_callers_messages_newest_first(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    a = client.simulate_get("/api/v1/inbox", headers=bearer(token_of("marie.dupont"))).json
    b = client.simulate_get("/api/v1/inbox", headers=bearer(token_of("paul.martin"))).json

    assert [m["id"] for m in a["messages"]] == ["msg-a2", "msg-a1"]
    assert [m["id"] for m in b["messages"]] == ["msg-b1"]
    assert a["unread"] == 2
    assert a["messages"][0]["created_at"] == "2026-11-25T09:00:00+01:00"


def test_marking_a_message_read_updates_the_inbox_and_the_home_page(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    headers = bearer(token_of("marie.dupont"))

    result = client.simulate_post("/api/v1/inbox/msg-a1/read", headers=headers)

    assert result.status_code == 204
    inbox = client.simulate_get("/api/v1/inbox", headers=headers).json
    read = next(m for m in inbox["messages"] if m["id"] == "msg-a1")
    assert read["unread"] is False
    assert read["read_at"] == "2026-11-28T10:00:00+01:00"
    assert client.simulate_get("/api/v1/me", headers=headers).json["new_messages"] == 1


def test_marking_another_familys_message_is_a_404_that_changes_nothing(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    intruder = bearer(token_of("paul.martin"))

    result = client.simulate_post("/api/v1/inbox/msg-a1/read", headers=intruder)
    missing = client.simulate_post("/api/v1/inbox/msg-inexistant/read", headers=intruder)

    assert result.status_code == missing.status_code == 404
    assert result.json == missing.json
    assert result.json["detail"] == "Message introuvable."
    owner = client.simulate_get("/api/v1/inbox", headers=bearer(token_of("marie.dupont"))).json
    assert owner["unread"] == 2


def test_an_agent_does_not_see_family_messages(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    agent = bearer(token_of("agent.villeneuve"))

    assert client.simulate_get("/api/v1/inbox", headers=agent).json["messages"] == []
    assert client.simulate_post("/api/v1/inbox/msg-a1/read", headers=agent).status_code == 404
