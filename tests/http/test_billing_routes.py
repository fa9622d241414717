"""Billing over HTTP on fakes: a December for the family of Villeneuve, and nothing across families."""

from __future__ import annotations

from datetime import date, datetime

import falcon.testing
import pytest

from famille.adapters.http.app import create_app
from famille.kernel.billing.days import AbsenceTiming, AttendanceMark, ServiceDay
from famille.kernel.portal.application import build_portal
from famille.kernel.shared.time import PARIS
from tests.fakes.billing import FakeServiceDays
from tests.fakes.jobs import QueuedJobs
from tests.fakes.rules import ShippedRules
from tests.http.conftest import HASHER, PORTAL_URL, World, bearer, login


def _day(n: int, service: str = "RESTAURATION", child: str = "enf-a1", family: str = "fam-a", org: str = "ville-a",
         **more: object) -> ServiceDay:
    facts: dict[str, object] = {"booked": True, "attendance": AttendanceMark.PRESENT, **more}
    return ServiceDay(child_id=child, child_name="Léa DUPONT", child_born=date(2017, 2, 28), family_ids=(family,),
                      organisation_code=org, service_code=service, day=date(2026, 12, n), **facts)  # type: ignore[arg-type]


def december() -> list[ServiceDay]:
    """Booked every school day of December; cancelled the 8th in time and the 10th late (AUTRES);
    the evening garderie check-out missing on the 14th. The other family, in rpi-b, ate twice."""
    days = [_day(n) for n in (1, 3, 4, 7, 11, 14, 15, 17, 18)]
    days += [_day(8, attendance=AttendanceMark.NONE, absence=AbsenceTiming.IN_TIME, reason="AUTRES"),
             _day(10, attendance=AttendanceMark.NONE, absence=AbsenceTiming.LATE, reason="AUTRES",
                  deadline=datetime(2026, 12, 4, 23, 59, tzinfo=PARIS))]
    days += [_day(n, "GARDERIE SOIR") for n in (1, 3)]
    days += [_day(14, "GARDERIE SOIR", attendance=AttendanceMark.MISSING)]
    days += [_day(n, child="enf-b1", family="fam-b", org="rpi-b") for n in (1, 3)]
    return days


class BillingWorld(World):
    def __init__(self) -> None:
        super().__init__()
        self.source = FakeServiceDays(december())
        self.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=PARIS))
        self.portal = build_portal(uow=self.uow, clock=self.clock, rules=ShippedRules(), hasher=HASHER,
                                   notifier=self.notifier, portal_url=PORTAL_URL, service_days=self.source)


@pytest.fixture
def bworld() -> BillingWorld:
    return BillingWorld()


@pytest.fixture
def bclient(bworld: BillingWorld) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(bworld.portal, login_rate="1000/minute"))


def token(client: falcon.testing.TestClient, who: str) -> dict[str, str]:
    result = login(client, who)
    assert result.status_code == 201, result.text
    return bearer(result.json["token"])


def drafted(client: falcon.testing.TestClient, headers: dict[str, str], month: str = "2026-12") -> dict:
    """Ask for the month's run: 202 and the job to poll; the job (run at once on the fakes) is done: its run."""
    asked = client.simulate_post("/api/v1/agent/billing/runs", json={"month": month}, headers=headers)
    assert asked.status_code == 202, asked.text
    assert asked.headers["location"] == f"/api/v1/agent/billing/jobs/{asked.json['id']}"
    job = client.simulate_get(asked.headers["location"], headers=headers)
    assert job.status_code == 200, job.text
    assert job.json["state"] == "done" and job.json["label"] == "terminé" and job.json["errors"] == []
    run = client.simulate_get(job.json["run"], headers=headers)
    assert run.status_code == 200, run.text
    return run.json


def finalised_december(client: falcon.testing.TestClient, agent: str = "agent.villeneuve") -> dict:
    headers = token(client, agent)
    run = drafted(client, headers)
    done = client.simulate_post(f"/api/v1/agent/billing/runs/{run['id']}/finalise",
                                json={"accept_flagged": True}, headers=headers)
    assert done.status_code == 200, done.text
    return done.json


def test_a_family_sees_its_december_invoice_with_a_reason_per_line_then_pays_it(
        bclient: falcon.testing.TestClient) -> None:
    agent = token(bclient, "agent.villeneuve")
    draft = drafted(bclient, agent)
    assert draft["status"] == "draft" and draft["totals"]["flagged"] == 1
    assert draft["flagged"][0]["rule"] == "pointage-manquant-a-verifier"
    refused = bclient.simulate_post(f"/api/v1/agent/billing/runs/{draft['id']}/finalise", json={},
                                    headers=agent)
    assert refused.status_code == 409
    final = bclient.simulate_post(f"/api/v1/agent/billing/runs/{draft['id']}/finalise",
                                  json={"accept_flagged": True}, headers=agent)
    assert final.status_code == 200 and final.json["status"] == "final"

    family = token(bclient, "marie.dupont")
    invoices = bclient.simulate_get("/api/v1/invoices", headers=family).json["invoices"]
    assert len(invoices) == 1
    invoice = invoices[0]
    assert invoice["number"] == "2027-000001" and invoice["issued_on"] == "2027-01-04"
    by_day = {(line["day"], line["service"]): line for line in invoice["lines"]}
    assert by_day[("2026-12-08", "RESTAURATION")]["reason"] == (
        "Absence déclarée dans les délais, raison AUTRES : non facturée.")
    assert by_day[("2026-12-08", "RESTAURATION")]["amount"] == "0.00"
    late = by_day[("2026-12-10", "RESTAURATION")]
    assert late["reason"] == "Absence déclarée après le délai, raison AUTRES : facturée."
    assert late["rule"] == "absence-tardive-facturee" and "vendredi 04/12 à 23h59" in late["detail"]
    assert late["amount"] == "4.50"  # no QF known: bracket T5
    assert by_day[("2026-12-14", "GARDERIE SOIR")]["flagged"] is True
    # 10 meals at 4.50 (9 present + the late absence) and 2 evening garderies at 1.90
    assert invoice["total"] == "48.80"

    me = bclient.simulate_get("/api/v1/me", headers=family).json
    assert me["balance"] == "48.80"
    assert me["unpaid_invoices"] == [{"number": "2027-000001", "issued_on": "2027-01-04", "due_on": "2027-02-03",
                                      "amount": "48.80"}]
    assert me["unpaid_total"] == "48.80"

    paid = bclient.simulate_post("/api/v1/agent/payments", headers=agent, json={
        "family": "fam-a", "amount": "48.80", "method": "cheque", "date": "2027-01-04"})
    assert paid.status_code == 201, paid.text
    me = bclient.simulate_get("/api/v1/me", headers=family).json
    assert me["balance"] == "0.00" and me["unpaid_invoices"] == []

    statement = bclient.simulate_get("/api/v1/statement", params={"from": "2027-01-01", "to": "2027-01-31"},
                                     headers=family)
    assert statement.status_code == 200
    assert [(e["kind"], e["balance"]) for e in statement.json["entries"]] == [("facture", "48.80"),
                                                                             ("paiement", "0.00")]

    pdf = bclient.simulate_get(invoice["pdf"], headers=family)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_credit_note_brings_the_balance_back(bclient: falcon.testing.TestClient) -> None:
    finalised_december(bclient)
    family, agent = token(bclient, "marie.dupont"), token(bclient, "agent.villeneuve")
    invoice = bclient.simulate_get("/api/v1/invoices", headers=family).json["invoices"][0]
    note = bclient.simulate_post(f"/api/v1/agent/invoices/{invoice['id']}/credit-note", headers=agent,
                                 json={"reason": "Repas du 10 non servi", "lines": [2]})
    assert note.status_code == 201, note.text
    assert note.json["kind"] == "avoir" and note.json["number"] == "AV2027-000001"
    assert bclient.simulate_get("/api/v1/me", headers=family).json["balance"] == str(
        __import__("decimal").Decimal(invoice["total"]) - __import__("decimal").Decimal(note.json["total"]))
    too_much = bclient.simulate_post(f"/api/v1/agent/invoices/{invoice['id']}/credit-note", headers=agent,
                                     json={"reason": "tout", "amount": invoice["total"]})
    assert too_much.status_code == 422


def test_the_sepa_file_lists_the_families_that_chose_direct_debit_and_signed_a_mandate(
        bworld: BillingWorld, bclient: falcon.testing.TestClient) -> None:
    from famille.kernel.families.records import BankInfo, FamilySections

    bworld.uow.store.family_sections["fam-a"] = FamilySections(bancaires=BankInfo(
        nom_banque="Banque", titulaire="Marie DUPONT", iban="FR76 3000 6000 0112 3456 7890 189", bic="AGRIFRPP",
        prelevement=True))
    finalised_december(bclient)
    agent = token(bclient, "agent.villeneuve")
    url = "/api/v1/agent/billing/sepa"
    assert bclient.simulate_get(url, params={"month": "2026-12"}, headers=agent).status_code == 409  # no creditor
    creditor = {"name": "Commune de Villeneuve", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPPXXX",
                "creditor_id": "FR12ZZZ123456"}
    assert bclient.simulate_put("/api/v1/agent/billing/creditor", json=creditor, headers=agent).status_code == 200
    no_mandate = bclient.simulate_get(url, params={"month": "2026-12"}, headers=agent)
    assert no_mandate.status_code == 409, no_mandate.text  # nobody to debit: no file, and why
    assert "mandat SEPA ou IBAN manquant (N° famille A-0001)" in no_mandate.json["detail"]
    mandate = bclient.simulate_put("/api/v1/agent/families/fam-a/billing", headers=agent,
                                   json={"mandate": {"signed_on": "2025-09-01"}})
    assert mandate.status_code == 200, mandate.text
    assert mandate.json["mandate"] == {"reference": "FAMILLE-VILLE-A-A-0001", "signed_on": "2025-09-01"}
    xml = bclient.simulate_get(url, params={"month": "2026-12"}, headers=agent)
    assert xml.status_code == 200, xml.text
    assert "warning" not in xml.headers
    assert b"pain.008.001.02" in xml.content and b"<InstdAmt Ccy=\"EUR\">48.80</InstdAmt>" in xml.content
    assert b"FAMILLE-VILLE-A-A-0001" in xml.content and b"FR12ZZZ123456" in xml.content
    assert b"<DtOfSgntr>2025-09-01</DtOfSgntr>" in xml.content


def test_an_agent_sets_the_shares_of_a_child_and_they_must_add_up_to_100(
        bclient: falcon.testing.TestClient) -> None:
    agent = token(bclient, "agent.villeneuve")
    url = "/api/v1/agent/children/enf-a1/shares"
    assert bclient.simulate_get(url, headers=agent).json["shares"] == {"fam-a": "100.00"}
    bad = bclient.simulate_put(url, json={"shares": {"fam-a": "60.00"}}, headers=agent)
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "shares"
    assert bclient.simulate_put(url, json={"shares": {"fam-a": "100", "fam-b": "0"}},
                                headers=agent).status_code == 422
    assert bclient.simulate_put(url, json={"shares": {"fam-a": "100.00"}}, headers=agent).status_code == 200
    other = token(bclient, "agent.deuxrives")
    assert bclient.simulate_put(url, json={"shares": {"fam-a": "100.00"}}, headers=other).status_code == 404
    family = token(bclient, "marie.dupont")
    assert bclient.simulate_get(url, headers=family).status_code == 403


def test_a_bad_creditor_is_refused_field_by_field(bclient: falcon.testing.TestClient) -> None:
    agent = token(bclient, "agent.villeneuve")
    bad = bclient.simulate_put("/api/v1/agent/billing/creditor", headers=agent, json={
        "name": "", "iban": "FR7630006000011234567890180", "bic": "XX", "creditor_id": "123"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json["errors"]} == {"name", "iban", "bic", "creditor_id"}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/v1/agent/billing/runs/{run}", None),
    ("POST", "/api/v1/agent/billing/runs/{run}/finalise", {}),
    ("POST", "/api/v1/agent/invoices/{invoice}/credit-note", {"reason": "x", "amount": "1.00"}),
    ("GET", "/api/v1/invoices/{invoice}.pdf", None),
])
def test_an_agent_of_another_organisation_gets_404(bclient: falcon.testing.TestClient, method: str, path: str,
                                                  body: dict | None) -> None:
    run = finalised_december(bclient)
    invoice = run["invoices"][0]["id"]
    other = token(bclient, "agent.deuxrives")
    result = bclient.simulate_request(method, path.format(run=run["id"], invoice=invoice), json=body,
                                      headers=other)
    assert result.status_code == 404, result.text


def test_another_family_never_sees_an_invoice_nor_its_pdf(bclient: falcon.testing.TestClient) -> None:
    run = finalised_december(bclient)
    finalised_december(bclient, "agent.deuxrives")
    invoice = next(i for i in run["invoices"] if i["family_id"] == "fam-a")
    other = token(bclient, "paul.martin")
    assert bclient.simulate_get(f"/api/v1/invoices/{invoice['id']}.pdf", headers=other).status_code == 404
    mine = bclient.simulate_get("/api/v1/invoices", headers=other).json["invoices"]
    assert [i["family_id"] for i in mine] == ["fam-b"]
    assert bclient.simulate_get("/api/v1/statement", params={"from": "2027-01-01", "to": "2027-01-31"},
                                headers=other).json["entries"][0]["debit"] == "9.00"


def test_an_agent_records_no_payment_for_a_family_of_another_organisation(
        bclient: falcon.testing.TestClient) -> None:
    result = bclient.simulate_post("/api/v1/agent/payments", headers=token(bclient, "agent.deuxrives"), json={
        "family": "fam-a", "amount": "10.00", "method": "cheque", "date": "2027-01-04"})
    assert result.status_code == 404


def test_families_may_not_call_agent_billing_routes_and_bad_bodies_get_422(
        bclient: falcon.testing.TestClient) -> None:
    family = token(bclient, "marie.dupont")
    assert bclient.simulate_post("/api/v1/agent/billing/runs", json={"month": "2026-12"},
                                 headers=family).status_code == 403
    agent = token(bclient, "agent.villeneuve")
    bad = bclient.simulate_post("/api/v1/agent/payments", headers=agent, json={
        "family": "fam-a", "amount": 12.5, "method": "troc", "date": "hier"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json["errors"]} >= {"amount", "date"}
    assert bclient.simulate_post("/api/v1/agent/billing/runs", json={"month": "2026-13"},
                                 headers=agent).status_code == 422
    assert bclient.simulate_get("/api/v1/statement", params={"from": "x", "to": "2027-01-01"},
                                headers=family).status_code == 422


def test_a_mandate_reference_already_held_by_another_family_is_refused_with_the_field(
        bworld: BillingWorld, bclient: falcon.testing.TestClient) -> None:
    from famille.kernel.families.model import Adult, Family

    bworld.uow.seed(families=[Family("fam-a2", "ville-a", "A-0002", Adult("DURAND", "Léa"))])
    agent = token(bclient, "agent.villeneuve")
    body = {"mandate": {"signed_on": "2025-09-01", "reference": "RUM-COMMUNE-1"}}
    first = bclient.simulate_put("/api/v1/agent/families/fam-a/billing", headers=agent, json=body)
    assert first.status_code == 200, first.text
    again = bclient.simulate_put("/api/v1/agent/families/fam-a/billing", headers=agent, json=body)
    assert again.status_code == 200, again.text  # the same family may record its own mandate again
    taken = bclient.simulate_put("/api/v1/agent/families/fam-a2/billing", headers=agent, json=body)
    assert taken.status_code == 422
    assert taken.json["errors"][0]["field"] == "mandate.reference"


def test_a_billing_job_is_polled_by_its_organisation_only(bclient: falcon.testing.TestClient) -> None:
    agent = token(bclient, "agent.villeneuve")
    asked = bclient.simulate_post("/api/v1/agent/billing/runs", json={"month": "2026-12"}, headers=agent)
    job = asked.headers["location"]
    mine = bclient.simulate_get(job, headers=agent).json
    assert (mine["children_done"], mine["children_total"], mine["requested_by"]) == (1, 1, "agent-a")
    other = bclient.simulate_get(job, headers=token(bclient, "agent.deuxrives"))
    assert other.status_code == 404 and "introuvable" in other.json["detail"]
    assert bclient.simulate_get(job, headers=token(bclient, "marie.dupont")).status_code == 403
    assert bclient.simulate_get(job, headers=token(bclient, "paul.martin")).status_code == 403
    assert bclient.simulate_get("/api/v1/agent/billing/jobs/inconnue", headers=agent).status_code == 404
    theirs = drafted(bclient, token(bclient, "agent.deuxrives"))
    assert theirs["organisation_code"] == "rpi-b" and [i["family_id"] for i in theirs["invoices"]] == ["fam-b"]


def test_a_job_waits_for_a_worker_then_reports_its_run(bworld: BillingWorld) -> None:
    queue = QueuedJobs()
    portal = build_portal(uow=bworld.uow, clock=bworld.clock, rules=ShippedRules(), hasher=HASHER,
                          notifier=bworld.notifier, portal_url=PORTAL_URL, service_days=bworld.source, jobs=queue)
    queue.runner = portal.billing_jobs.execute
    client = falcon.testing.TestClient(create_app(portal, login_rate="1000/minute"))
    agent = token(client, "agent.villeneuve")
    asked = client.simulate_post("/api/v1/agent/billing/runs", json={"month": "2026-12"}, headers=agent)
    assert asked.status_code == 202 and asked.json["state"] == "pending" and asked.json["run"] is None
    waiting = client.simulate_get(asked.headers["location"], headers=agent)
    assert waiting.json["label"] == "en attente" and waiting.headers["retry-after"] == "1"
    assert client.simulate_get("/api/v1/agent/billing/runs/" + "x", headers=agent).status_code == 404
    queue.run_all()
    done = client.simulate_get(asked.headers["location"], headers=agent)
    assert done.json["state"] == "done" and done.json["attempts"] == 1 and "retry-after" not in done.headers
    assert client.simulate_get(done.json["run"], headers=agent).json["status"] == "draft"


def test_a_job_asked_final_with_a_flagged_day_fails_with_the_reason(bclient: falcon.testing.TestClient) -> None:
    agent = token(bclient, "agent.villeneuve")
    asked = bclient.simulate_post("/api/v1/agent/billing/runs", json={"month": "2026-12", "final": True},
                                  headers=agent)
    job = bclient.simulate_get(asked.headers["location"], headers=agent).json
    assert job["state"] == "failed" and job["label"] == "échoué" and job["run"] is None
    assert "1 jour(s) à vérifier" in job["errors"][0]
    again = bclient.simulate_post("/api/v1/agent/billing/runs",
                                  json={"month": "2026-12", "final": True, "accept_flagged": True}, headers=agent)
    done = bclient.simulate_get(again.headers["location"], headers=agent).json
    assert done["state"] == "done"
    assert bclient.simulate_get(done["run"], headers=agent).json["status"] == "final"
    refused = bclient.simulate_post("/api/v1/agent/billing/runs", json={"month": "2026-12"}, headers=agent)
    assert refused.status_code == 409 and "définitive" in refused.json["detail"]
