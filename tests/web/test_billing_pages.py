"""The billing pages on the fakes: the agent bills December 2026 for the commune of Villeneuve (Léa DUPONT
booked every school day, a late absence, a missing check-out), the family reads why each day is billed,
pays; nobody else sees any of it. The fake clock says Monday 4 January 2027, 09:00."""

from __future__ import annotations

import re

import falcon.testing
import pytest

from famille.kernel.accounts.model import Principal, Role
from famille.kernel.portal.application import build_portal
from tests.fakes.jobs import QueuedJobs
from tests.fakes.rules import ShippedRules
from tests.http.conftest import HASHER, PORTAL_URL
from tests.http.test_billing_routes import BillingWorld
from tests.web.conftest import PageClient, text_of

NBSP = "\u00a0"


@pytest.fixture
def world() -> BillingWorld:
    return BillingWorld()


def draft_december(agent: PageClient) -> str:
    """The agent computes December's draft through the page; the address of its review."""
    assert agent.get("/agent/facturation").status_code == 200
    result = agent.post("/agent/facturation", {"mois": "2026-12"})
    assert result.status_code == 303, result.text
    assert result.headers["location"].startswith("/agent/facturation/taches/")
    done = agent.get(result.headers["location"])  # the job, run at once on the fakes, shows its run
    assert done.status_code == 303, done.text
    assert done.headers["location"].endswith("?resultat=brouillon")
    return done.headers["location"].split("?")[0]


def finalised_december(agent: PageClient) -> tuple[str, str]:
    """December made final (its flagged day accepted as not billed): the review and the invoice's id."""
    review = draft_december(agent)
    agent.get(review)
    result = agent.post(f"{review}/validation", {"accept_flagged": "oui"})
    assert result.status_code == 303, result.text
    page = agent.get(review)
    found = re.search(r'href="/agent/factures/([0-9a-f-]+)"', page.text)
    assert found, page.text
    return review, found.group(1)


def download(client: PageClient, path: str) -> falcon.testing.Result:
    """GET a file (the page client reads every answer as text: a PDF is not)."""
    return client.client.simulate_get(path, cookies=dict(client.cookies))


def switch(client: PageClient, who: str) -> PageClient:
    client.get("/accueil")
    client.post("/deconnexion")
    client.login(who)
    return client


def test_the_agent_reviews_the_draft_with_totals_reasons_and_the_flagged_day(agent: PageClient) -> None:
    review = draft_december(agent)
    result = agent.get(review + "?resultat=brouillon")

    assert result.status_code == 200, result.text
    page = text_of(result)
    assert "Facturation de décembre 2026" in page and "Brouillon" in page
    assert f"Montant total 48,80{NBSP}€" in page
    assert "Marie DUPONT (N° A-0001)" in page
    assert "Absence déclarée après le délai, raison AUTRES : facturée." in page
    assert "délai : vendredi 04/12 à 23h59" in page
    assert "Jours à vérifier (pointage manquant)" in page
    assert 'href="/agent/pointage?date=2026-12-14&amp;service=GARDERIE%20SOIR"' in result.text
    assert "Valider la facturation" in page and "Ne pas facturer les 1 jour(s) à vérifier" in page


def test_finalising_with_a_flagged_day_asks_to_accept_it_then_numbers_the_invoice(agent: PageClient) -> None:
    review = draft_december(agent)
    agent.get(review)

    refused = agent.post(f"{review}/validation", {})
    assert refused.status_code == 409
    assert "1 jour(s) à vérifier (pointage manquant)" in text_of(refused)
    assert 'href="#champ-accept_flagged"' in refused.text

    done = agent.post(f"{review}/validation", {"accept_flagged": "oui"})
    assert done.status_code == 303
    page = text_of(agent.get(done.headers["location"]))
    assert "La facturation est définitive" in page and "Définitive" in page
    assert "2027-000001" in page and "Valider la facturation" not in page
    # the month's run is found again from the month
    again = agent.get("/agent/facturation?mois=2026-12")
    assert again.status_code == 303 and again.headers["location"] == review


def test_the_family_reads_its_statement_invoices_and_each_days_reason(agent: PageClient) -> None:
    _, invoice_id = finalised_december(agent)
    family = switch(agent, "marie.dupont")

    home = family.get("/accueil")
    assert f'href="/releve-de-compte/factures/{invoice_id}"' in home.text
    assert f"48,80{NBSP}€" in text_of(home)

    statement = family.get("/releve-de-compte?du=2027-01-01&au=2027-01-31")
    assert statement.status_code == 200, statement.text
    page = text_of(statement)
    assert "Facture n° 2027-000001 (2026-12)" in page
    assert f"Solde au début de la période 0,00{NBSP}€" in page and f"Solde au 31/01/2027 48,80{NBSP}€" in page
    assert "Mes factures" in page and "À payer" in page and "03/02/2027" in page
    assert f'href="/releve-de-compte/factures/{invoice_id}.pdf"' in statement.text

    detail = family.get(f"/releve-de-compte/factures/{invoice_id}")
    assert detail.status_code == 200, detail.text
    lines = text_of(detail)
    assert "Facture n° 2027-000001" in lines and "Date d'échéance 03/02/2027" in lines
    assert "Absence déclarée dans les délais, raison AUTRES : non facturée." in lines
    assert "Absence déclarée après le délai, raison AUTRES : facturée." in lines
    assert f"4,50{NBSP}€" in lines and f"Total 48,80{NBSP}€" in lines
    assert "Corriger le pointage" not in lines  # the family's page has no agent links

    pdf = download(family, f"/releve-de-compte/factures/{invoice_id}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_statement_says_when_its_dates_are_wrong(family: PageClient) -> None:
    result = family.get("/releve-de-compte?du=2027-02-01&au=2027-01-01")

    assert result.status_code == 422
    page = text_of(result)
    assert "Il y a un problème" in page and "La date de fin doit suivre la date de début." in page
    assert 'href="#champ-au"' in result.text
    bad = family.get("/releve-de-compte?du=demain")
    assert bad.status_code == 422 and 'href="#champ-du"' in bad.text


@pytest.mark.parametrize("who", ["paul.martin", "agent.deuxrives"])
def test_another_family_or_organisation_gets_the_not_found_page(agent: PageClient, who: str) -> None:
    review, invoice_id = finalised_december(agent)
    other = switch(agent, who)

    paths = [f"/releve-de-compte/factures/{invoice_id}.pdf"]
    if who.startswith("agent"):
        paths += [review, f"/agent/factures/{invoice_id}", f"/agent/factures/{invoice_id}.pdf"]
    else:
        paths += [f"/releve-de-compte/factures/{invoice_id}"]
    for path in paths:
        result = download(other, path)
        assert result.status_code == 404, path
        assert "introuvable" in text_of(result), path
    if who == "paul.martin":
        assert "2027-000001" not in text_of(other.get("/releve-de-compte?du=2027-01-01&au=2027-01-31"))
    else:
        other.get("/agent/facturation")
        refused = other.post(f"/agent/factures/{invoice_id}/avoir", {"amount": "1,00", "reason": "Essai"})
        assert refused.status_code == 404
        paid = other.post("/agent/paiements", {"numero": "A-0001", "amount": "1,00", "method": "cheque",
                                               "date": "2027-01-04"})
        assert paid.status_code == 422 and "Aucune famille de votre organisation" in text_of(paid)


def test_the_agent_records_a_payment_and_the_family_balance_falls_to_zero(agent: PageClient) -> None:
    finalised_december(agent)
    form = agent.get("/agent/paiements?famille=fam-a")
    assert "Marie DUPONT — N° famille A-0001" in text_of(form) and 'value="A-0001"' in form.text

    wrong = agent.post("/agent/paiements", {"numero": "A-0001", "amount": "douze", "method": "virement",
                                           "date": "2027-01-04"})
    assert wrong.status_code == 422
    assert "Il y a 2 problèmes" in text_of(wrong) and 'href="#champ-method"' in wrong.text

    done = agent.post("/agent/paiements", {"numero": "A-0001", "amount": "48,80", "method": "cheque",
                                          "date": "2027-01-04", "reference": "Chèque 1234"})
    assert done.status_code == 303, done.text
    page = text_of(agent.get(done.headers["location"]))
    assert "Le paiement est enregistré" in page and f"Solde à ce jour : 0,00{NBSP}€" in page

    family = switch(agent, "marie.dupont")
    assert f"0,00{NBSP}€" in text_of(family.get("/accueil"))
    statement = text_of(family.get("/releve-de-compte?du=2027-01-01&au=2027-01-31"))
    assert "Paiement (cheque)" in statement and "Payée" in statement


def test_the_agent_issues_a_credit_note_that_the_family_sees(agent: PageClient) -> None:
    _, invoice_id = finalised_december(agent)
    agent.get(f"/agent/factures/{invoice_id}")

    too_much = agent.post(f"/agent/factures/{invoice_id}/avoir", {"amount": "100", "reason": "Erreur"})
    assert too_much.status_code == 422 and "L'avoir dépasse ce qui reste de la facture" in text_of(too_much)

    done = agent.post(f"/agent/factures/{invoice_id}/avoir", {"amount": "4,50", "reason": "Repas du 10 non servi"})
    assert done.status_code == 303, done.text
    note = text_of(agent.get(done.headers["location"]))
    assert "Avoir n° AV2027-000001" in note and "Repas du 10 non servi" in note

    family = switch(agent, "marie.dupont")
    page = text_of(family.get("/releve-de-compte?du=2027-01-01&au=2027-01-31"))
    assert "Avoir n° AV2027-000001 : Repas du 10 non servi" in page and f"44,30{NBSP}€" in page


def test_the_sepa_page_answers_in_french_when_nothing_is_to_be_debited(agent: PageClient) -> None:
    # The file itself is the API's (tests/http); its mandates are being reworked with migration 0005.
    finalised_december(agent)

    nobody = download(agent, "/agent/prelevements?mois=2026-12")
    assert nobody.status_code == 200 and "Aucune facture de décembre 2026 n'est à prélever" in text_of(nobody)
    no_month = download(agent, "/agent/prelevements")
    assert no_month.status_code == 422 and "AAAA-MM" in text_of(no_month)


def test_the_agent_menu_has_billing_and_payments(agent: PageClient) -> None:
    page = agent.get("/agent/facturation")

    assert 'href="/agent/facturation" aria-current="page"' in page.text
    assert 'href="/agent/paiements"' in page.text
    assert "Calculer le brouillon" in text_of(page) and "Télécharger le fichier SEPA" in text_of(page)


def test_no_form_changes_anything_without_its_csrf_token(agent: PageClient) -> None:
    review = draft_december(agent)
    forms = [("/agent/facturation", {"mois": "2026-12"}), (f"{review}/validation", {"accept_flagged": "oui"}),
             ("/agent/paiements", {"numero": "A-0001", "amount": "1,00", "method": "cheque", "date": "2027-01-04"})]
    for path, fields in forms:
        result = agent.post(path, fields, csrf="0" * 64)
        assert result.status_code == 403, path
        assert "Formulaire expiré ou invalide" in text_of(result)
    assert "Brouillon" in text_of(agent.get(review))  # not finalised

    agent.post(f"{review}/validation", {"accept_flagged": "oui"})
    invoice_id = re.search(r'href="/agent/factures/([0-9a-f-]+)"', agent.get(review).text).group(1)  # type: ignore[union-attr]
    refused = agent.post(f"/agent/factures/{invoice_id}/avoir", {"amount": "1,00", "reason": "x"}, csrf="")
    assert refused.status_code == 403
    assert agent.get(f"/agent/factures/{invoice_id}/avoir").status_code == 303  # a GET changes nothing
    assert "AV2027" not in text_of(agent.get(f"/agent/factures/{invoice_id}"))


def test_a_family_with_no_invoice_sees_an_empty_statement(family: PageClient) -> None:
    page = text_of(family.get("/releve-de-compte"))

    assert "Aucune opération sur cette période." in page and "Aucune facture pour le moment." in page
    assert f"le solde de votre compte est de 0,00{NBSP}€" in page


class QueuedWorld(BillingWorld):
    """December's world with a job queue whose worker has not started yet."""

    def __init__(self) -> None:
        super().__init__()
        self.queue = QueuedJobs()
        self.portal = build_portal(uow=self.uow, clock=self.clock, rules=ShippedRules(), hasher=HASHER,
                                   notifier=self.notifier, portal_url=PORTAL_URL, service_days=self.source,
                                   jobs=self.queue)
        self.queue.runner = self.portal.billing_jobs.execute


def test_the_job_page_shows_the_wait_then_the_draft_and_never_to_another_organisation() -> None:
    world = QueuedWorld()
    agent = PageClient(world.app())
    agent.login("agent.villeneuve")
    agent.get("/agent/facturation")
    asked = agent.post("/agent/facturation", {"mois": "2026-12"})
    job_page = asked.headers["location"]
    waiting = agent.get(job_page)
    assert waiting.status_code == 200 and 'data-actualiser="2"' in waiting.text
    assert agent.get("/agent/facturation?mois=2026-12").headers["location"] == job_page  # the month asked: its job
    assert "En attente : le calcul commence dès qu'un traitement est libre." in text_of(waiting)
    other = PageClient(world.app())
    other.login("agent.deuxrives")
    assert other.get(job_page).status_code == 404 and "introuvable" in text_of(other.get(job_page))
    assert other.get("/agent/facturation?mois=2026-12").status_code == 200  # not its organisation's job
    world.queue.run_all()
    done = agent.get(job_page)
    assert done.status_code == 303 and done.headers["location"].endswith("?resultat=brouillon")
    assert agent.get("/agent/facturation?mois=2026-12").headers["location"] == done.headers["location"].split("?")[0]


def test_a_failed_job_shows_why_and_stops_refreshing() -> None:
    world = QueuedWorld()
    agent = PageClient(world.app())
    agent.login("agent.villeneuve")
    job = world.portal.billing_jobs.request(
        Principal(account_id="agent-a", login="agent.villeneuve", role=Role.AGENT, organisation_code="ville-a",
                  family_id=None, session_id="s"), "2026-12", final=True)
    world.queue.run_all()
    page = agent.get(f"/agent/facturation/taches/{job.id}")
    assert page.status_code == 200 and "data-actualiser" not in page.text
    assert "Échoué : la facturation demandée n'a pas abouti." in text_of(page) and "1 jour(s) à vérifier" in text_of(page)
