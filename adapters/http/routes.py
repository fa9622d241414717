"""The base of the API resources that work through one use case of the kernel."""

from __future__ import annotations

from typing import Generic, TypeVar

UseCase = TypeVar("UseCase")


class Route(Generic[UseCase]):
    """A resource served through the one use case the composition root gives it (`self._use_case`)."""

    def __init__(self, use_case: UseCase) -> None:
        self._use_case = use_case
