"""The outcomes the kernel reads, checked when the rule files are read, not when a family asks.

Each policy whose outcome the kernel turns into a value of its own (a deadline) is read here
through the kernel's own reader, so a rule the kernel could not use is refused by
`famille rules check` and by the reload (which keeps the previous rules), with the file, the rule
id and the field, instead of failing every request it decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from famille.adapters.rules.format import Policy, Rule
from famille.kernel.calendar.deadlines import DeadlineSpec, MalformedDeadline
from famille.kernel.planning.rules import DEADLINE_POLICY


def deadline_problems(rule: Rule) -> list[str]:
    """Why the kernel could not compute a deadline from this `booking_deadlines` rule (empty when it can).

    A rule saying `bookable: false` has no deadline; any other must give one (a `kind` first).
    """
    if rule.then.get("bookable", True) is False:
        return []
    try:
        DeadlineSpec.from_outcome(rule.then, rule_id=rule.id)
    except MalformedDeadline as error:
        return [f"champ « {error.field} » : {error}"]
    return []


#: Policy name → the check of one of its rules.
CHECKS: Mapping[str, Callable[[Rule], list[str]]] = {DEADLINE_POLICY: deadline_problems}


def outcome_problems(policy: Policy, default: Policy | None) -> list[str]:
    """The rules of `policy` whose outcome the kernel could not use, in French.

    `default`: the shipped policy an override was merged into; its rules are reported once, for its file.
    """
    check = CHECKS.get(policy.name)
    if check is None:
        return []
    inherited = {id(rule) for rule in default.rules} if default is not None and default is not policy else set()
    return [f"{policy.source}, règle « {rule.id} », {problem}"
            for rule in policy.rules if id(rule) not in inherited for problem in check(rule)]
