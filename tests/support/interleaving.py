"""Units of work that let another request in at a chosen point, to test what two requests at once do."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from famille.ports.persistence import UnitOfWorkFactory


class AfterFirstFeedRead:
    """Units of work whose first read of a calendar feed runs `then` before answering: another
    request (or a meeting point with one) comes between this request's read and its write."""

    def __init__(self, factory: UnitOfWorkFactory, then: Callable[[], object]) -> None:
        self._factory = factory
        self._then = then

    def __call__(self) -> _Hooked:
        return _Hooked(self._factory(), self._then)


class _Hooked:
    def __init__(self, inner: Any, then: Callable[[], object]) -> None:
        self._inner = inner
        self._then = then

    def __enter__(self) -> Any:
        uow = self._inner.__enter__()
        read = uow.planning.calendar_feed

        def read_then(child_id: str, family_id: str) -> Any:
            feed = read(child_id, family_id)
            uow.planning.calendar_feed = read
            self._then()
            return feed

        uow.planning.calendar_feed = read_then
        return uow

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._inner.__exit__(exc_type, exc, traceback)
