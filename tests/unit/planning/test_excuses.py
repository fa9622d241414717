"""Is an absence excused? One decision for the grid and the invoice, on the shipped rule files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from famille.kernel.planning.excuses import Excuses
from famille.ports.rules import Decision, RulesUnavailable
from tests.fakes.rules import ShippedRules


@pytest.mark.parametrize(("in_time", "reason", "document", "excused"), [
    (True, "AUTRES", False, True),  # in time: nothing is billed, whatever the reason
    (False, "AUTRES", True, False),
    (False, "RAISON MEDICALE", False, False),  # the guide: a certificate is asked
    (False, "RAISON MEDICALE", True, True),
    (False, "VOYAGE OU SORTIE SCOLAIRE", False, True),  # excused, no document asked
    (False, None, False, False),
    (False, "VACANCES AU SKI", True, False),  # a reason the file does not list excuses nothing
])
def test_an_absence_is_excused_in_time_or_late_for_an_excusing_reason_with_its_document(
    in_time: bool, reason: str | None, document: bool, excused: bool
) -> None:
    assert Excuses(ShippedRules(), "org-a").excused(in_time=in_time, reason=reason, document=document) is excused


def test_a_rules_failure_is_not_read_as_a_reason_that_excuses_nothing() -> None:
    class Broken:
        def decide(self, policy: str, facts: Mapping[str, Any], *, organisation: str | None = None) -> Decision:
            raise RulesUnavailable("moteur en panne")

        def input_values(self, policy: str, name: str, *, organisation: str | None = None) -> tuple[str, ...]:
            raise RulesUnavailable("moteur en panne")

        def word_list(self, name: str) -> frozenset[str]:
            return frozenset()

        version = "panne"

    with pytest.raises(RulesUnavailable):
        Excuses(Broken(), "org-a").excused(in_time=False, reason="RAISON MEDICALE", document=True)
