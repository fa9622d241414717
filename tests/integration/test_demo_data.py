"""`famille demo` loads the guide's family once, on SQLite and PostgreSQL."""

from __future__ import annotations

from famille.bootstrap import build
from famille.config import Settings
from famille.demo import DEMO_LOGINS, DEMO_ORGANISATION, load_demo


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
    finally:
        wiring.engine.dispose()
