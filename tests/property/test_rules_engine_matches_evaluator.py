"""The compiled table, a fresh durable session and the plain evaluator give the same decisions."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from famille.adapters.rules.bundle import load_bundle
from famille.adapters.rules.engine import DurableRules
from famille.adapters.rules.evaluate import matching_rules
from famille.adapters.rules.format import FieldSpec, Policy, RuleFileError
from famille.rules import default_rules_dir
from tests.unit.rules.helpers import shipped_copy

ENGINE = DurableRules(default_rules_dir())
#: Every shipped policy, each organisation's overrides and every profile: (profile or None, policy).
CASES = sorted(
    [(None, p) for p in ENGINE.bundle.policies.values()]
    + [(profile, p) for (profile, _), p in ENGINE.bundle.profiles.items()],
    key=lambda c: (c[1].name, c[1].organisation or "", c[0] or ""))


def value_of(spec: FieldSpec) -> st.SearchStrategy[Any]:
    if spec.type == "boolean":
        return st.booleans()
    if spec.type == "integer":
        # the whole range, and (often) the edges of the constants the conditions use
        return st.integers(min_value=spec.min or 0, max_value=spec.max or 0)
    return st.sampled_from(spec.values)


@st.composite
def policy_and_facts(draw: st.DrawFn) -> tuple[str | None, Policy, dict[str, Any]]:
    profile, policy = draw(st.sampled_from(CASES))
    facts = {}
    for name, spec in policy.inputs.items():
        if spec.default is not None and draw(st.booleans()):
            continue  # leave it to its default
        facts[name] = draw(value_of(spec))
    return profile, policy, facts


@settings(max_examples=1500, deadline=None)
@given(policy_and_facts())
@example((None, ENGINE.bundle.policy("login_lockout", None), {"failed_attempts": 9}))
@example((None, ENGINE.bundle.policy("login_lockout", None), {"failed_attempts": 10}))
@example((None, ENGINE.bundle.policy("qf_brackets", None), {"known": True, "quotient_familial": 1_000_000}))
def test_table_durable_and_plain_evaluator_agree_on_every_shipped_policy_and_profile(
        case: tuple[str | None, Policy, dict[str, Any]]) -> None:
    profile, policy, facts = case
    if profile is None:
        table = ENGINE.table(policy.name, organisation=policy.organisation)
        engine = ENGINE.decide_by_engine(policy.name, facts, organisation=policy.organisation)
    else:
        table = ENGINE.table(policy.name, profile=profile)
        engine = ENGINE.decide_by_engine(policy.name, facts, profile=profile)
    assert table.policy is policy
    compiled = table.decide(facts)
    expected = matching_rules(policy, policy.check_facts(facts))
    plain = [(r.id, dict(r.then), r.message_for({**policy.check_facts(facts), **r.then})) for r in expected]
    assert [(h.rule_id, dict(h.outcome), h.message) for h in compiled.hits] == plain
    assert [(h.rule_id, dict(h.outcome), h.message) for h in engine.hits] == plain
    if profile is None:
        assert ENGINE.decide(policy.name, facts, organisation=policy.organisation) == compiled


@st.composite
def outside_the_domain(draw: st.DrawFn) -> tuple[Policy, dict[str, Any]]:
    _, policy = draw(st.sampled_from(CASES))
    facts = {name: draw(value_of(spec)) for name, spec in policy.inputs.items()}
    name = draw(st.sampled_from(sorted(facts)))
    spec = policy.inputs[name]
    wrong = {
        "boolean": st.sampled_from([0, 1, "true", None]),
        "integer": st.one_of(st.integers(max_value=(spec.min or 0) - 1), st.integers(min_value=(spec.max or 0) + 1),
                             st.sampled_from([True, 1.0, "3", None])),
        "enum": st.one_of(st.text().filter(lambda t: t not in spec.values), st.sampled_from([1, True, None])),
    }[spec.type]
    facts[name] = draw(wrong)
    return policy, facts


@settings(max_examples=300, deadline=None)
@given(outside_the_domain())
def test_facts_outside_the_declared_domain_are_refused_by_the_table_with_the_checker_message(
        case: tuple[Policy, dict[str, Any]]) -> None:
    policy, facts = case
    table = ENGINE.table(policy.name, organisation=policy.organisation)
    try:
        policy.check_facts(facts)
    except Exception as error:
        expected = str(error)
    else:
        raise AssertionError(f"the checker accepts {facts}")
    try:
        table.decide(facts)
    except Exception as error:
        assert str(error) == expected
    else:
        raise AssertionError(f"the table decided {facts}")


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
        "policy": NAME, "hit_policy": draw(st.sampled_from(["first", "collect"])),
        "inputs": {"x": {"type": "enum", "values": VALUES}, "n": {"type": "integer", "min": 0, "max": 20},
                   "f": {"type": "boolean"}},
        "outputs": {"out": {"type": "integer"}}, "rules": rules,
    }


#: The shipped policy the random table stands in for (any of them: only the engine reads it here).
NAME = "qf_brackets"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_table())
def test_table_and_durable_decide_like_the_plain_evaluator_on_random_small_tables(table: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = shipped_copy(Path(tmp))  # every policy is required: the random table takes one's place
        table = {**table, "examples": [{"facts": {"x": VALUES[0], "n": 0, "f": False}, "expect": {}}]}
        (folder / f"{NAME}.yaml").write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")
        try:
            load_bundle(folder)
        except RuleFileError as error:  # dead rules are refused at load: nothing to compare
            assert all("jamais retenue" in p for p in error.problems)
            return
        engine = DurableRules(folder)
        policy = engine.bundle.policy(NAME, None)
        for x in VALUES:
            for n in range(21):
                for f in (False, True):
                    facts = {"x": x, "n": n, "f": f}
                    expected = [r.id for r in matching_rules(policy, facts)]
                    assert [h.rule_id for h in engine.decide(NAME, facts).hits] == expected
                    assert [h.rule_id for h in engine.decide_by_engine(NAME, facts).hits] == expected
