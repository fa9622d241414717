"""`famille demo --families N`: N more families in the demo commune, their previous month filled."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import attrs
import pytest
from sqlalchemy import func, select

from famille.adapters.sqlalchemy import tables as t
from famille.bootstrap import Wiring, build
from famille.cli import main
from famille.config import Settings
from famille.demo import DEMO_ORGANISATION
from famille.demo_families import PASSWORD, load_families, login_of
from famille.kernel.shared.time import PARIS
from tests.fakes.clock import FakeClock

TODAY = datetime(2026, 12, 6, 10, 0, tzinfo=PARIS)  # the previous month is November 2026


def _wiring(database_url: str) -> Wiring:
    wiring = build(Settings(database_url=database_url, rules_dir=None, argon2_memory_kib=8192, argon2_time_cost=1))
    return attrs.evolve(wiring, portal=attrs.evolve(wiring.portal, clock=FakeClock(TODAY)))


def _count(wiring: Wiring, table: t.Table) -> int:
    with wiring.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_adds_families_with_the_shared_password_two_children_and_a_filled_previous_month(database_url: str) -> None:
    wiring = _wiring(database_url)
    try:
        assert load_families(wiring, 3) == 3
        assert [login_of(i) for i in (1, 3)] == ["famille00001", "famille00003"]
        for index in (1, 2, 3):
            session = wiring.portal.authentication.login(login_of(index), PASSWORD)
            assert session.account.organisation_code == DEMO_ORGANISATION
            with wiring.uow() as uow:
                children = uow.families.children_of(session.account.family_id)
                assert len(children) == 2
                for child in children:
                    services = {e.service_code for e in uow.planning.enrolments_of(child.id)}
                    assert services == {"GARDERIE MATIN", "GARDERIE MIDI", "GARDERIE SOIR", "RESTAURATION"}
        with wiring.engine.connect() as connection:
            # the scaled families' rows (the base demo's crèche contract has its own, from September)
            booked = connection.execute(select(t.bookings.c.service_code, t.bookings.c.day)
                                        .where(t.bookings.c.service_code != "CRECHE")).all()
            absent = connection.execute(select(t.absences.c.day)).all()
            pointed = Counter(r.status for r in connection.execute(
                select(t.attendance.c.status).where(t.attendance.c.service_code != "CRECHE")))
        days = {day for _, day in booked}
        assert days and min(days) >= date(2026, 11, 1) and max(days) <= date(2026, 11, 30)
        assert date(2026, 11, 11) not in days  # Armistice: a public holiday
        assert date(2026, 11, 2) in days  # the Monday after the Toussaint holidays
        wednesdays = {service for service, day in booked if day.weekday() == 2}
        assert wednesdays == {"GARDERIE MATIN"}  # only the morning garderie opens on Wednesday
        assert absent and pointed["present"] > 0 and pointed["absent"] == len(absent)
        assert pointed.total() == len(booked)
    finally:
        wiring.engine.dispose()


def test_is_idempotent_and_adds_only_the_missing_families(database_url: str) -> None:
    wiring = _wiring(database_url)
    try:
        assert load_families(wiring, 2) == 2
        counts = [_count(wiring, table) for table in (t.families, t.children, t.bookings, t.attendance)]
        assert load_families(wiring, 2) == 0
        assert [_count(wiring, table) for table in (t.families, t.children, t.bookings, t.attendance)] == counts
        assert load_families(wiring, 3) == 1
        assert _count(wiring, t.families) == counts[0] + 1
    finally:
        wiring.engine.dispose()


def test_the_command_refuses_a_count_beyond_five_digits(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--families", "100000"])
    assert "--families : un nombre entre 0 et 99999" in capsys.readouterr().err
