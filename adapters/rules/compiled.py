"""A policy compiled into an immutable table: durable-rules decides each class of facts once.

A policy's inputs are finite: an enum has its values, a boolean two, and an integer input
only matters through the constants its conditions compare it with (`analysis.integer_constants`):
the constants `c1 < c2 < …` cut its range into the classes `[min, c1)`, `{c1}`, `(c1, c2)`,
`{c2}`, …, `(ck, max]`, and every condition holds or fails alike inside a class. The table has
one cell per combination of classes; at load, the engine decides one representative of each cell
(`Table.build` is given the engine's decider) and the cell keeps the hits. A decision is then the
cell's index (an integer is mapped to its class: a dict for a small range, bisection for a wide
one) and a tuple lookup: no lock, no engine call. Facts outside the declared domain find no index and are refused by `check_facts`
with its French message, never looked up.
"""

from __future__ import annotations

import itertools
import string
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from famille.adapters.rules.analysis import integer_constants
from famille.adapters.rules.format import FieldSpec, Policy
from famille.ports.rules import Decision, NoDecision, RuleHit

#: Decides a policy for completed facts through the engine: the indexes of the rules that hit.
EngineDecider = Callable[[Policy, dict[str, Any]], Sequence[int]]

_MISSING = object()


#: Integer inputs with at most this many values map each value to its cell offset in a dict;
#: wider ones (a quotient familial up to 1,000,000) find their interval by bisection.
DIRECT_RANGE = 4096


class _Intervals:
    """value → weighted class code of a wide integer input, by bisection (the `dict.get` of `Axis.weights`)."""

    def __init__(self, low: int, high: int, bounds: tuple[int, ...], stride: int) -> None:
        self.low, self.high, self.bounds, self.stride = low, high, bounds, stride

    def get(self, value: int) -> int | None:
        if value < self.low or value > self.high:
            return None
        i = bisect_left(self.bounds, value)
        code = 2 * i + 1 if i < len(self.bounds) and self.bounds[i] == value else 2 * i
        return code * self.stride


@dataclass(frozen=True)
class Axis:
    """One input of a table: how a value maps to its class, and one representative per class."""

    name: str
    spec: FieldSpec
    constants: tuple[int, ...] = ()

    @classmethod
    def of(cls, policy: Policy, name: str) -> Axis:
        spec = policy.inputs[name]
        constants = tuple(integer_constants(policy, name)) if spec.type == "integer" else ()
        return cls(name, spec, constants)

    def classes(self) -> list[tuple[int, Any] | None]:
        """For each class code, a representative value (None for an empty interval)."""
        spec = self.spec
        if spec.type != "integer":
            return list(enumerate(spec.domain()))
        low, high, bounds = int(spec.min or 0), int(spec.max or 0), self.constants
        out: list[tuple[int, Any] | None] = []
        for i in range(len(bounds) + 1):
            start = bounds[i - 1] + 1 if i else low
            end = bounds[i] - 1 if i < len(bounds) else high
            out.append((2 * i, start) if start <= end else None)
            if i < len(bounds):
                out.append((2 * i + 1, bounds[i]))
        return out

    def size(self) -> int:
        return len(self.classes())

    def describe(self, code: int) -> str:
        """The class of `code` in French, for a trace: « failed_attempts dans [10, 1000] »."""
        if self.spec.type != "integer":
            return f"{self.name} = {self.spec.domain()[code]}"
        low, high, bounds = int(self.spec.min or 0), int(self.spec.max or 0), self.constants
        i = code // 2
        if code % 2:
            return f"{self.name} = {bounds[i]}"
        start = bounds[i - 1] + 1 if i else low
        end = bounds[i] - 1 if i < len(bounds) else high
        return f"{self.name} dans [{start}, {end}]"

    def python_type(self) -> type:
        """The exact class a fact must have (a boolean is not an integer, a str subclass not a value)."""
        return {"boolean": bool, "enum": str, "integer": int}[self.spec.type]

    def weights(self, stride: int) -> Mapping[Any, int] | _Intervals:
        """value → class code × stride; `.get` gives None for a value outside the declared domain."""
        spec = self.spec
        if spec.type != "integer":
            return {value: code * stride for code, value in enumerate(spec.domain())}
        low, high, bounds = int(spec.min or 0), int(spec.max or 0), self.constants
        intervals = _Intervals(low, high, bounds, stride)
        if high - low >= DIRECT_RANGE:
            return intervals
        return {value: intervals.get(value) or 0 for value in range(low, high + 1)}


def _integer_placeholders(policy: Policy) -> frozenset[str]:
    """The rules whose message shows an integer fact: their text depends on the value, not the class."""
    integers = {n for n, s in policy.inputs.items() if s.type == "integer"}
    return frozenset(
        rule.id for rule in policy.rules
        if any(name in integers for _, name, _, _ in string.Formatter().parse(rule.message) if name)
    )


@dataclass(frozen=True)
class Table:
    """The compiled decisions of one policy (with one organisation's overrides) at one rules version."""

    policy: Policy
    version: str
    axes: tuple[Axis, ...]
    #: per cell: the indexes of the rules that hit (as the engine decided), None for an empty cell
    hits: tuple[tuple[int, ...] | None, ...]
    #: per cell: the decision, ready (None when a message depends on an integer's exact value)
    decisions: tuple[Decision | None, ...]
    #: per input: name, default (or `_MISSING`), exact class, value → class code × stride, stride
    plan: tuple[tuple[str, Any, type, Mapping[Any, int] | _Intervals, int], ...]
    #: facts → decision: the fast path of `decide` (see `_lookup`)
    lookup: Callable[[Mapping[str, Any]], Decision] = field(compare=False, repr=False)

    @classmethod
    def build(cls, policy: Policy, version: str, decide: EngineDecider,
              known: Sequence[tuple[int, ...] | None] | None = None) -> Table:
        """Ask the engine for every cell (or reuse `known`, its answers for the same rules and cells)."""
        axes = tuple(Axis.of(policy, name) for name in policy.inputs)
        representatives = list(cells(axes))
        hits = tuple(known) if known is not None else tuple(
            None if facts is None else tuple(decide(policy, facts)) for facts in representatives)
        variable = _integer_placeholders(policy)
        decisions = tuple(
            None if h is None or facts is None or any(policy.rules[i].id in variable for i in h)
            else _decision(policy, version, h, facts)
            for h, facts in zip(hits, representatives, strict=True))
        strides, stride = [], 1
        for axis in reversed(axes):
            strides.append(stride)
            stride *= axis.size()
        plan = tuple((axis.name, _MISSING if axis.spec.default is None else axis.spec.default, axis.python_type(),
                      axis.weights(step), step) for axis, step in zip(axes, reversed(strides), strict=True))
        table = cls(policy, version, axes, hits, decisions, plan, lambda facts: table.slow(facts))
        object.__setattr__(table, "lookup", _lookup(table))
        return table

    def index(self, facts: Mapping[str, Any]) -> int:
        """The cell of `facts`, or `NoDecision` (from `check_facts`) when they are outside the domain."""
        index = 0
        given = 0
        for name, default, kind, weights, _ in self.plan:
            value = facts.get(name, _MISSING)
            if value is _MISSING:
                value = default
            else:
                given += 1
            weight = weights.get(value) if value.__class__ is kind else None
            if weight is None:
                break
            index += weight
        else:
            if given == len(facts):
                return index
        self.policy.check_facts(facts)  # raises the French explanation
        raise NoDecision(f"Politique « {self.policy.name} » : faits hors de la table compilée ({dict(facts)})")

    def decide(self, facts: Mapping[str, Any]) -> Decision:
        """The decision for `facts`: a lookup in the table."""
        return self.lookup(facts)

    def slow(self, facts: Mapping[str, Any]) -> Decision:
        """`decide` when facts are left to their defaults, are refused, or show an integer in a message."""
        index = self.index(facts)
        decision = self.decisions[index]
        if decision is not None:
            return decision
        hits = self.hits[index]
        assert hits is not None  # a value of the domain never falls in an empty interval
        return _decision(self.policy, self.version, hits, self.policy.check_facts(facts))

    def describe_cell(self, facts: Mapping[str, Any]) -> str:
        """The cell of `facts` in French, for `famille rules eval`."""
        index, parts = self.index(facts), []
        for axis, (_, _, _, _, stride) in zip(self.axes, self.plan, strict=True):
            parts.append(axis.describe(index // stride % axis.size()))
        return f"table compilée de {len(self.hits)} cases, case n° {index} : " + ", ".join(parts)


def _lookup(table: Table) -> Callable[[Mapping[str, Any]], Decision]:
    """The fast path of `Table.decide`, for facts that give every input and have a ready decision.

    Everything it needs is bound in the closure: this is the code a decision runs at each request.
    """
    plan = tuple((name, kind, weights) for name, _, kind, weights, _ in table.plan)
    count, decisions, slow = len(plan), table.decisions, table.slow
    if count == 1:
        return _lookup_one(plan[0], decisions, slow)

    def lookup(facts: Mapping[str, Any]) -> Decision:
        if len(facts) != count:
            return slow(facts)
        index = 0
        for name, kind, weights in plan:
            value = facts.get(name, _MISSING)
            weight = weights.get(value) if value.__class__ is kind else None
            if weight is None:
                return slow(facts)
            index += weight
        return decisions[index] or slow(facts)

    return lookup


def _lookup_one(axis: tuple[str, type, Mapping[Any, int] | _Intervals], decisions: tuple[Decision | None, ...],
                slow: Callable[[Mapping[str, Any]], Decision]) -> Callable[[Mapping[str, Any]], Decision]:
    """`_lookup` for a policy of one input (a lockout threshold, an absence reason): no loop."""
    name, kind, weights = axis

    def lookup(facts: Mapping[str, Any]) -> Decision:
        if len(facts) == 1:
            value = facts.get(name, _MISSING)
            if value.__class__ is kind:
                weight = weights.get(value)
                if weight is not None:
                    return decisions[weight] or slow(facts)
        return slow(facts)

    return lookup


def cells(axes: Sequence[Axis]) -> Iterator[dict[str, Any] | None]:
    """A representative of every cell, in index order (None for a cell with an empty interval)."""
    for combo in itertools.product(*(axis.classes() for axis in axes)):
        if any(c is None for c in combo):
            yield None
        else:
            yield {axis.name: c[1] for axis, c in zip(axes, combo, strict=True) if c is not None}


def _decision(policy: Policy, version: str, indexes: tuple[int, ...], facts: Mapping[str, Any]) -> Decision:
    hits = tuple(RuleHit(rule_id=policy.rules[i].id, message=policy.rules[i].message_for(facts),
                         outcome=MappingProxyType(dict(policy.rules[i].then))) for i in indexes)
    return Decision(policy=policy.name, hits=hits, organisation=policy.organisation, version=version)
