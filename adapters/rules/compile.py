"""Compiling a validated decision table into a durable-rules ruleset definition.

Only the constructs measured to behave are emitted: equality, `$neq`, `$lt`/`$lte`/
`$gt`/`$gte` on integers, `$and`/`$or`. Every event carries the marker `famille_decision: 1`
so that a rule without conditions (the default) has a test that is always true
(never `$ex` on `sid`, which loops). Rule `i` gets `pri: i` (lowest wins for an event)
and its action appends `i` to `state["hits"]`:
- `first`/`unique` are posted as an event: one rule consumes it, the lowest `pri`;
- `collect` is asserted as a fact: every matching rule fires, in `pri` order.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from famille.adapters.rules.format import Policy, Test

MARKER = "famille_decision"
_DURABLE_OP = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


def test_expression(test: Test) -> dict[str, Any]:
    """The durable expression of one condition."""
    if test.op in _DURABLE_OP:
        return {_DURABLE_OP[test.op]: {test.field: test.value}}
    if test.op == "in":
        alternatives = [{test.field: v} for v in test.value]
        return alternatives[0] if len(alternatives) == 1 else {"$or": alternatives}
    refusals = [{"$neq": {test.field: v}} for v in test.value]
    return refusals[0] if len(refusals) == 1 else {"$and": refusals}


def definition(policy: Policy) -> dict[str, dict[str, Any]]:
    """The ruleset definition without actions: rule key `r<i>` → `all`/`pri` (JSON-serialisable)."""
    out = {}
    for index, rule in enumerate(policy.rules):
        expression = [{MARKER: 1}, *(test_expression(t) for t in rule.tests)]
        out[f"r{index}"] = {"all": [{"m": {"$and": expression}}], "pri": index}
    return out


def ruleset_name(policy: Policy) -> str:
    """A name unique to the table's content: `famille_<digest8>_<org>_<policy>`."""
    canonical = json.dumps([policy.organisation, policy.hit_policy, definition(policy)], sort_keys=True,
                           ensure_ascii=False)
    short = hashlib.sha256(canonical.encode()).hexdigest()[:8]
    org = re.sub(r"[^a-z0-9]", "_", (policy.organisation or "defaut").lower())
    return f"famille_{short}_{org}_{policy.name}"


def _recorder(index: int) -> Callable[[Any], None]:
    def record(c: Any) -> None:
        c.s.hits = [*(c.s.hits or []), index]

    return record


def ruleset(policy: Policy) -> dict[str, dict[str, Any]]:
    """The definition with the actions that record each hit in the state."""
    out = definition(policy)
    for index, key in enumerate(out):
        out[key]["run"] = _recorder(index)
    return out
