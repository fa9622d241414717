"""A worker made ready before its first request: no request pays for what is done once."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from famille import bootstrap
from famille.adapters.sqlalchemy.migrate import upgrade
from famille.bootstrap import Wiring, build, ready_for_requests
from famille.config import Settings


def test_a_worker_leaves_what_it_made_at_start_out_of_the_collectors_passes(tmp_path: Path) -> None:
    wiring = build(Settings.from_environ({"FAMILLE_DATABASE_URL": f"sqlite:///{tmp_path / 'famille.db'}"}))
    before = gc.get_freeze_count()
    try:
        ready_for_requests(wiring)
        assert gc.get_freeze_count() > max(before, 10_000)  # the modules, tables and holiday data
    finally:
        gc.unfreeze()
        wiring.engine.dispose()


def test_the_app_built_before_the_fork_keeps_no_connection_and_each_worker_watches_the_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Wiring] = []

    def build_and_keep(settings: Settings) -> Wiring:
        made.append(build(settings))
        return made[-1]

    monkeypatch.setattr(bootstrap, "build", build_and_keep)
    settings = Settings.from_environ({"FAMILLE_DATABASE_URL": f"sqlite:///{tmp_path / 'famille.db'}",
                                      "FAMILLE_RULES_RELOAD_SECONDS": "5"})
    upgrade(settings.database_url)
    watching = {thread.name for thread in threading.enumerate()}
    _, in_worker = bootstrap.preload_wsgi_app(settings)
    wiring = made[0]
    try:
        # Built in gunicorn's master: the rules' organisations were read from the database, and that
        # connection is closed before the fork, so no two workers inherit and share it.
        assert wiring.engine.pool.checkedin() == 0
        assert "famille-rules-watch" not in {thread.name for thread in threading.enumerate()} - watching
        in_worker()  # in each worker, after the fork: its own watcher thread
        assert "famille-rules-watch" in {thread.name for thread in threading.enumerate()} - watching
    finally:
        wiring.rules.stop_watching()
        gc.unfreeze()
        wiring.engine.dispose()
