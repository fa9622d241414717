"""Every route reads its body the same way: one converter, one behaviour for unknown keys and strict types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import falcon.testing
import pytest

from tests.http.conftest import bearer

#: (who, method, route, a body with a number where a boolean is wanted, that boolean field),
#: one per reader the API had: records, planning, billing.
STRICT_BOOLS = [
    ("marie.dupont", "PUT", "/api/v1/children/enf-a1/complementaires", {"lunettes": 1}, "lunettes"),
    ("agent.villeneuve", "POST", "/api/v1/agent/requests/x/decision", {"accept": 1}, "accept"),
    ("agent.villeneuve", "POST", "/api/v1/agent/bookings/x/decision", {"accept": 1}, "accept"),
    ("agent.villeneuve", "POST", "/api/v1/agent/billing/runs", {"month": "2026-12", "final": 1}, "final"),
]


def _call(client: falcon.testing.TestClient, token_of: Callable[[str], str], who: str, method: str,
          route: str, body: dict[str, Any]) -> falcon.testing.Result:
    return client.simulate_request(method, route, headers=bearer(token_of(who)), json=body)


@pytest.mark.parametrize(("who", "method", "route", "body", "field"), STRICT_BOOLS)
def test_a_number_for_a_boolean_and_an_unknown_key_are_both_named_the_same_way_on_every_route(
    client: falcon.testing.TestClient, token_of: Callable[[str], str],
    who: str, method: str, route: str, body: dict[str, Any], field: str,
) -> None:
    result = _call(client, token_of, who, method, route, {**body, "is_admin": True})

    assert result.status_code == 422, result.text
    assert result.headers["Content-Type"] == "application/problem+json"
    assert {(e["field"], e["message"]) for e in result.json["errors"]} == {
        ("is_admin", "Champ « is_admin » : inconnu."),
        (field, f"Champ « {field} » : doit valoir true ou false."),
    }


def test_an_unknown_key_inside_a_list_is_named_with_its_path(
    client: falcon.testing.TestClient, token_of: Callable[[str], str]
) -> None:
    result = _call(client, token_of, "marie.dupont", "POST", "/api/v1/children/enf-a1/bookings",
                   {"cells": [{"service": "RESTAURATION", "date": "2026-12-07", "prix": 0}]})

    assert result.status_code == 422, result.text
    assert result.json["errors"] == [
        {"field": "cells[0].prix", "message": "Champ « cells[0].prix » : inconnu.", "rule_id": None}]
