"""A worker made ready before its first request: no request pays for what is done once."""

from __future__ import annotations

import gc
from pathlib import Path

from famille.bootstrap import build, ready_for_requests
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
