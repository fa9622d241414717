"""Paying online end to end: the portal served by gunicorn on SQLite and PostgreSQL, eopayment's real
PayFIP and dummy backends, and a local server playing the payment service (tests/support/payment_service.py).

Real HTTP all the way: the portal calls the service's SOAP API, the service POSTs its notification
to the portal, the family's browser (this test) goes to the payment page and back.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest

from famille.adapters.hashing import Argon2Hasher
from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import Account, Role
from famille.kernel.billing.model import BillingRun, Invoice, InvoiceKind, RunStatus
from famille.kernel.families.model import Adult, Family
from famille.kernel.shared.organisations import Organisation, OrganisationKind
from famille.kernel.shared.time import PARIS
from tests.integration.databases import fresh_database, postgres_server_url
from tests.support.payment_service import PaymentService, running_payment_service
from tests.support.server import call, free_port, running_portal

pytestmark = pytest.mark.slow
PASSWORD = "Cantine2026"
INVOICES = {  # id: (family, organisation, number, total, issued on)
    "inv-a1": ("fam-a", "villeneuve", "2026-000001", "30.00", date(2026, 11, 2)),
    "inv-a2": ("fam-a", "villeneuve", "2026-000002", "12.50", date(2026, 12, 2)),
    "inv-b1": ("fam-b", "rpi", "2026-000001", "20.00", date(2026, 12, 2)),
}


def _seed(url: str) -> None:
    engine = make_engine(url)
    hasher = Argon2Hasher(time_cost=1, memory_cost=8192)
    try:
        uow = SqlUnitOfWorkFactory(engine)
        with uow() as work:
            for code, name, family, number, login in (("villeneuve", "Commune de Villeneuve", "fam-a", "A-1",
                                                       "marie.dupont"),
                                                      ("rpi", "RPI des Deux Rives", "fam-b", "B-1", "paul.martin")):
                work.organisations.add(Organisation(code, name, OrganisationKind.COMMUNE))
                work.families.add(Family(family, code, number, Adult(login.split(".")[1].upper(), "X",
                                                                     email=f"{login}@example.fr")))
                work.accounts.add(Account(f"acc-{family}", login, Role.FAMILY, code, login,
                                          password_hash=hasher.hash(PASSWORD), family_id=family,
                                          email=f"{login}@example.fr"))
                run = BillingRun(f"run-{code}", code, "2026-11", RunStatus.FINAL,
                                 datetime(2026, 12, 2, 9, 0, tzinfo=PARIS), "agent")
                work.billing.replace_draft(run, [
                    Invoice(id=i, organisation_code=org, family_id=fam, month="2026-11", kind=InvoiceKind.INVOICE,
                            lines=(), total=Decimal(total), run_id=run.id, number=num, issued_on=issued,
                            due_on=issued)
                    for i, (fam, org, num, total, issued) in INVOICES.items() if org == code])
            work.commit()
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, PaymentService]]:
    """The portal (gunicorn, 2 workers) and the payment service, each calling the other."""
    if request.param == "postgresql" and postgres_server_url() is None:
        pytest.skip("PostgreSQL tests need FAMILLE_TEST_POSTGRES_URL")
    with fresh_database(request.param, tmp_path) as url, running_payment_service() as service:
        _seed(url)
        payments = tmp_path / "paiements.yaml"
        payments.write_text(
            "villeneuve:\n  backend: payfip_ws\n  numcli: '123456'\n  saisie: T\n"
            f"  soap_url: {service.base}/tpa/services/securite\n  payment_url: {service.base}/tpa/paiementws.web\n"
            f"rpi:\n  backend: dummy\n  service_url: {service.base}/dummy/\n", encoding="utf-8")
        port = free_port()
        env = {"FAMILLE_DATABASE_URL": url, "FAMILLE_PORTAL_URL": f"http://127.0.0.1:{port}",
               "FAMILLE_PAYMENTS_FILE": str(payments), "FAMILLE_CLOCK": "2026-12-10T10:00:00+01:00",
               "FAMILLE_SECRET_KEY": "k" * 64, "FAMILLE_LOGIN_RATE": "1000/minute"}
        with running_portal(env, workers=2, port=port) as base:
            yield base, service


def _login(base: str, login: str) -> str:
    status, _, body = call("POST", f"{base}/api/v1/session", {"login": login, "password": PASSWORD})
    assert status == 201, body
    return str(body["token"])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _post_form(url: str, fields: dict[str, str]) -> str:
    """POST a form as a browser would; where the portal sends it next (the 303's Location)."""
    request = urllib.request.Request(url, data=urlencode(fields).encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    return _location(request)


def _get_location(url: str) -> str:
    return _location(urllib.request.Request(url))


def _location(request: urllib.request.Request) -> str:
    try:
        urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        assert answer.code == 303, answer.read()
        return str(answer.headers["Location"])
    raise AssertionError("pas de redirection")


def _pay_on_the_service_page(url: str) -> str:
    """The family pays on the service's page: the service notifies the portal; the page's way back."""
    status, _, page = call("GET", f"{url}&choix=payer")
    assert status == 200, page
    return str(page)


def test_a_family_pays_an_invoice_on_payfip_once_whatever_the_service_repeats(
    served: tuple[str, PaymentService],
) -> None:
    base, service = served
    token = _login(base, "marie.dupont")

    status, _, opened = call("POST", f"{base}/api/v1/payments", {"invoices": ["inv-a2"]}, token=token)

    assert status == 201, opened
    assert opened["url"].startswith(f"{service.base}/tpa/paiementws.web?idop=")
    idop = opened["url"].rsplit("=", 1)[1]
    asked = service.transactions[idop]
    assert (asked["montant"], asked["refdet"], asked["numcli"], asked["exer"]) == ("1250", opened["reference"],
                                                                                    "123456", "2026")
    assert asked["urlnotif"] == f"{base}/api/v1/payments/{opened['id']}/notification"

    page = _pay_on_the_service_page(opened["url"])

    assert service.notified == [(idop, 200)]  # the server-to-server notification was accepted
    assert f'action="{base}/api/v1/payments/{opened["id"]}/return"' in page
    # The browser posts the page's form back to the portal, which reads it and shows the payment's page.
    assert _post_form(asked["urlredirect"], {"idOp": idop}) == f"/paiements/{opened['id']}"
    assert service.notify(idop) == 200  # PayFIP repeats itself: still one payment
    status, _, payment = call("GET", f"{base}/api/v1/payments/{opened['id']}", token=token)
    assert payment["status"] == "payee"
    status, _, me = call("GET", f"{base}/api/v1/me", token=token)
    assert me["balance"] == "30.00"
    assert [i["number"] for i in me["unpaid_invoices"]] == ["2026-000001"]
    status, _, statement = call("GET", f"{base}/api/v1/statement?from=2026-11-01&to=2026-12-31", token=token)
    paid = [e for e in statement["entries"] if e["label"] == "Paiement en ligne"]
    assert [(e["credit"], e["date"], e["reference"]) for e in paid] == [("12.50", "2026-12-10", opened["reference"])]


def test_a_notification_whose_amount_does_not_match_is_refused_and_records_nothing(
    served: tuple[str, PaymentService],
) -> None:
    base, service = served
    token = _login(base, "marie.dupont")
    _, _, opened = call("POST", f"{base}/api/v1/payments", {"invoices": ["inv-a1", "inv-a2"]}, token=token)
    idop = opened["url"].rsplit("=", 1)[1]
    service.tamper(idop, montant="100")  # what PayFIP says it took: 1.00 € instead of 42.50 €

    _pay_on_the_service_page(opened["url"])

    assert service.notified == [(idop, 400)]
    _, _, payment = call("GET", f"{base}/api/v1/payments/{opened['id']}", token=token)
    assert payment["status"] == "en_attente"
    _, _, me = call("GET", f"{base}/api/v1/me", token=token)
    assert me["balance"] == "42.50"


def test_another_organisation_pays_through_the_dummy_backend_and_nobody_pays_for_others(
    served: tuple[str, PaymentService],
) -> None:
    base, service = served
    other = _login(base, "paul.martin")
    for invoices in (["inv-a1"], ["inv-b1", "inv-a2"]):
        status, _, refused = call("POST", f"{base}/api/v1/payments", {"invoices": invoices}, token=other)
        assert status == 404 and refused["detail"] == "Facture introuvable."

    status, _, opened = call("POST", f"{base}/api/v1/payments", {"invoices": ["inv-b1"]}, token=other)
    assert status == 201 and opened["url"].startswith(f"{service.base}/dummy/?")
    page = _pay_on_the_service_page(opened["url"])
    (transaction,) = service.transactions
    assert service.notified == [(transaction, 200)]
    back = page.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert back.startswith(f"{base}/api/v1/payments/{opened['id']}/return?")
    assert _get_location(back) == f"/paiements/{opened['id']}"
    _, _, me = call("GET", f"{base}/api/v1/me", token=other)
    assert me["balance"] == "0.00"
    mine = _login(base, "marie.dupont")
    assert call("GET", f"{base}/api/v1/payments/{opened['id']}", token=mine)[0] == 404
