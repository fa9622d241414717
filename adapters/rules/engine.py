"""`DurableRules`: the rules port, decided by durable-rules 2.0.28 and served from compiled tables.

At load and at every reload, durable-rules decides every class of facts of every policy
once (`compiled.Table`): a decision is then a lookup in an immutable table, without lock,
and a reload swaps the tables in one assignment. durable stays the engine that decides:
the tables are its answers, and the examples of the rule files are checked against them.

Traps avoided (see /work/shared/dependencies.md): our own `Host` with no timer
threads; one lock around the host (not thread-safe); a fresh sid per decision and
`delete_state` in `finally`; `state["exception"]` checked; rulesets swapped on reload
through `delete_ruleset` so memory stays flat.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import durable_rules_engine
from durable.engine import Host, MessageNotHandledException

from famille.adapters.rules import compile as compiler
from famille.adapters.rules.bundle import Bundle, digest, load_bundle, stamp
from famille.adapters.rules.compiled import Table
from famille.adapters.rules.evaluate import explain
from famille.adapters.rules.examples import ExampleResult, run_examples
from famille.adapters.rules.format import Policy, RuleFileError
from famille.ports.rules import Decision, NoDecision, RuleHit, RulesUnavailable

_LOG = logging.getLogger("famille.rules")


class QuietHost(Host):  # type: ignore[misc]
    """A durable `Host` without its timer threads (decisions here are synchronous)."""

    def _run(self) -> None:
        """Start nothing: the stock host's dispatch threads crash under load."""

    def has_ruleset(self, name: str) -> bool:
        """Whether a ruleset of that name is registered."""
        return name in self._ruleset_directory

    def drop_ruleset(self, name: str) -> None:
        """Unregister a ruleset and free it in the engine (durable has no public way)."""
        ruleset = self._ruleset_directory.pop(name)
        self._ruleset_list.remove(ruleset)
        durable_rules_engine.delete_ruleset(ruleset._handle)


@dataclass(frozen=True)
class _Policies:
    """The tables of one policy: the shipped defaults and each organisation's overrides."""

    default: Table
    by_organisation: Mapping[str, Table]


@dataclass(frozen=True)
class _Active:
    """A bundle, the durable ruleset name of each of its policies, and their compiled tables."""

    bundle: Bundle
    names: Mapping[tuple[str | None, str], str]
    profile_names: Mapping[tuple[str, str], str]
    policies: Mapping[str, _Policies]
    profiles: Mapping[tuple[str, str], Table]
    #: each policy's default lookup, by name: what `decide` calls for a decision of the whole portal
    lookups: Mapping[str, Callable[[Mapping[str, Any]], Decision]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lookups", {name: tables.default.lookup for name, tables in self.policies.items()})

    def all_names(self) -> set[str]:
        return {*self.names.values(), *self.profile_names.values()}

    def tables(self) -> list[Table]:
        out = [t for p in self.policies.values() for t in (p.default, *p.by_organisation.values())]
        return out + list(self.profiles.values())


class DurableRules:
    """Decides by the rule files of `rules_dir`: durable-rules' answers, compiled into tables.

    The constructor loads, checks, compiles and tests every file (raising `RuleFileError`);
    `reload_if_changed()` takes a new version only if it passes the same checks.
    No thread is started unless `start_watching()` is called.
    """

    def __init__(self, rules_dir: Path, *, logger: logging.Logger | None = None, run_examples: bool = True,
                 organisations: Callable[[], Iterable[str] | None] | None = None) -> None:
        self._dir = Path(rules_dir)
        # The organisations that exist (asked at each load): an override folder must name one.
        self._organisations = organisations or (lambda: None)
        self._log = logger or _LOG
        self._host = QuietHost()
        self._host_lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._sids = itertools.count()
        self._counts = {"engine_calls": 0, "reloads": 0, "refused_reloads": 0}
        self._refused_digest: str | None = None
        self._watcher: threading.Thread | None = None
        self._stop_watching = threading.Event()
        self._active = self._prepare(load_bundle(self._dir, self._organisations()), examples=run_examples)

    # --- the port ------------------------------------------------------------------------

    def decide(self, policy: str, facts: Mapping[str, Any], *, organisation: str | None = None) -> Decision:
        """The decision of `policy` for `facts` with the rules of `organisation`: a table lookup."""
        active = self._active
        if organisation is None:
            lookup = active.lookups.get(policy)
            if lookup is not None:
                return lookup(facts)
        tables = active.policies.get(policy)
        if tables is None:
            raise self._unknown(active, policy)
        if organisation is None:
            return tables.default.lookup(facts)
        return tables.by_organisation.get(organisation, tables.default).lookup(facts)

    def input_values(self, policy: str, name: str, *, organisation: str | None = None) -> tuple[str, ...]:
        """The values the enum input `name` of `policy` lists (the organisation's overrides included)."""
        spec = self._compiled(self._active, policy, organisation).policy.inputs.get(name)
        if spec is None or spec.type != "enum":
            raise RulesUnavailable(f"politique « {policy} » sans entrée énumérée « {name} »")
        return tuple(str(value) for value in spec.values)

    def word_list(self, name: str) -> frozenset[str]:
        """A word list shipped beside the rule files (`<name>.txt`), lower-cased."""
        try:
            return self._active.bundle.word_lists[name]
        except KeyError:
            raise RulesUnavailable(f"liste de mots « {name} » inconnue") from None

    # --- beyond the port -----------------------------------------------------------------

    def explain(self, policy: str, facts: Mapping[str, Any], *, organisation: str | None = None) -> Decision:
        """The decision `decide` gives, with the plain evaluator's trace and the table cell it was read from."""
        table = self._compiled(self._active, policy, organisation)
        decision = table.decide(facts)
        trace = (table.describe_cell(facts), *explain(table.policy, table.policy.check_facts(facts)))
        return attrs.evolve(decision, trace=trace)

    def decide_by_engine(self, policy: str, facts: Mapping[str, Any], *, organisation: str | None = None,
                         profile: str | None = None) -> Decision:
        """The decision of a fresh durable session, without the table (to compare them in tests).

        With `profile`, the policy of that profile (`rules/profiles/<profile>/`).
        """
        with self._host_lock:
            # Read the rules in force under the host lock: a reload swaps them and drops the old
            # rulesets under the same lock, so the ruleset posted to is always registered.
            active = self._active
            if profile is not None:
                table = self._profile(active, profile, policy).policy
                name = active.profile_names[(profile, policy)]
            else:
                table = self._compiled(active, policy, organisation).policy
                name = active.names[(table.organisation, table.name)]
            full = table.check_facts(facts)
            indexes = self._post_locked(table, name, full)
        hits = tuple(self._hit(table, i, full) for i in indexes)
        return Decision(policy=policy, hits=hits, organisation=table.organisation, version=active.bundle.digest[:16])

    def table(self, policy: str, *, organisation: str | None = None, profile: str | None = None) -> Table:
        """The compiled table in force for a policy (of an organisation, or of a profile)."""
        if profile is not None:
            return self._profile(self._active, profile, policy)
        return self._compiled(self._active, policy, organisation)

    @property
    def version(self) -> str:
        """The digest of the rule files in force (16 hex digits)."""
        return self._active.bundle.digest[:16]

    @property
    def bundle(self) -> Bundle:
        """The rule files in force."""
        return self._active.bundle

    def stats(self) -> dict[str, Any]:
        """Counters: engine calls, reloads taken and refused, cells of the tables in force."""
        active = self._active
        with self._host_lock:
            counts = dict(self._counts)
        return {**counts, "cells": sum(len(t.hits) for t in active.tables()), "version": self.version}

    def run_examples(self) -> list[ExampleResult]:
        """Every example of the rules in force, decided by the compiled tables."""
        return self._run_examples(self._active)

    # --- reload --------------------------------------------------------------------------

    def reload_if_changed(self) -> bool:
        """Take the rule files if they changed and pass every check; True when a new version was taken.

        A refused version is logged (once) and the rules in force stay.
        """
        with self._reload_lock:
            current = self._active
            try:
                now = stamp(self._dir)
                if now == current.bundle.stamp:
                    return False
                new_digest = digest(self._dir)
            except (RuleFileError, OSError) as error:
                self._log.error("Règles illisibles (%s) ; les règles en vigueur restent appliquées.", error)
                return False
            if new_digest == current.bundle.digest:
                self._active = replace(current, bundle=replace(current.bundle, stamp=now))
                return False
            if new_digest == self._refused_digest:
                return False
            try:
                candidate = self._prepare(load_bundle(self._dir, self._organisations()), keep=current.all_names())
            except RuleFileError as error:
                self._refused_digest = new_digest
                self._counts["refused_reloads"] += 1
                self._log.error(
                    "Nouvelles règles refusées (version %s) ; les règles en vigueur (version %s) restent "
                    "appliquées. Problèmes :\n%s", new_digest[:16], current.bundle.digest[:16],
                    "\n".join(error.problems))
                return False
            with self._host_lock:
                self._active = candidate  # one assignment: deciders see the old tables or the new ones
                for name in current.all_names() - candidate.all_names():
                    self._host.drop_ruleset(name)
                self._counts["reloads"] += 1
            self._refused_digest = None
            self._log.info("Nouvelles règles en vigueur : version %s (remplace %s).",
                           candidate.bundle.digest[:16], current.bundle.digest[:16])
            return True

    def start_watching(self, interval: float = 5.0) -> None:
        """Check the files every `interval` seconds in a daemon thread (until `stop_watching`)."""
        if self._watcher is not None:
            return
        self._stop_watching.clear()

        def watch() -> None:
            while not self._stop_watching.wait(interval):
                try:
                    self.reload_if_changed()
                except Exception:  # the watcher must survive anything
                    self._log.exception("Erreur pendant la vérification des règles")

        self._watcher = threading.Thread(target=watch, name="famille-rules-watch", daemon=True)
        self._watcher.start()

    def stop_watching(self) -> None:
        """Stop the thread of `start_watching`."""
        self._stop_watching.set()
        if self._watcher is not None:
            self._watcher.join()
            self._watcher = None

    # --- internals -----------------------------------------------------------------------

    @staticmethod
    def _compiled(active: _Active, policy: str, organisation: str | None) -> Table:
        tables = active.policies.get(policy)
        if tables is None:
            raise DurableRules._unknown(active, policy)
        if organisation is None:
            return tables.default
        return tables.by_organisation.get(organisation, tables.default)

    @staticmethod
    def _unknown(active: _Active, policy: str) -> RulesUnavailable:
        known = ", ".join(sorted(active.policies))
        return RulesUnavailable(f"politique « {policy} » inconnue (politiques : {known})")

    @staticmethod
    def _profile(active: _Active, profile: str, policy: str) -> Table:
        try:
            return active.profiles[(profile, policy)]
        except KeyError:
            raise RulesUnavailable(f"profil « {profile} » sans politique « {policy} »") from None

    def _prepare(self, bundle: Bundle, keep: Iterable[str] = (), *, examples: bool = True) -> _Active:
        """Register the bundle's rulesets, compile their tables and run their examples.

        A table whose policy the engine already answered in this process (same conditions in the
        same order, same inputs: `_signature`) reuses those answers; on failure the rulesets that
        were new are unregistered.
        """
        kept = set(keep)
        names = {key: compiler.ruleset_name(p) for key, p in bundle.policies.items()}
        profile_names = {key: compiler.ruleset_name(p) for key, p in bundle.profiles.items()}
        tables = {**{names[k]: p for k, p in bundle.policies.items()},
                  **{profile_names[k]: p for k, p in bundle.profiles.items()}}
        version = bundle.digest[:16]
        added = []
        try:
            with self._host_lock:
                for name, table in tables.items():
                    if not self._host.has_ruleset(name):
                        self._host.register_rulesets({name: compiler.ruleset(table)})
                        added.append(name)

            def build(policy: Policy, name: str) -> Table:
                def decide(p: Policy, facts: dict[str, Any]) -> Sequence[int]:
                    with self._host_lock:
                        return self._post_locked(p, name, facts)
                signature = _signature(policy, name)
                table = Table.build(policy, version, decide, _ANSWERS.get(signature))
                _ANSWERS.put(signature, table.hits)
                return table

            compiled = {key: build(p, names[key]) for key, p in bundle.policies.items()}
            policies = {
                policy_name: _Policies(
                    default=compiled[(None, policy_name)],
                    by_organisation={org: t for (org, n), t in compiled.items() if org is not None and n == policy_name})
                for (org, policy_name) in compiled if org is None}
            profiles = {key: build(p, profile_names[key]) for key, p in bundle.profiles.items()}
            active = _Active(bundle, names, profile_names, policies, profiles)
            failures = [r.line() for r in self._run_examples(active) if not r.passed] if examples else []
            if failures:
                raise RuleFileError(failures)
        except BaseException:
            with self._host_lock:
                for name in added:
                    if name not in kept:
                        self._host.drop_ruleset(name)
            raise
        return active

    @staticmethod
    def _run_examples(active: _Active) -> list[ExampleResult]:
        by_policy = {id(t.policy): t for t in active.tables()}

        def decide(policy: Policy, facts: dict[str, Any]) -> Sequence[RuleHit]:
            return by_policy[id(policy)].decide(facts).hits

        return run_examples([t.policy for t in active.tables()], decide)

    def _post_locked(self, table: Policy, name: str, facts: dict[str, Any]) -> list[int]:
        """The indexes of the rules durable fires for completed facts (the host lock held by the caller)."""
        event = {**facts, compiler.MARKER: 1}
        sid = str(next(self._sids))
        event["sid"] = sid
        try:
            if table.hit_policy == "collect":
                state = self._host.assert_fact(name, event)
            else:
                state = self._host.post(name, event)
        except MessageNotHandledException:
            raise NoDecision(f"{table.source} : aucune règle ne décide ces faits") from None
        except Exception as error:
            raise RulesUnavailable(f"{table.source} : erreur du moteur de règles : {error}") from error
        finally:
            try:
                self._host.delete_state(name, sid)
            except Exception:  # a failed post may have kept no state: the failure above is the one reported
                _LOG.warning("%s : état %s non supprimé après la décision", table.source, sid, exc_info=True)
        self._counts["engine_calls"] += 1
        if not state or state.get("exception"):
            detail = state.get("exception") if state else "réponse vide"
            raise RulesUnavailable(f"{table.source} : erreur du moteur de règles : {detail}")
        indexes = sorted(state.get("hits") or [])
        if table.hit_policy != "collect":
            indexes = indexes[:1]
        return indexes

    @staticmethod
    def _hit(table: Policy, index: int, facts: Mapping[str, Any]) -> RuleHit:
        rule = table.rules[index]
        return RuleHit(rule_id=rule.id, message=rule.message_for(facts), outcome=MappingProxyType(dict(rule.then)))


def _signature(policy: Policy, name: str) -> tuple[Any, ...]:
    """What a table's cells depend on: the ruleset (conditions, order, hit policy) and the input domains."""
    return (name, tuple((n, s.type, s.values, s.min, s.max) for n, s in policy.inputs.items()))


class _Answers:
    """The engine's answers per table signature, shared by the engines of a process (bounded LRU).

    A signature fixes every answer (durable is deterministic): an unchanged policy is not
    decided again at a reload, nor by a second engine on the same files (tests build many).
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Any, ...], tuple[tuple[int, ...] | None, ...]] = OrderedDict()

    def get(self, signature: tuple[Any, ...]) -> tuple[tuple[int, ...] | None, ...] | None:
        with self._lock:
            found = self._items.get(signature)
            if found is not None:
                self._items.move_to_end(signature)
            return found

    def put(self, signature: tuple[Any, ...], hits: tuple[tuple[int, ...] | None, ...]) -> None:
        with self._lock:
            self._items[signature] = hits
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_ANSWERS = _Answers(256)
