"""A crèche's « contrat régulier » through the real routes on a real database (SQLite; PostgreSQL under the
marker): the legend's « Réservations Hors Contrat », « Heure hors contrat Régulier » and « Congé parental ».

Lou (Commune de Villeneuve) is enrolled at the multi-accueil on Monday, Tuesday and Thursday, 8:30 to 17:30:
those days are booked for the school year. A Wednesday asked by the family waits for the director (the
shipped rule `creche-deux-jours-ouvres-12h`), then shows as booked outside the contract; a contract day
pointed 8:00–18:00 shows the hours beyond the contract; a congé parental declared over a week keeps the
place and shows as such. The RPI's agent and family reach none of it. The clock starts on Monday
23 November 2026, 08:00.
"""

from __future__ import annotations

from datetime import date, datetime

from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.families.model import Child, Sexe
from famille.kernel.shared.organisations import (
    Service,
    Structure,
    StructureKind,
)
from famille.kernel.shared.time import PARIS
from tests.support.real_portal import RealPortal, real_portal_fixture, two_organisations

LOU = "enf-lou"
FAMILY, AGENT, OTHER_FAMILY, OTHER_AGENT = "marie.dupont", "agent.villeneuve", "paul.martin", "agent.deuxrives"
CONTRACT = {"days": ["lundi", "mardi", "jeudi"], "arrival": "08:30", "departure": "17:30"}


def _seed(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as work:
        two_organisations(work, FAMILY, OTHER_FAMILY, AGENT, OTHER_AGENT)
        work.organisations.add_structure(Structure("ville-a-creche", "ville-a", "Multi-accueil", StructureKind.CRECHE))
        work.organisations.add_service(Service("ville-a:CRECHE", "ville-a-creche", "CRECHE", "CRECHE", (0, 1, 2, 3, 4)))
        work.families.add_child(Child(LOU, "ville-a", "DUPONT", "Lou", Sexe.M, date(2025, 3, 2), ("fam-a",)))
        work.commit()


real = real_portal_fixture(_seed, datetime(2026, 11, 23, 8, 0, tzinfo=PARIS))


def _enrol(real: RealPortal, **contract: object) -> object:
    return real.call(AGENT, "POST", f"/api/v1/agent/children/{LOU}/enrolments",
                     json={"service": "CRECHE", "start": "2026-11-23", "contract": {**CONTRACT, **contract}})


def _december(real: RealPortal, who: str = FAMILY) -> dict[str, tuple[str, str]]:
    """Lou's CRECHE cells of December 2026: date → (slug, label)."""
    grid = real.call(who, "GET", f"/api/v1/children/{LOU}/planning", params={"month": "2026-12"})
    assert grid.status_code == 200, grid.text
    (row,) = grid.json["rows"]
    assert (row["service"], row["structure"]["id"]) == ("CRECHE", "ville-a-creche")
    return {cell["date"]: (cell["status"]["slug"], cell["status"]["label"]) for cell in row["cells"]}


def test_a_contract_is_refused_naming_its_field(real: RealPortal) -> None:
    for contract, field in (({"days": ["mardi", "samedi"]}, "contract.days"), ({"days": ["funday"]}, "contract.days"),
                            ({"days": []}, "contract.days"), ({"departure": "08:00"}, "contract.departure")):
        refused = _enrol(real, **contract)
        assert refused.status_code == 422, refused.text  # type: ignore[attr-defined]
        assert refused.json["errors"][0]["field"] == field, refused.text  # type: ignore[attr-defined]
    assert real.call(AGENT, "GET", f"/api/v1/agent/children/{LOU}/enrolments").json["enrolments"] == []


def test_the_contract_days_are_booked_and_the_legend_s_contract_states_are_reached(real: RealPortal) -> None:
    enrolled = _enrol(real)
    assert enrolled.status_code == 201, enrolled.text  # type: ignore[attr-defined]
    assert enrolled.json["contract"] == CONTRACT  # type: ignore[attr-defined]
    december = _december(real)
    assert december["2026-12-01"] == ("reserve", "Réservé")  # a Tuesday of the contract
    assert december["2026-12-02"][0] == "libre"  # a Wednesday, open but outside the contract
    assert december["2026-12-04"][0] == "libre"  # a Friday

    # « Réservations Hors Contrat »: a Wednesday asked by the family, confirmed by the director
    asked = real.call(FAMILY, "POST", f"/api/v1/children/{LOU}/bookings",
                      json={"service": "CRECHE", "date": "2026-12-02"})
    assert asked.status_code == 200 and asked.json["done"][0]["outcome"] == "en-attente", asked.text
    assert _december(real)["2026-12-02"][0] == "reservation-en-cours"
    (waiting,) = real.call(AGENT, "GET", "/api/v1/agent/bookings").json["requests"]
    decided = real.call(AGENT, "POST", f"/api/v1/agent/bookings/{waiting['id']}/decision", json={"accept": True})
    assert decided.status_code == 200, decided.text
    assert _december(real)["2026-12-02"] == ("reservation-hors-contrat", "Réservations Hors Contrat")

    # « Congé parental »: a week of the contract, declared with its attestation; the place is kept
    leave = real.call(FAMILY, "POST", f"/api/v1/children/{LOU}/absences", json={
        "from": "2026-12-07", "to": "2026-12-11", "reason": "CONGE PARENTAL", "document": "attestation-caf.pdf"})
    assert leave.status_code == 200, leave.text
    assert {c["date"] for c in leave.json["done"]} == {"2026-12-07", "2026-12-08", "2026-12-10"}
    assert _december(real)["2026-12-08"][0] == "absence-en-cours"
    for request in real.call(AGENT, "GET", "/api/v1/agent/bookings").json["requests"]:
        assert request["kind"] == "absence"
        assert real.call(AGENT, "POST", f"/api/v1/agent/absences/{request['id']}/decision",
                         json={"accept": True}).status_code == 200
    assert _december(real)["2026-12-08"] == ("conge", "Congé parental")

    # « Heure hors contrat Régulier »: Tuesday 1st pointed 8:00–18:00, half an hour each side of the contract
    real.at(datetime(2026, 12, 1, 19, 0, tzinfo=PARIS))
    pointed = real.call(AGENT, "POST", "/api/v1/agent/attendance", json={
        "child": LOU, "service": "CRECHE", "date": "2026-12-01", "status": "present",
        "arrival": "08:00", "departure": "18:00"})
    assert pointed.status_code == 200, pointed.text
    assert _december(real)["2026-12-01"] == ("heure-hors-contrat", "Heure hors contrat Régulier")
    assert _december(real, AGENT)["2026-12-01"][0] == "heure-hors-contrat"  # the agent reads the same grid


def test_another_organisation_reaches_none_of_the_creche(real: RealPortal) -> None:
    assert _enrol(real).status_code == 201  # type: ignore[attr-defined]
    for who in (OTHER_AGENT, OTHER_FAMILY):
        assert real.call(who, "GET", f"/api/v1/children/{LOU}/planning").status_code == 404
    assert real.call(OTHER_AGENT, "GET", f"/api/v1/agent/children/{LOU}/enrolments").status_code == 404
    assert real.call(OTHER_AGENT, "POST", f"/api/v1/agent/children/{LOU}/enrolments", json={
        "service": "CRECHE", "start": "2026-11-23", "contract": CONTRACT}).status_code == 404
