"""The portal's clock: the machine's unless FAMILLE_CLOCK sets where it starts."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from famille.adapters.clock import StartedClock, SystemClock
from famille.bootstrap import build
from famille.config import Settings
from famille.kernel.shared.time import PARIS

START = datetime(2025, 11, 24, 9, 0, tzinfo=PARIS)


def test_the_clock_setting_is_off_unless_famille_clock_is_set() -> None:
    assert Settings.from_environ({}).clock_start is None
    assert Settings.from_environ({"FAMILLE_CLOCK": ""}).clock_start is None


def test_famille_clock_is_read_as_an_aware_instant() -> None:
    settings = Settings.from_environ({"FAMILLE_CLOCK": "2025-11-24T09:00:00+01:00"})
    assert settings.clock_start == START


@pytest.mark.parametrize("value", ["demain", "2025-11-24T09:00:00", "2025-13-01"])
def test_a_bad_famille_clock_is_refused_in_french_naming_the_variable(value: str) -> None:
    with pytest.raises(ValueError, match=r"FAMILLE_CLOCK .* instant ISO 8601 avec son décalage"):
        Settings.from_environ({"FAMILLE_CLOCK": value})


def test_a_started_clock_starts_at_its_instant_and_then_runs() -> None:
    clock = StartedClock(START)
    first = clock.now()
    assert START <= first < START.replace(second=1)
    assert first.tzinfo is PARIS
    time.sleep(0.01)
    assert clock.now() > first


def test_the_portal_runs_on_the_started_clock_only_when_it_is_configured(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/famille.db"
    configured = build(Settings(database_url=url, rules_dir=None, clock_start=START))
    assert isinstance(configured.portal.clock, StartedClock)
    assert configured.portal.clock.now().date() == START.date()
    assert isinstance(build(Settings(database_url=url, rules_dir=None)).portal.clock, SystemClock)
