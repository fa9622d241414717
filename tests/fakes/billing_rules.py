"""The shipped rule files decided by the plain evaluator (no engine): billing's rules in unit tests."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from famille.adapters.rules.bundle import Bundle, load_bundle
from famille.adapters.rules.evaluate import matching_rules
from famille.ports.rules import Decision, RuleHit, RulesError
from famille.rules import default_rules_dir


@cache
def _shipped() -> Bundle:
    return load_bundle(default_rules_dir())


class ShippedRules:
    """Decides every shipped policy as the files say; counts the decisions asked."""

    version = "shipped"

    def __init__(self) -> None:
        self.bundle = _shipped()
        self.asked = 0

    def decide(self, policy: str, facts: Mapping[str, Any], *, organisation: str | None = None) -> Decision:
        self.asked += 1
        try:
            table = self.bundle.policy(policy, organisation)
        except KeyError:
            raise RulesError(f"politique inconnue : {policy}") from None
        full = table.check_facts(facts)
        hits = tuple(RuleHit(r.id, r.message_for(full), dict(r.then)) for r in matching_rules(table, full))
        return Decision(policy=policy, hits=hits, organisation=organisation, version="shipped")

    def word_list(self, name: str) -> frozenset[str]:
        return self.bundle.word_lists[name]
