"""The reason of an agent's refusal: one rule for the requests' queue and the bookings' and absences' one."""

from __future__ import annotations

import pytest

from famille.kernel.shared.errors import ValidationFailed
from famille.kernel.shared.refusals import REASON_MAX, refusal_reason


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_refusal_without_a_reason_is_refused_on_its_reason(reason: str | None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        refusal_reason(False, reason)

    [error] = refused.value.errors
    assert (error.field, error.message) == ("reason", "Indiquez le motif du refus : la famille le lira.")


def test_a_reason_longer_than_the_limit_is_refused_even_with_an_acceptance() -> None:
    for accept in (True, False):
        with pytest.raises(ValidationFailed, match=f"ne doit pas dépasser {REASON_MAX} caractères"):
            refusal_reason(accept, "x" * (REASON_MAX + 1))


def test_the_reason_is_kept_trimmed_and_an_acceptance_needs_none() -> None:
    assert refusal_reason(False, "  Complet \n") == "Complet"
    assert refusal_reason(False, "x" * REASON_MAX) == "x" * REASON_MAX
    assert refusal_reason(True, "  ") is None
