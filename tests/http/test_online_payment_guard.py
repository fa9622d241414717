"""One online payment at a time per invoice, payments left pending reconciled with the service, and the
agents' list of online payments: through the real routes, on the fakes, SQLite and PostgreSQL.

Two organisations (ville-a, ville-b), one family each with two issued invoices, and a payment service
(`FakePaymentGateway`) that the tests make answer. The clock says Thursday 10 December 2026, 10:00.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import attrs
import falcon.testing
import pytest
from rich.console import Console

from famille.adapters.cli import payments as payments_cli
from famille.adapters.http.app import create_app
from famille.kernel.billing.model import BillingRun, Invoice, InvoiceKind, PaymentMethod, RunStatus
from famille.kernel.billing.online import PAYMENT_WINDOW, QUIET
from famille.kernel.portal.application import Portal, build_portal
from famille.kernel.shared.time import PARIS
from famille.ports.persistence import UnitOfWorkFactory
from tests.fakes.clock import FakeClock
from tests.fakes.hashing import FakeHasher
from tests.fakes.notification import FakeNotifier
from tests.fakes.payment_gateway import FakePaymentGateway
from tests.fakes.rules import ShippedRules
from tests.support.planning_world import seed_families, seed_organisation
from tests.support.storages import KINDS, open_storage
from tests.web.conftest import PageClient, text_of

PASSWORD = "Cantine2026"
NOW = datetime(2026, 12, 10, 10, 0, tzinfo=PARIS)
PAYMENTS = "/api/v1/payments"
LIST = "/api/v1/agent/online-payments"


@attrs.define
class Shop:
    """A portal taking payments online, its client, clock and payment service."""

    uow: UnitOfWorkFactory
    portal: Portal
    client: falcon.testing.TestClient
    clock: FakeClock
    gateway: FakePaymentGateway
    families: dict[str, str]  # organisation → family id

    def token(self, login: str) -> dict[str, str]:
        result = self.client.simulate_post("/api/v1/session", json={"login": login, "password": PASSWORD})
        assert result.status_code == 201, result.text
        return {"Authorization": f"Bearer {result.json['token']}"}

    def pay(self, invoices: list[str], code: str = "ville-a") -> falcon.testing.Result:
        return self.client.simulate_post(PAYMENTS, json={"invoices": invoices}, headers=self.token(f"{code}.famille0"))

    def notify(self, payment_id: str, message: str) -> falcon.testing.Result:
        return self.client.simulate_post(f"{PAYMENTS}/{payment_id}/notification", body=message,
                                         content_type="application/x-www-form-urlencoded")

    def payments_of(self, code: str = "ville-a") -> list[tuple[Decimal, PaymentMethod]]:
        with self.uow() as uow:
            return [(p.amount, p.method) for p in uow.billing.payments_of_family(self.families[code])]


@pytest.fixture(params=KINDS)
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    for uow in open_storage(str(request.param), tmp_path):
        families = {}
        for code in ("ville-a", "ville-b"):
            seed_organisation(uow, code)
            ((family_id, _),) = seed_families(uow, code, 1)
            families[code] = family_id
            run = BillingRun(f"run-{code}", code, "2026-11", RunStatus.FINAL, NOW - timedelta(days=9), "a")
            with uow() as unit:
                unit.billing.replace_draft(run, [
                    Invoice(id=f"{code}-inv-{n}", organisation_code=code, family_id=family_id, month="2026-11",
                            kind=InvoiceKind.INVOICE, lines=(), total=Decimal(total), run_id=run.id,
                            number=f"2026-00000{n}", issued_on=date(2026, 12, n), due_on=date(2026, 12, 31))
                    for n, total in ((1, "30.00"), (2, "12.50"))])
                unit.commit()
        clock, gateway = FakeClock(NOW), FakePaymentGateway(("ville-a", "ville-b"))
        portal = build_portal(uow=uow, clock=clock, rules=ShippedRules(), hasher=FakeHasher(), notifier=FakeNotifier(),
                              portal_url="https://portail.example", secret_key=b"k" * 32, payment_gateway=gateway)
        for code in ("ville-a", "ville-b"):
            portal.authentication.set_initial_password(f"agent-{code}", PASSWORD)
            portal.authentication.set_initial_password(f"{code}-acc-0", PASSWORD)
        client = falcon.testing.TestClient(create_app(portal, login_rate="1000/minute"))
        yield Shop(uow, portal, client, clock, gateway, families)


# --- one payment at a time per invoice --------------------------------------------------------------


def test_asking_again_for_the_same_invoices_sends_the_family_back_to_the_pending_payment(shop: Shop) -> None:
    first = shop.pay(["ville-a-inv-1", "ville-a-inv-2"])
    shop.clock.advance(timedelta(minutes=3))

    again = shop.pay(["ville-a-inv-2", "ville-a-inv-1"])

    assert first.status_code == 201 and again.status_code == 200, again.text
    assert again.json["id"] == first.json["id"] and again.json["url"] == first.json["url"]
    assert again.headers["Location"] == f"{PAYMENTS}/{first.json['id']}"
    assert len(shop.gateway.orders) == 1  # no second transaction opened with the service


def test_another_payment_while_one_is_pending_is_refused_naming_its_invoices(shop: Shop) -> None:
    shop.pay(["ville-a-inv-1"])

    overlapping = shop.pay(["ville-a-inv-1", "ville-a-inv-2"])
    other = shop.pay(["ville-a-inv-2"])
    elsewhere = shop.pay(["ville-b-inv-1"], "ville-b")

    assert overlapping.status_code == other.status_code == 409
    assert overlapping.headers["Content-Type"].startswith("application/problem+json")
    assert overlapping.json["detail"] == other.json["detail"] == (
        "Un paiement en ligne (facture n° 2026-000001) est déjà en cours (ouvert le jeudi 10 décembre 2026 "
        "à 10:00) : terminez-le sur la page du service de paiement, ou réessayez après 10:20.")
    assert elsewhere.status_code == 201  # another family
    assert len(shop.gateway.orders) == 2


def test_two_requests_at_once_open_one_payment_and_both_send_the_family_to_it(shop: Shop) -> None:
    import threading

    barrier = threading.Barrier(2)
    started = shop.gateway.start

    def slow_start(order):  # type: ignore[no-untyped-def]
        barrier.wait(timeout=10)  # both requests have checked, and found nothing pending
        return started(order)

    shop.gateway.start = slow_start  # type: ignore[method-assign]
    headers = shop.token("ville-a.famille0")
    answers: list[falcon.testing.Result] = []

    def pay() -> None:
        answers.append(shop.client.simulate_post(PAYMENTS, json={"invoices": ["ville-a-inv-1"]}, headers=headers))

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].json["id"] == answers[1].json["id"]
    with shop.uow() as uow:
        assert len(uow.billing.online_payments(family_id=shop.families["ville-a"])) == 1


def test_after_the_window_the_service_is_asked_and_an_unpaid_transaction_gives_way(shop: Shop) -> None:
    stale = shop.pay(["ville-a-inv-1"]).json
    shop.clock.advance(PAYMENT_WINDOW)

    fresh = shop.pay(["ville-a-inv-1", "ville-a-inv-2"])

    assert fresh.status_code == 201, fresh.text
    with shop.uow() as uow:
        closed = uow.billing.online_payment(stale["id"])
    assert closed is not None and closed.status.value == "echouee" and closed.detail.startswith("expiré")


def test_after_the_window_a_transaction_the_service_says_paid_is_recorded_and_not_paid_twice(shop: Shop) -> None:
    stale = shop.pay(["ville-a-inv-1"]).json
    shop.gateway.answers["tr-1"] = shop.gateway.message_for("tr-1")
    shop.clock.advance(PAYMENT_WINDOW + timedelta(minutes=1))

    again = shop.pay(["ville-a-inv-1"])

    assert again.status_code == 422
    assert again.json["errors"][0]["message"] == "La facture n° 2026-000001 est déjà réglée."
    assert shop.payments_of() == [(Decimal("30.00"), PaymentMethod.ONLINE)]
    assert shop.notify(stale["id"], shop.gateway.message_for("tr-1")).json["status"] == "payee"
    assert len(shop.payments_of()) == 1


# --- reconciling the payments left pending -----------------------------------------------------------


def reconcile(shop: Shop, organisation: str | None = None) -> tuple[int, str]:
    out = io.StringIO()
    args = argparse.Namespace(organisation=organisation, every=None)
    code = payments_cli.run(args, shop.portal, console=Console(file=out, width=300))
    return code, out.getvalue()


def test_reconcile_records_what_the_service_says_once_whatever_arrives_after(shop: Shop) -> None:
    paid = shop.pay(["ville-a-inv-1"]).json
    refused = shop.pay(["ville-b-inv-1"], "ville-b").json
    shop.gateway.answers["tr-1"] = shop.gateway.message_for("tr-1")
    shop.gateway.answers["tr-2"] = shop.gateway.message_for("tr-2", "failed")
    assert reconcile(shop)[1].startswith("0 paiement(s) en attente relancé(s)")  # too young: notifications due
    shop.clock.advance(QUIET)

    code, out = reconcile(shop)

    assert code == 0
    assert "2 paiement(s) en attente relancé(s) : 1 payé(s), 1 échoué(s), 0 expiré(s), 0 encore en attente" in out
    assert shop.payments_of() == [(Decimal("30.00"), PaymentMethod.ONLINE)] and shop.payments_of("ville-b") == []
    assert shop.notify(paid["id"], shop.gateway.message_for("tr-1")).json["status"] == "payee"
    assert shop.notify(refused["id"], shop.gateway.message_for("tr-2")).json["status"] == "echouee"
    assert len(shop.payments_of()) == 1 and shop.payments_of("ville-b") == []
    waiting = shop.pay(["ville-b-inv-2"], "ville-b").json  # the service says nothing of it yet
    shop.clock.advance(QUIET)
    assert "1 paiement(s) en attente relancé(s) : 0 payé(s), 0 échoué(s), 0 expiré(s), 1 encore en attente" in \
        reconcile(shop)[1]
    shop.clock.advance(PAYMENT_WINDOW)
    assert "1 expiré(s)" in reconcile(shop, "ville-b")[1]
    with shop.uow() as uow:
        stored = uow.billing.online_payment(waiting["id"])
    assert stored is not None and stored.status.value == "echouee"


def test_a_payment_expired_by_the_portal_then_paid_is_still_recorded(shop: Shop) -> None:
    opened = shop.pay(["ville-a-inv-2"]).json
    shop.gateway.askable = False  # a service that cannot be asked (eopayment's dummy)
    shop.clock.advance(PAYMENT_WINDOW)
    assert "1 expiré(s)" in reconcile(shop)[1]

    late = shop.notify(opened["id"], shop.gateway.message_for("tr-1"))

    assert late.json["status"] == "payee"
    assert shop.payments_of() == [(Decimal("12.50"), PaymentMethod.ONLINE)]


def test_a_service_that_does_not_answer_leaves_the_payment_pending(shop: Shop) -> None:
    opened = shop.pay(["ville-a-inv-1"]).json
    shop.gateway.down = True
    shop.clock.advance(PAYMENT_WINDOW)

    code, out = reconcile(shop)

    assert code == 1 and "1 sans réponse du service" in out
    with shop.uow() as uow:
        stored = uow.billing.online_payment(opened["id"])
    assert stored is not None and stored.status.value == "en_attente"
    assert reconcile(shop, "inconnue") == (1, "Refusé : Organisation « inconnue » introuvable.\n")


# --- the agents' list -------------------------------------------------------------------------------


def test_each_agent_lists_only_its_organisations_online_payments(shop: Shop) -> None:
    a = shop.pay(["ville-a-inv-1"]).json
    shop.notify(a["id"], shop.gateway.message_for("tr-1"))
    shop.clock.advance(timedelta(minutes=1))
    pending = shop.pay(["ville-a-inv-2"]).json
    shop.pay(["ville-b-inv-1"], "ville-b")

    every = shop.client.simulate_get(LIST, headers=shop.token("agent.ville-a"))
    waiting = shop.client.simulate_get(LIST, params={"status": "en_attente"}, headers=shop.token("agent.ville-a"))
    other = shop.client.simulate_get(LIST, headers=shop.token("agent.ville-b"))
    family = shop.client.simulate_get(LIST, headers=shop.token("ville-a.famille0"))
    bad = shop.client.simulate_get(LIST, params={"status": "perdu"}, headers=shop.token("agent.ville-a"))
    blank = shop.client.simulate_get(LIST, query_string="status=", headers=shop.token("agent.ville-a"))

    assert every.status_code == 200
    assert [(p["id"], p["status"]) for p in every.json["payments"]] == [(pending["id"], "en_attente"),
                                                                        (a["id"], "payee")]
    assert every.json["payments"][1]["family"] == {"id": shop.families["ville-a"], "number": "ville-a-0",
                                                   "name": "Prénom0 NOM0"}
    assert [p["id"] for p in waiting.json["payments"]] == [pending["id"]]
    assert [p["family"]["id"] for p in other.json["payments"]] == [shop.families["ville-b"]]
    assert family.status_code == 403
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "status"
    assert blank.status_code == 422 and blank.json["errors"][0]["field"] == "status"  # the document's enum


def test_the_agents_page_shows_each_payment_and_its_state_to_its_organisation_only(shop: Shop) -> None:
    a = shop.pay(["ville-a-inv-1"]).json
    shop.notify(a["id"], shop.gateway.message_for("tr-1"))
    agent, other, family = PageClient(shop.client.app), PageClient(shop.client.app), PageClient(shop.client.app)
    agent.login("agent.ville-a", PASSWORD)
    other.login("agent.ville-b", PASSWORD)
    family.login("ville-a.famille0", PASSWORD)

    page = agent.get("/agent/paiements-en-ligne")
    paid_only = agent.get("/agent/paiements-en-ligne?etat=payee")
    pending_only = agent.get("/agent/paiements-en-ligne?etat=en_attente")

    assert page.status_code == 200
    text = text_of(page)
    assert f"ville-a-0 Prénom0 NOM0 {a['reference']} 30,00\u00a0€ Payé 10/12/2026 10:00" in text
    assert a["reference"] in text_of(paid_only) and a["reference"] not in text_of(pending_only)
    assert "Aucun paiement en ligne" in text_of(other.get("/agent/paiements-en-ligne"))
    assert family.get("/agent/paiements-en-ligne").status_code == 403
    assert agent.get("/agent/paiements-en-ligne?etat=perdu").status_code == 422
