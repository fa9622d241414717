"""Static checks of a decision table by enumerating its finite input domain.

Integer inputs are finite here: the values that matter are `min`, `max` and, for
every constant `c` a condition uses, `c - 1`, `c` and `c + 1`; every other value
behaves like one of these.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from famille.adapters.rules.evaluate import matches
from famille.adapters.rules.format import Policy

#: Above this many combinations a table is not enumerated (reported, not checked).
MAX_COMBINATIONS = 200_000
SHOWN = 5


@dataclass(frozen=True)
class Analysis:
    """What enumeration found: undecided facts, unreachable rules and (for unique) overlaps."""

    combinations: int
    gaps: tuple[Mapping[str, Any], ...]
    dead: tuple[str, ...]
    overlaps: tuple[tuple[Mapping[str, Any], tuple[str, ...]], ...]
    too_large: bool = False

    def problems(self, policy: Policy) -> list[str]:
        """One French sentence per kind of problem, naming the file and the rules."""
        where = policy.source
        out = []
        if self.too_large:
            out.append(f"{where} : plus de {MAX_COMBINATIONS} combinaisons de faits, table non vérifiée")
        if self.gaps:
            shown = " ; ".join(_facts(g) for g in self.gaps[:SHOWN])
            more = f" (et {len(self.gaps) - SHOWN} autres)" if len(self.gaps) > SHOWN else ""
            out.append(f"{where} : faits non décidés : {shown}{more} ; ajoutez une règle par défaut (when: {{}})")
        for rule_id in self.dead:
            reason = "jamais retenue (les règles précédentes décident toujours avant elle)"
            if policy.hit_policy == "collect":
                reason = "jamais retenue (ses conditions ne sont jamais vraies ensemble)"
            out.append(f"{where}, règle « {rule_id} » : {reason}")
        for facts, ids in self.overlaps[:SHOWN]:
            out.append(f"{where} : hit_policy unique mais les règles {', '.join(ids)} décident toutes pour "
                       f"{_facts(facts)}")
        return out


def _facts(facts: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={_plain(v)}" for k, v in facts.items())


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def integer_constants(policy: Policy, name: str) -> list[int]:
    """The constants the conditions on an integer input compare it with, sorted, within its bounds.

    Every condition holds or fails alike for all the values strictly between two consecutive
    constants: the constants cut the input's range into the intervals a compiled table uses.
    """
    spec = policy.inputs[name]
    low, high = int(spec.min or 0), int(spec.max or 0)
    found: set[int] = set()
    for rule in policy.rules:
        for test in rule.tests:
            if test.field == name:
                found.update(test.value if isinstance(test.value, tuple) else (test.value,))
    return sorted(c for c in found if low <= c <= high)


def integer_points(policy: Policy, name: str) -> list[int]:
    """The representative values of an integer input (see the module docstring)."""
    spec = policy.inputs[name]
    low, high = int(spec.min or 0), int(spec.max or 0)
    points = {low, high}
    for c in integer_constants(policy, name):
        points.update(v for v in (c - 1, c, c + 1) if low <= v <= high)
    return sorted(points)


def domain(policy: Policy) -> dict[str, list[Any]]:
    """The values to try for each input."""
    return {
        name: integer_points(policy, name) if spec.type == "integer" else list(spec.domain())
        for name, spec in policy.inputs.items()
    }


def all_facts(policy: Policy) -> Iterator[dict[str, Any]]:
    """Every combination of the representative input values."""
    values = domain(policy)
    names = list(values)
    for combo in itertools.product(*(values[n] for n in names)):
        yield dict(zip(names, combo, strict=True))


def analyse(policy: Policy) -> Analysis:
    """Enumerate the table: gaps, dead rules and overlaps."""
    count = 1
    for values in domain(policy).values():
        count *= len(values)
    if count > MAX_COMBINATIONS:
        return Analysis(count, (), (), (), too_large=True)
    gaps, overlaps = [], []
    reached: set[str] = set()
    for facts in all_facts(policy):
        hits = [rule.id for rule in policy.rules if matches(rule, facts)]
        if not hits:
            gaps.append(facts)
            continue
        if policy.hit_policy == "first":
            reached.add(hits[0])
        else:
            reached.update(hits)
        if policy.hit_policy == "unique" and len(hits) > 1:
            overlaps.append((facts, tuple(hits)))
    dead = tuple(rule.id for rule in policy.rules if rule.id not in reached)
    return Analysis(count, tuple(gaps), dead, tuple(overlaps))
