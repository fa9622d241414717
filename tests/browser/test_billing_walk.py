"""A month billed in a real browser, at desktop and phone sizes, on the demo data and the walks' clock.

The portal's clock starts at `CLOCK` (24 November 2025): the month billed is the last ended one,
October 2025. Set-up through the API with the agent's token: COMMUNE ZTEST booked for the canteen
on its last three school days before the holidays, present on two of them, the third without any
pointage (a day « à vérifier »). Then, in Chromium: the agent asks for the month's draft (a background
job, whose page follows it until done),
reviews it (the flagged day links to the attendance page), validates it accepting that day
as not billed; the family sees the invoice on its home page and in « Relevé de compte », each
day with its reason, and its PDF; the agent records the payment; the family's balance is 0,00 €.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from datetime import date
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import CLOCK, Visit
from tests.browser.test_family_walk import log_in, log_out
from tests.browser.test_planning_walk import menu


def api(portal: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    request = urllib.request.Request(portal + "/api/v1" + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Accept": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"null")


def billed(portal: str, agent: str, body: dict[str, Any]) -> Any:
    """Ask for a month's run over the API (a background job), wait for the job, and read the run."""
    job = api(portal, "POST", "/agent/billing/runs", token=agent, body=body)
    deadline = time.monotonic() + 60
    while job["state"] in ("pending", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
        job = api(portal, "GET", f"/agent/billing/jobs/{job['id']}", token=agent)
    assert job["state"] == "done", job
    return api(portal, "GET", f"/agent/billing/runs/{job['run_id']}", token=agent)


def draft_shown(page: Page) -> None:
    """After « Calculer le brouillon »: the job's page follows the background job, then shows its draft."""
    expect(page).to_have_url(re.compile(r"/agent/facturation/[0-9a-f-]+\?resultat=brouillon$"), timeout=60_000)
    expect(page.get_by_role("status")).to_contain_text("Le brouillon est calculé")


def token(portal: str, login: str, password: str) -> str:
    return str(api(portal, "POST", "/session", {"login": login, "password": password})["token"])


#: The month billed (the last ended one on the walks' clock) and its three days booked for the canteen:
#: the last school days before the Toussaint holidays (18 October - 3 November 2025, zone A).
MONTH = "2025-10"
BOOKED = ["2025-10-14", "2025-10-16", "2025-10-17"]


def prepare_month(portal: str) -> tuple[str, list[str]]:
    """Book and point COMMUNE ZTEST's canteen days through the API; the month and the booked days."""
    agent = token(portal, "agent", "Agent2026x")
    family = token(portal, "ztest", "Portail2026")
    child = next(c["id"] for c in api(portal, "GET", "/me", token=family)["children"] if c["prenom"] == "COMMUNE")
    assert CLOCK.strftime("%Y-%m") == "2025-11", "the walk's month and days follow the walks' clock"
    report = api(portal, "POST", f"/agent/children/{child}/bookings", token=agent, body={
        "cells": [{"service": "RESTAURATION", "date": day} for day in BOOKED]})
    booked = sorted(cell["date"] for cell in report["done"] if cell["outcome"] == "reservee")
    assert booked == BOOKED, report
    for day in booked[:2]:
        api(portal, "POST", "/agent/attendance", token=agent, body={
            "child": child, "service": "RESTAURATION", "date": day, "status": "present"})
    return MONTH, booked


def test_an_agent_bills_a_month_the_family_reads_why_and_the_payment_settles_it(portal: str, visit: Visit) -> None:
    month, booked = prepare_month(portal)
    page = visit.page
    page.goto(portal + "/connexion")

    # The agent: the draft, its review, « Valider la facturation »
    log_in(page, "agent", "Agent2026x")
    menu(page, "Facturation")
    expect(page.get_by_role("heading", name="Facturation", exact=True)).to_be_visible()
    page.get_by_label("Mois", exact=True).select_option(month)
    visit.check("agent-facturation")
    page.get_by_role("button", name="Calculer le brouillon").click()
    draft_shown(page)
    expect(page.get_by_text("Brouillon", exact=True)).to_be_visible()
    unpointed = date.fromisoformat(booked[2])
    link = page.locator(f'a[href="/agent/pointage?date={booked[2]}&service=RESTAURATION"]').first
    expect(link).to_be_visible()
    expect(page.get_by_text("Réservé mais aucun pointage saisi").first).to_be_visible()
    visit.check("agent-facturation-brouillon")
    page.get_by_text(re.compile("^Détail : PAYS ZTEST")).click()
    expect(page.get_by_text(re.compile("et présent : facturé")).first).to_be_visible()
    visit.check("agent-facturation-detail")

    page.get_by_role("button", name="Valider la facturation").click()
    expect(page.get_by_role("alert")).to_contain_text("à vérifier (pointage manquant)")
    visit.check("agent-facturation-refus")
    page.get_by_role("checkbox", name=re.compile("^Ne pas facturer les 1 jour")).check()
    page.get_by_role("button", name="Valider la facturation").click()
    expect(page.get_by_role("status")).to_contain_text("La facturation est définitive")
    number = page.get_by_role("link", name=re.compile(r"^\d{4}-\d{6}$")).first.inner_text()
    visit.check("agent-facturation-definitive")
    log_out(page)

    # The family: home, Relevé de compte, the invoice's lines and its PDF
    log_in(page, "ztest", "Portail2026")
    unpaid = page.get_by_role("table", name=re.compile("Factures impayées"))
    expect(unpaid.get_by_role("link", name=number, exact=True)).to_be_visible()
    total = unpaid.locator("tfoot td").inner_text().strip()
    assert re.fullmatch(r"\d+,\d\d\u00a0€", total), total
    visit.check("accueil-facture")
    menu(page, "Relevé de compte")
    expect(page.get_by_role("heading", name="Relevé de compte")).to_be_visible()
    expect(page.get_by_text(f"Facture n° {number} ({month})")).to_be_visible()
    visit.check("releve-de-compte")
    page.get_by_role("table", name=re.compile("factures et avoirs")).get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", name=f"Facture n° {number}")).to_be_visible()
    expect(page.get_by_text(re.compile("et présent : facturé")).first).to_be_visible()
    expect(page.get_by_text("Réservé mais aucun pointage saisi").first).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=unpointed.strftime("%d/%m/%Y"))).to_contain_text("0,00")
    visit.check("facture")
    pdf_href = page.get_by_role("link", name=re.compile("^Télécharger le PDF")).get_attribute("href")
    pdf = page.request.get(portal + str(pdf_href))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    log_out(page)

    # The agent records the payment of the whole invoice
    log_in(page, "agent", "Agent2026x")
    menu(page, "Paiements")
    page.get_by_label("N° famille").fill("381623867924")
    page.get_by_label("Montant (en euros)").fill(total.replace("\u00a0€", ""))
    page.get_by_label("Mode de paiement").select_option("cheque")
    page.get_by_label(re.compile("^Référence")).fill("Chèque 0042")
    visit.check("agent-paiement")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_role("status")).to_contain_text("Le paiement est enregistré")
    expect(page.get_by_text("Solde à ce jour : 0,00\u00a0€")).to_be_visible()
    visit.check("agent-paiement-enregistre")
    log_out(page)

    # The family's balance is zero
    log_in(page, "ztest", "Portail2026")
    expect(page.locator(".solde")).to_have_text("0,00\u00a0€")
    expect(page.get_by_text("Aucune facture impayée à ce jour.")).to_be_visible()
    menu(page, "Relevé de compte")
    expect(page.get_by_text("Payée", exact=True)).to_be_visible()
    visit.check("releve-de-compte-paye")
