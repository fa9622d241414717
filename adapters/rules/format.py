"""The rule file model: one YAML file = one policy = one decision table.

Everything a policy editor can get wrong is checked here, before anything
reaches the engine, and reported in French with the file, the rule id and the field.
The model is plain frozen dataclasses; `yamlio.py` reads files into it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from famille.ports.rules import NoDecision, RulesError

HIT_POLICIES = ("first", "unique", "collect")
INPUT_TYPES = ("enum", "boolean", "integer")
OUTPUT_TYPES = ("enum", "boolean", "integer", "time", "string")
#: Operators a `when` may use, with the name the docs give them.
OPERATORS = ("in", "not", "<", "<=", ">", ">=")
ORDER_OPERATORS = ("<", "<=", ">", ">=")
TIME_PATTERN = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class RuleFileError(RulesError):
    """One or more rule files are wrong; `problems` lists one French sentence per mistake."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class FieldSpec:
    """An input or output of a table: its type and, by type, allowed values or bounds."""

    name: str
    type: str
    values: tuple[Any, ...] = ()
    min: int | None = None
    max: int | None = None
    default: Any = None

    def domain(self) -> tuple[Any, ...]:
        """The finite values of an enum or boolean field (integers are partitioned by `analysis`)."""
        if self.type == "boolean":
            return (False, True)
        return self.values


@dataclass(frozen=True)
class Test:
    """One condition on one fact: `op` is `in`, `not in` or an order operator."""

    field: str
    op: str
    value: Any

    def holds(self, fact: Any) -> bool:
        """Whether the fact satisfies this condition (types were checked at load)."""
        op, value = self.op, self.value
        if op == "in":
            return bool(fact in value)
        if op == "not in":
            return bool(fact not in value)
        if op == "<":
            return bool(fact < value)
        if op == "<=":
            return bool(fact <= value)
        if op == ">":
            return bool(fact > value)
        return bool(fact >= value)

    def describe(self) -> str:
        """The condition as a policy editor wrote it, in French."""
        if self.op in ("in", "not in"):
            shown = ", ".join(show(v).strip("« »") for v in self.value)
            if self.op == "in":
                return f"{self.field} = {shown}" if len(self.value) == 1 else f"{self.field} parmi [{shown}]"
            return f"{self.field} ≠ {shown}" if len(self.value) == 1 else f"{self.field} hors de [{shown}]"
        return f"{self.field} {self.op} {self.value}"


@dataclass(frozen=True)
class Rule:
    """One row of a decision table."""

    id: str
    tests: tuple[Test, ...]
    then: Mapping[str, Any]
    message: str

    def message_for(self, facts: Mapping[str, Any]) -> str:
        """The message with its placeholders filled: `{in.x}` from the facts, `{out.x}` from the outcome,
        `{x}` from whichever has it (the check refuses a name that both have)."""
        if "{" not in self.message:
            return self.message
        return self.message.format_map(
            {**facts, **self.then, "in": SimpleNamespace(**facts), "out": SimpleNamespace(**self.then)})


@dataclass(frozen=True)
class Example:
    """An example kept in a rule file: facts and the expected decision."""

    facts: Mapping[str, Any]
    rules: tuple[str, ...] | None = None
    then: Mapping[str, Any] = field(default_factory=dict)
    message: str | None = None
    index: int = 0


@dataclass(frozen=True)
class Policy:
    """A validated decision table, after the overrides of its organisation (if any)."""

    name: str
    description: str
    hit_policy: str
    inputs: Mapping[str, FieldSpec]
    outputs: Mapping[str, FieldSpec]
    rules: tuple[Rule, ...]
    examples: tuple[Example, ...]
    source: str
    organisation: str | None = None

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def check_facts(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The facts with defaults filled in, or `NoDecision` when they do not fit the inputs."""
        problems = fact_problems(self, facts)
        if problems:
            raise NoDecision(f"Politique « {self.name} » : " + " ; ".join(problems))
        full = {name: spec.default for name, spec in self.inputs.items() if spec.default is not None}
        full.update(facts)
        return full


def fact_problems(policy: Policy, facts: Mapping[str, Any]) -> list[str]:
    """What is wrong with a set of facts for this policy (empty when they fit)."""
    problems = []
    for name in facts:
        if name not in policy.inputs:
            problems.append(f"fait « {name} » inconnu (faits attendus : {', '.join(policy.inputs)})")
    for name, spec in policy.inputs.items():
        if name not in facts:
            if spec.default is None:
                problems.append(f"fait « {name} » manquant")
            continue
        problem = value_problem(spec, facts[name])
        if problem:
            problems.append(f"fait « {name} » : {problem}")
    return problems


def value_problem(spec: FieldSpec, value: Any) -> str | None:
    """Why `value` does not fit `spec`, in French, or None."""
    kind = spec.type
    if kind == "boolean":
        return None if type(value) is bool else f"{show(value)} n'est pas un booléen (true ou false)"
    if kind == "integer":
        if type(value) is not int:
            return f"{show(value)} n'est pas un nombre entier"
        if spec.min is not None and value < spec.min:
            return f"{value} est inférieur au minimum {spec.min}"
        if spec.max is not None and value > spec.max:
            return f"{value} est supérieur au maximum {spec.max}"
        return None
    if kind == "enum":
        if value in spec.values and type(value) is str:
            return None
        return f"valeur {show(value)} inconnue (valeurs permises : {', '.join(map(str, spec.values))})"
    if kind == "time":
        if isinstance(value, str) and TIME_PATTERN.match(value):
            return None
        return f"heure {show(value)} invalide (format « HH:MM », entre guillemets, par ex. \"23:59\")"
    if kind == "string":
        return None if isinstance(value, str) else f"{show(value)} n'est pas un texte"
    return f"type « {kind} » inconnu"


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"« {value} »"
    return str(value)
