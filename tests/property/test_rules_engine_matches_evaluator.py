"""Durable and the plain evaluator give the same decisions (rule ids and outcomes)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from famille.adapters.rules.bundle import load_bundle
from famille.adapters.rules.engine import DurableRules
from famille.adapters.rules.evaluate import matching_rules
from famille.adapters.rules.format import FieldSpec, Policy, RuleFileError
from famille.rules import default_rules_dir

ENGINE = DurableRules(default_rules_dir(), memo_size=0)
POLICIES = sorted(ENGINE.bundle.policies.values(), key=lambda p: (p.name, p.organisation or ""))


def value_of(spec: FieldSpec) -> st.SearchStrategy[Any]:
    if spec.type == "boolean":
        return st.booleans()
    if spec.type == "integer":
        return st.integers(min_value=spec.min or 0, max_value=spec.max or 0)
    return st.sampled_from(spec.values)


@st.composite
def policy_and_facts(draw: st.DrawFn) -> tuple[Policy, dict[str, Any]]:
    policy = draw(st.sampled_from(POLICIES))
    facts = {name: draw(value_of(spec)) for name, spec in policy.inputs.items()}
    return policy, facts


@settings(max_examples=600, deadline=None)
@given(policy_and_facts())
def test_durable_decides_like_the_plain_evaluator_on_every_shipped_policy(case: tuple[Policy, dict[str, Any]]) -> None:
    policy, facts = case
    decision = ENGINE.decide(policy.name, facts)
    expected = matching_rules(policy, facts)
    assert [h.rule_id for h in decision.hits] == [r.id for r in expected]
    assert [dict(h.outcome) for h in decision.hits] == [dict(r.then) for r in expected]


VALUES = ["a", "b", "c"]


@st.composite
def small_table(draw: st.DrawFn) -> dict[str, Any]:
    """A random table over x (enum a|b|c), n (0..20), f (boolean), ending with a default rule."""
    rules = []
    for index in range(draw(st.integers(1, 6))):
        when: dict[str, Any] = {}
        if draw(st.booleans()):
            when["x"] = draw(st.one_of(st.sampled_from(VALUES), st.lists(st.sampled_from(VALUES), min_size=1,
                                                                          max_size=3, unique=True),
                                       st.builds(lambda v: {"not": v}, st.sampled_from(VALUES))))
        if draw(st.booleans()):
            op = draw(st.sampled_from(["<", "<=", ">", ">="]))
            when["n"] = {op: draw(st.integers(0, 20))}
        if draw(st.booleans()):
            when["f"] = draw(st.booleans())
        rules.append({"id": f"r{index}", "when": when, "then": {"out": index}, "message": f"règle {index}"})
    rules.append({"id": "defaut", "when": {}, "then": {"out": 99}, "message": "défaut"})
    return {
        "policy": "random_table", "hit_policy": draw(st.sampled_from(["first", "collect"])),
        "inputs": {"x": {"type": "enum", "values": VALUES}, "n": {"type": "integer", "min": 0, "max": 20},
                   "f": {"type": "boolean"}},
        "outputs": {"out": {"type": "integer"}}, "rules": rules,
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_table())
def test_durable_decides_like_the_plain_evaluator_on_random_small_tables(table: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "rules"
        folder.mkdir()
        (folder / "random_table.yaml").write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")
        try:
            load_bundle(folder)
        except RuleFileError as error:  # dead rules are refused at load: nothing to compare
            assert all("jamais retenue" in p for p in error.problems)
            return
        engine = DurableRules(folder, memo_size=0)
        policy = engine.bundle.policy("random_table", None)
        for x in VALUES:
            for n in (0, 5, 10, 15, 20):
                for f in (False, True):
                    facts = {"x": x, "n": n, "f": f}
                    got = [h.rule_id for h in engine.decide("random_table", facts).hits]
                    assert got == [r.id for r in matching_rules(policy, facts)]
