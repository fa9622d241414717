"""`famille demo` loads the guide's family once, on SQLite and PostgreSQL."""

from __future__ import annotations

from famille.bootstrap import build
from famille.config import Settings
from famille.demo import DEMO_LOGINS, DEMO_ORGANISATION, OTHER_ORGANISATION, load_demo


def test_the_demo_is_loaded_once_and_its_logins_work(database_url: str) -> None:
    wiring = build(Settings(database_url=database_url, rules_dir=None, argon2_memory_kib=8192,
                            argon2_time_cost=1))
    try:
        assert load_demo(wiring) is True
        assert load_demo(wiring) is False
        for login, password in DEMO_LOGINS.items():
            assert wiring.portal.authentication.login(login, password).account.login == login
        with wiring.uow() as uow:
            family = uow.families.by_number(DEMO_ORGANISATION, "381623867924")
            assert family is not None and family.responsable.nom == "ZTEST"
            assert [c.prenom for c in uow.families.children_of(family.id)] == ["COMMUNE", "CRECHE", "PRINCESSE"]
            assert {s.code for s in uow.organisations.services(DEMO_ORGANISATION)} >= {
                "GARDERIE MATIN", "GARDERIE MIDI", "GARDERIE SOIR", "RESTAURATION"}
            children = {c.prenom: c.id for c in uow.families.children_of(family.id)}
            places = {(e.service_code, e.organisation_code, e.days)
                      for child in ("COMMUNE", "CRECHE") for e in uow.planning.enrolments_of(children[child])}
            # COMMUNE's evening garderie is the RPI's; CRECHE is at the crèche under a contract
            assert ("GARDERIE SOIR", OTHER_ORGANISATION, None) in places
            assert ("RESTAURATION", DEMO_ORGANISATION, None) in places
            assert ("CRECHE", DEMO_ORGANISATION, (0, 1, 3)) in places
    finally:
        wiring.engine.dispose()
