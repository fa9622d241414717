"""The rules port: decisions delegated to the rule files that policy editors change.

The kernel asks for a decision by policy name and facts; it never knows how the
rule files are written or which engine runs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import attrs


@attrs.frozen
class RuleHit:
    """One rule that matched: its id, its French message and the outcome it gives."""

    rule_id: str
    message: str
    outcome: Mapping[str, Any]


@attrs.frozen
class Decision:
    """What a policy decided for a set of facts.

    `hits` holds the rules that decided, in their order in the file: one for a
    `first` or `unique` hit policy, all matching ones for `collect`. `organisation`
    is the code of the organisation whose rules applied (None for the shipped
    defaults), `version` the digest of the rule files in force.
    """

    policy: str
    hits: tuple[RuleHit, ...]
    organisation: str | None
    version: str
    trace: tuple[str, ...] = ()

    @property
    def rule_id(self) -> str:
        """The id of the (first) rule that decided."""
        return self.hits[0].rule_id

    @property
    def message(self) -> str:
        """The French message of the (first) rule that decided."""
        return self.hits[0].message

    @property
    def outcome(self) -> Mapping[str, Any]:
        """The outcome of the (first) rule that decided."""
        return self.hits[0].outcome


class RulesError(Exception):
    """A rule file or a request for a decision is wrong (unknown policy, bad facts)."""


class NoDecision(RulesError):
    """The policy does not decide these facts: a value its inputs do not list (a service the file
    does not name) or no rule matching. An answer about the facts, which a caller may turn into
    its own (« no deadline for this service »)."""


class RulesUnavailable(RulesError):
    """The rules could not be consulted: an unknown policy, or the engine failed. A fault, never an
    answer: callers let it through, and the driving adapters report it (HTTP 503) and log it."""


class Rules(Protocol):
    """Decides by the rule files in force.

    Contract:
    - `decide` returns the decision of `policy` for `facts` with the rules of
      `organisation` (its overrides over the shipped defaults); raises `NoDecision`
      when the facts do not fit the policy's inputs or no rule decides them, and
      `RulesUnavailable` when the policy is unknown or the engine fails (never
      `NoDecision` for a fault). Every policy has an explicit default rule, so a
      valid request always decides.
    - `input_values` returns the values a policy's enum input lists, in the file's order, for
      `organisation` (e.g. the absence reasons of `absence_reasons`); `RulesUnavailable` for an
      unknown policy or input.
    - `word_list` returns a list of words that the rule files ship
      (e.g. `common_passwords`), lower-cased.
    - `version` names the rule files in force (a digest): it changes whenever a reload takes new
      files, so work derived from the rules (a month's deadlines) may be kept under it.
    - Safe to call from several threads at once.
    """

    @property
    def version(self) -> str:
        """The version (a digest) of the rule files in force."""
        ...

    def decide(
        self, policy: str, facts: Mapping[str, Any], *, organisation: str | None = None
    ) -> Decision:
        """The decision of `policy` for `facts`."""
        ...

    def input_values(self, policy: str, name: str, *, organisation: str | None = None) -> tuple[str, ...]:
        """The values the enum input `name` of `policy` lists."""
        ...

    def word_list(self, name: str) -> frozenset[str]:
        """A word list shipped beside the rule files, lower-cased."""
        ...
