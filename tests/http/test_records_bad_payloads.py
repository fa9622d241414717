"""Whatever JSON a client sends to a form, the answer is a request (202) or a French problem, never a 500."""

from __future__ import annotations

import json
from typing import Any

import attrs
import falcon.testing
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from famille.adapters.http.families.payloads import (
    AdultBody,
    AllergyBody,
    AuthorisationBody,
    BancairesBody,
    CafBody,
    ChildIdentityBody,
    ComplementairesBody,
    DecisionBody,
    FiscalesBody,
    PratiqueBody,
)
from tests.http.conftest import World, bearer, login

CHILD = "/api/v1/children/enf-a1"
ROUTES: list[tuple[str, str, type]] = [
    ("POST", "/api/v1/account/responsable", AdultBody),
    ("POST", "/api/v1/account/conjoint", AdultBody),
    ("POST", "/api/v1/account/fiscales", FiscalesBody),
    ("POST", "/api/v1/account/caf", CafBody),
    ("POST", "/api/v1/account/bancaires", BancairesBody),
    ("POST", "/api/v1/children", ChildIdentityBody),
    ("PUT", f"{CHILD}/identity", ChildIdentityBody),
    ("PUT", f"{CHILD}/complementaires", ComplementairesBody),
    ("PUT", f"{CHILD}/pratique-alimentaire", PratiqueBody),
    ("POST", f"{CHILD}/authorisations", AuthorisationBody),
    ("POST", f"{CHILD}/allergies", AllergyBody),
]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
    st.sampled_from(["", " ", "0612345678", "+33612345678", "06 12", "FR7630006000011234567890189",
                     "FR7630006000011234567890188", "x@example.fr", "pas-un-courriel", "2020-02-30", "2020-02-29",
                     "12.50", "NaN", "1e999", "-3", "PAI", "Sans Gluten", "Père", "Asthme", "F", "Madame",
                     "a" * 1001, "\x00", "\ud800"]),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)


def _bodies(body_type: type) -> st.SearchStrategy[Any]:
    fields = [f.name for f in body_type.__attrs_attrs__]
    keys = st.one_of(st.sampled_from(fields), st.text(max_size=12))
    return st.one_of(st.dictionaries(keys, json_values, max_size=6), json_values)


class _Api:
    """One world and logged-in family and agent, shared by the examples of one test.

    Bodies go as JSON text (ASCII-escaped, as any client may send a lone surrogate).
    """

    def __init__(self) -> None:
        self.world = World()
        self.client = falcon.testing.TestClient(self.world.app())
        json_type = {"Content-Type": "application/json"}
        self.family = {**json_type, **bearer(login(self.client, "marie.dupont").json["token"])}
        self.agent = {**json_type, **bearer(login(self.client, "agent.villeneuve").json["token"])}


def _records(world: World) -> dict[str, Any]:
    """Everything stored but the requests (and the photos an upload keeps)."""
    store = world.uow.store
    return {f.name: dict(getattr(store, f.name)) for f in attrs.fields(type(store))
            if f.name not in ("requests", "photos")}


def _check(result: falcon.testing.Result) -> None:
    assert result.status_code != 500, result.text
    if result.status_code >= 400:
        assert result.status_code in (400, 404, 409, 413, 415, 422), result.text
        assert result.headers["Content-Type"] == "application/problem+json"
        if result.status_code == 422:
            assert result.json["errors"]
            assert all(error["field"] and error["message"] for error in result.json["errors"])


@pytest.mark.parametrize(("method", "path", "body_type"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_a_form_answers_a_request_or_a_problem_naming_the_field_and_changes_nothing_else(
    method: str, path: str, body_type: type
) -> None:
    api = _Api()

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(body=_bodies(body_type))
    @example(body={"mobile": "123"})
    @example(body={"iban": "FR76 3000 6000 0112 3456 7890 188"})
    @example(body={"quotient_familial": "650"})
    @example(body={"lunettes": "oui"})
    @example(body={"nom": ["DUPONT"]})
    @example(body={"inconnu": 1})
    def run(body: Any) -> None:
        records = _records(api.world)
        before = len(api.world.uow.store.requests)
        result = api.client.simulate_request(method, path, body=json.dumps(body), headers=api.family)
        _check(result)
        created = len(api.world.uow.store.requests) - before
        assert created == (1 if result.status_code == 202 else 0)
        if result.status_code == 422:
            fields = {error["field"] for error in result.json["errors"]}
            assert fields, result.text
        # a request never changes a record by itself
        assert _records(api.world) == records

    run()


def test_a_decision_body_of_any_shape_is_a_decision_or_a_problem() -> None:
    api = _Api()
    asked = api.client.simulate_post("/api/v1/account/caf", headers=api.family, json={"quotient_familial": 500})
    request_id = asked.json["id"]

    @settings(max_examples=60, deadline=None)
    @given(body=_bodies(DecisionBody))
    @example(body={"accept": "true"})
    @example(body={"accept": 1})
    @example(body={"accept": False})
    @example(body={"accept": False, "reason": "x" * 2001})
    def run(body: Any) -> None:
        result = api.client.simulate_post(f"/api/v1/agent/requests/{request_id}/decision",
                                          body=json.dumps(body), headers=api.agent)
        _check(result)

    run()


def test_invalid_phone_email_and_iban_are_named_and_valid_ones_normalised(world: World) -> None:
    client = falcon.testing.TestClient(world.app())
    family = bearer(login(client, "marie.dupont").json["token"])

    wrong = client.simulate_post("/api/v1/account/responsable", headers=family,
                                 json={"mobile": "06 12", "email": "marie@", "telephone_domicile": "0476000000"})
    bank = client.simulate_post("/api/v1/account/bancaires", headers=family,
                                json={"iban": "FR76 3000 6000 0112 3456 7890 188"})
    good = client.simulate_post("/api/v1/account/bancaires", headers=family,
                                json={"iban": "fr76 3000 6000 0112 3456 7890 189", "prelevement": True})

    assert wrong.status_code == 422
    assert {e["field"] for e in wrong.json["errors"]} == {"mobile", "email"}
    assert bank.status_code == 422
    assert bank.json["errors"][0]["field"] == "iban"
    assert good.status_code == 202
    assert good.json["changes"]["iban"] == "FR7630006000011234567890189"
    assert good.json["changes"]["bic"]  # derived from the French bank code
