"""A deadline the portal could not compute is refused with the rule files, never at booking time."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from famille.adapters.rules.bundle import inspect
from famille.adapters.rules.engine import DurableRules
from famille.rules import default_rules_dir

from .helpers import rules_folder

SHIPPED_TUESDAY = 'kind: calendar_days_before, days: 4, weekday: vendredi, at: "23:59"'
SAME_DAY_AS_CALENDAR = 'kind: calendar_days_before, days: 0, at: "00:05"'
EXPECTED = ("rules/booking_deadlines.yaml, règle « cantine-mardi-vendredi-23h59 », champ « days » : avec kind: "
            "calendar_days_before, « days » va de 1 à 366, pas 0 ; pour une échéance le jour même, écrivez "
            "kind: same_day")

OVERRIDE = """\
policy: booking_deadlines
replace:
  - id: garderie-veille-ouvree-18h
    when: {service: [GARDERIE MATIN, GARDERIE MIDI, GARDERIE SOIR]}
    then: {bookable: true, kind: same_day, days: 1, at: "08:00", needs_validation: false}
    message: "La garderie se réserve le jour même jusqu'à 08h00."
"""


def _shipped_deadlines() -> str:
    return (default_rules_dir() / "booking_deadlines.yaml").read_text(encoding="utf-8")


def test_the_check_refuses_zero_calendar_days_before_naming_the_file_the_rule_and_the_field(tmp_path: Path) -> None:
    text = _shipped_deadlines().replace(SHIPPED_TUESDAY, SAME_DAY_AS_CALENDAR)
    _, problems = inspect(rules_folder(tmp_path, **{"booking_deadlines.yaml": text}))
    assert problems == [EXPECTED]


@pytest.mark.parametrize(("written", "expected"), [
    ("kind: working_days_before, days: 0", "avec kind: working_days_before, « days » va de 1 à 100, pas 0 ; pour une "
                                           "échéance le jour même, écrivez kind: same_day"),
    ("kind: calendar_days_before, days: 400", "avec kind: calendar_days_before, « days » va de 1 à 366, pas 400"),
    ("kind: working_days_before, days: 300", "avec kind: working_days_before, « days » va de 1 à 100, pas 300"),
    ("kind: same_day, days: 2", "avec kind: same_day, « days » vaut 0 ou s'omet, pas 2"),
])
def test_the_check_refuses_days_outside_the_range_of_their_kind(tmp_path: Path, written: str, expected: str) -> None:
    text = _shipped_deadlines().replace(SHIPPED_TUESDAY, f'{written}, at: "23:59"')
    _, problems = inspect(rules_folder(tmp_path, **{"booking_deadlines.yaml": text}))
    assert problems == [f"rules/booking_deadlines.yaml, règle « cantine-mardi-vendredi-23h59 », champ « days » : "
                        f"{expected}"]


def test_an_override_is_reported_for_its_own_file_and_the_rules_it_inherits_are_not_reported_again(
        tmp_path: Path) -> None:
    text = _shipped_deadlines().replace(SHIPPED_TUESDAY, SAME_DAY_AS_CALENDAR)
    folder = rules_folder(tmp_path, **{"booking_deadlines.yaml": text,
                                       "organisations__saint-bonnet__booking_deadlines.yaml": OVERRIDE})
    _, problems = inspect(folder)
    assert problems == [
        EXPECTED,
        "rules/organisations/saint-bonnet/booking_deadlines.yaml, règle « garderie-veille-ouvree-18h », "
        "champ « days » : avec kind: same_day, « days » vaut 0 ou s'omet, pas 1",
    ]


def test_a_reload_refuses_such_a_file_and_keeps_the_previous_rules(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = rules_folder(tmp_path)
    engine = DurableRules(folder)
    version = engine.version
    path = folder / "booking_deadlines.yaml"
    path.write_text(_shipped_deadlines().replace(SHIPPED_TUESDAY, SAME_DAY_AS_CALENDAR), encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))
    with caplog.at_level(logging.ERROR, logger="famille.rules"):
        assert engine.reload_if_changed() is False
    assert "Nouvelles règles refusées" in caplog.text and EXPECTED in caplog.text
    assert engine.version == version
    decision = engine.decide("booking_deadlines", {"service": "RESTAURATION", "weekday": "mardi",
                                                   "action": "reservation"})
    assert (decision.rule_id, decision.outcome["days"]) == ("cantine-mardi-vendredi-23h59", 4)


def test_the_check_refuses_a_bookable_rule_that_gives_no_kind_of_deadline(tmp_path: Path) -> None:
    text = _shipped_deadlines().replace(SHIPPED_TUESDAY, 'days: 4, weekday: vendredi, at: "23:59"')
    _, problems = inspect(rules_folder(tmp_path, **{"booking_deadlines.yaml": text}))
    assert problems == ["rules/booking_deadlines.yaml, règle « cantine-mardi-vendredi-23h59 », champ « kind » : "
                        "« kind » manquant : une règle qui laisse réserver dit comment se calcule l'échéance "
                        "(kind: calendar_days_before, working_days_before, previous_weekday ou same_day), sinon "
                        "elle dit « bookable: false »"]
