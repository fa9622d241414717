"""What a booking or absence request did, cell by cell, and why a cell was left out."""

from __future__ import annotations

import enum
from datetime import date

import attrs

from famille.kernel.planning.grid import Deadline
from famille.kernel.shared.errors import FieldError, ValidationFailed


class Outcome(enum.Enum):
    """What happened to one cell; the value is what the API says."""

    BOOKED = "reservee"
    PENDING = "en-attente"
    ALREADY_BOOKED = "deja-reservee"
    CANCELLED = "annulee"
    ABSENCE_PENDING = "absence-en-attente"
    ABSENCE_ACCEPTED = "absence-acceptee"
    ALREADY_ABSENT = "absence-deja-declaree"
    SKIPPED = "ignoree"


class SkipReason(enum.Enum):
    """Why a cell was left out; the value is a stable slug."""

    UNKNOWN_SERVICE = "service-inconnu"
    NOT_OPEN = "jour-sans-accueil"
    NOT_ENROLLED = "non-inscrit"
    NOT_BOOKABLE = "non-reservable"
    BEYOND_HORIZON = "hors-horizon"
    DEADLINE_PASSED = "delai-depasse"
    CELL_TAKEN = "case-occupee"
    NOT_BOOKED = "pas-de-reservation"
    REASON_NOT_ALLOWED = "raison-refusee"


@attrs.frozen
class CellResult:
    """The result for one cell: its outcome, a French message, and the rule and deadline behind it."""

    service_code: str
    day: date
    outcome: Outcome
    message: str
    skip: SkipReason | None = None
    rule_id: str | None = None
    deadline: Deadline | None = None
    in_time: bool = True


@attrs.frozen
class ChangeReport:
    """What one request did to one child's cells; `requirement` names a document to send, if any."""

    child_id: str
    results: tuple[CellResult, ...]
    requirement: str | None = None

    @property
    def done(self) -> tuple[CellResult, ...]:
        """The cells changed or already as asked."""
        return tuple(r for r in self.results if r.outcome is not Outcome.SKIPPED)

    @property
    def skipped(self) -> tuple[CellResult, ...]:
        """The cells left out, each with its reason."""
        return tuple(r for r in self.results if r.outcome is Outcome.SKIPPED)


class CellRefused(ValidationFailed):
    """A request for one single cell that cannot be granted (past its deadline, a holiday...).

    Carries the rule id and the deadline, which the HTTP adapter adds to the problem.
    """

    title = "Demande refusée"

    def __init__(self, result: CellResult) -> None:
        field = {SkipReason.UNKNOWN_SERVICE: "service", SkipReason.REASON_NOT_ALLOWED: "reason"}.get(
            result.skip, "date") if result.skip else "date"
        super().__init__([FieldError(field, result.message, result.rule_id)])
        self.result = result
        extra: dict[str, object | None] = {
            "reason": result.skip.value if result.skip else None,
            "rule_id": result.rule_id,
            "deadline": result.deadline.instant.isoformat() if result.deadline else None,
            "deadline_description": result.deadline.description if result.deadline else None,
        }
        # What is not known is left out, as the API document describes (never a null where a text is due).
        self.problem_extra: dict[str, object] = {k: v for k, v in extra.items() if v is not None}
