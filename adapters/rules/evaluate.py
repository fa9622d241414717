"""The plain-Python reading of a decision table: the reference the engine is tested against.

It also explains a decision: which rules were tried and which condition failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from famille.adapters.rules.format import Policy, Rule, RuleFileError, show


def matches(rule: Rule, facts: Mapping[str, Any]) -> bool:
    """Whether every condition of the rule holds for the facts."""
    return all(test.holds(facts[test.field]) for test in rule.tests)


def matching_rules(policy: Policy, facts: Mapping[str, Any]) -> list[Rule]:
    """The rules that decide, by the hit policy (facts already checked and completed).

    `first`: the first matching rule; `unique`: the only matching one (two = error);
    `collect`: every matching rule, in file order. Empty when no rule matches.
    """
    if policy.hit_policy == "first":
        for rule in policy.rules:
            if matches(rule, facts):
                return [rule]
        return []
    found = [rule for rule in policy.rules if matches(rule, facts)]
    if policy.hit_policy == "unique" and len(found) > 1:
        ids = ", ".join(r.id for r in found)
        raise RuleFileError([f"{policy.source} : hit_policy unique mais plusieurs règles décident ({ids})"])
    return found


def explain(policy: Policy, facts: Mapping[str, Any]) -> tuple[str, ...]:
    """A French trace: each rule tried, and the first condition that failed or « retenue »."""
    lines = []
    for rule in policy.rules:
        failed = next((t for t in rule.tests if not t.holds(facts[t.field])), None)
        if failed is None:
            lines.append(f"{rule.id} : retenue")
            if policy.hit_policy == "first":
                break
        else:
            lines.append(f"{rule.id} : écartée, condition « {failed.describe()} » fausse "
                         f"({failed.field} = {show(facts[failed.field])})")
    return tuple(lines)
