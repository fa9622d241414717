"""Running the examples kept in the rule files (like `opa test`).

An example's `expect` may give `rule` (the deciding rule, first/unique), `rules`
(every deciding rule, in file order; for collect), `then` (a part of the first hit's
outcome) and `message` (the first hit's message, exactly).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from famille.adapters.rules.format import Example, Policy
from famille.ports.rules import RuleHit

#: Decides a policy for completed facts; returns the hits in file order.
Decider = Callable[[Policy, dict[str, Any]], Sequence[RuleHit]]


@dataclass(frozen=True)
class ExampleResult:
    """One example run: where it is, whether it passed, and why not."""

    source: str
    index: int
    passed: bool
    detail: str = ""

    def line(self) -> str:
        """One line of the `famille rules test` report."""
        status = "OK   " if self.passed else "ÉCHEC"
        text = f"{status} {self.source} exemple n° {self.index}"
        return f"{text} : {self.detail}" if self.detail else text


def failure(example: Example, hits: Sequence[RuleHit]) -> str:
    """Why the hits do not meet the example's expectation, or an empty string."""
    ids = [h.rule_id for h in hits]
    if example.rules is not None and ids != list(example.rules):
        return f"règles attendues {list(example.rules)}, obtenues {ids}"
    if not hits:
        return "aucune règle ne décide" if (example.then or example.message) else ""
    outcome = hits[0].outcome
    wrong = {k: v for k, v in example.then.items() if outcome.get(k, object()) != v}
    if wrong:
        got = {k: outcome.get(k) for k in wrong}
        return f"sorties attendues {wrong}, obtenues {got} (règle « {ids[0]} »)"
    if example.message is not None and hits[0].message != example.message:
        return f"message attendu « {example.message} », obtenu « {hits[0].message} »"
    return ""


def run_examples(policies: Iterable[Policy], decide: Decider) -> list[ExampleResult]:
    """Every example of every policy, decided by `decide`."""
    results = []
    for policy in policies:
        for example in policy.examples:
            try:
                facts = policy.check_facts(example.facts)
                detail = failure(example, decide(policy, facts))
            except Exception as error:  # an example must report, not stop the run
                detail = f"erreur : {error}"
            results.append(ExampleResult(policy.source, example.index, not detail, detail))
    return results
