"""A worker made ready before its first request: no request pays for what is done once."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from famille import bootstrap
from famille.adapters.sqlalchemy.migrate import upgrade
from famille.bootstrap import Wiring, build, ready_for_requests
from famille.config import Settings
from tests.support.server import free_port


def test_a_worker_leaves_what_it_made_at_start_out_of_the_collectors_passes(database_url: str) -> None:
    wiring = build(Settings.from_environ({"FAMILLE_DATABASE_URL": database_url}))
    before = gc.get_freeze_count()
    try:
        ready_for_requests(wiring)
        assert gc.get_freeze_count() > max(before, 10_000)  # the modules, tables and holiday data
    finally:
        gc.unfreeze()
        wiring.engine.dispose()


def test_the_app_built_before_the_fork_keeps_no_connection_and_each_worker_opens_its_own_and_watches_the_rules(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Wiring] = []

    def build_and_keep(settings: Settings) -> Wiring:
        made.append(build(settings))
        return made[-1]

    monkeypatch.setattr(bootstrap, "build", build_and_keep)
    settings = Settings.from_environ({"FAMILLE_DATABASE_URL": database_url, "FAMILLE_RULES_RELOAD_SECONDS": "5"})
    watching = {thread.name for thread in threading.enumerate()}
    _, in_worker = bootstrap.preload_wsgi_app(settings)
    wiring = made[0]
    try:
        # Built in gunicorn's master: the rules' organisations were read from the database, and that
        # connection is closed before the fork, so no two workers inherit and share it.
        assert wiring.engine.pool.checkedin() == 0
        assert "famille-rules-watch" not in {thread.name for thread in threading.enumerate()} - watching
        in_worker(3)  # in each worker, after the fork: its own watcher thread, a connection per thread
        assert "famille-rules-watch" in {thread.name for thread in threading.enumerate()} - watching
        assert wiring.engine.pool.checkedin() == (0 if wiring.engine.dialect.name == "sqlite" else 3)
    finally:
        wiring.rules.stop_watching()
        gc.unfreeze()
        wiring.engine.dispose()


def test_the_reads_of_every_request_are_compiled_before_the_first_one(database_url: str) -> None:
    wiring = build(Settings.from_environ({"FAMILLE_DATABASE_URL": database_url}))
    cache = wiring.engine._compiled_cache
    try:
        ready_for_requests(wiring)
        compiled = len(cache)
        with wiring.uow(read_only=True) as uow:  # what a booking reads, for a child that exists or not
            uow.families.caller_with_child("autre", "enfant")
            uow.planning.cells_of(["enfant", "autre"], date(2026, 12, 7), date(2027, 1, 8))
            uow.planning.grid_of("enfant", date(2026, 12, 1), date(2026, 12, 31))
            uow.organisations.with_services(["ville"])
            uow.planning.closures_of(["ville"], date(2026, 9, 1), date(2027, 8, 31))
        assert len(cache) == compiled  # nothing left to compile
    finally:
        gc.unfreeze()
        wiring.engine.dispose()


def test_a_database_never_migrated_stops_the_start_with_a_french_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jamais-migree.db'}"
    started = subprocess.run([sys.executable, "-m", "famille", "serve", "--port", str(free_port())],
                             env={**os.environ, "FAMILLE_DATABASE_URL": url}, capture_output=True, text=True,
                             timeout=60)
    assert started.returncode == 1
    assert "est vide, ce portail attend la révision" in started.stderr
    assert "lancez d'abord « famille migrate »" in started.stderr
    assert "Traceback" not in started.stderr
    upgrade(url, "0016")
    behind = subprocess.run([sys.executable, "-m", "famille", "serve", "--port", str(free_port())],
                            env={**os.environ, "FAMILLE_DATABASE_URL": url}, capture_output=True, text=True,
                            timeout=60)
    assert behind.returncode == 1 and "est à la révision 0016, ce portail attend la révision" in behind.stderr
