"""Background work in a pool of threads of this process (per gunicorn worker)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future

log = logging.getLogger("famille.background")


class ThreadBackground:
    """Implements `famille.ports.background.Background` on an executor; a failure is logged, traceback included."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    def submit(self, work: Callable[[], None]) -> None:
        """Hand `work` to the executor and return at once."""
        self._executor.submit(work).add_done_callback(_log_failure)


def _log_failure(future: Future[None]) -> None:
    error = future.exception()
    if error is not None:
        log.error("Échec d'un travail en arrière-plan", exc_info=error)
