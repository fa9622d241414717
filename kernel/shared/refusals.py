"""The reason an agent gives when refusing what a family asked (a change of its records, a booking, an absence).

One rule for every queue: a refusal needs a reason, the family reads it, and it holds at most `REASON_MAX`
characters.
"""

from __future__ import annotations

from famille.kernel.shared.errors import FieldError, ValidationFailed

REASON_MAX = 2000


def refusal_reason(accept: bool, reason: str | None) -> str | None:
    """The reason given with a decision, trimmed (None when blank).

    `ValidationFailed` on the field `reason` when a refusal has none, or when it is longer than `REASON_MAX`.
    """
    reason = (reason or "").strip() or None
    if not accept and reason is None:
        raise ValidationFailed([FieldError("reason", "Indiquez le motif du refus : la famille le lira.")])
    if reason is not None and len(reason) > REASON_MAX:
        raise ValidationFailed([FieldError("reason", f"Le motif ne doit pas dépasser {REASON_MAX} caractères.")])
    return reason
