"""`DurableRules`: the rules port run by durable-rules 2.0.28.

Traps avoided (see /work/shared/dependencies.md): our own `Host` with no timer
threads; one lock around the host (not thread-safe); a fresh sid per decision and
`delete_state` in `finally`; `state["exception"]` checked; rulesets swapped on reload
through `delete_ruleset` so memory stays flat. Decisions are memoised in a bounded
LRU keyed on (rules version, organisation, policy, facts): the facts are few and finite.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import durable_rules_engine
from durable.engine import Host, MessageNotHandledException

from famille.adapters.rules import compile as compiler
from famille.adapters.rules.bundle import Bundle, digest, load_bundle, stamp
from famille.adapters.rules.evaluate import explain
from famille.adapters.rules.examples import ExampleResult, run_examples
from famille.adapters.rules.format import Policy, RuleFileError
from famille.ports.rules import Decision, RuleHit, RulesError

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
class _Active:
    """A bundle with the durable ruleset name of each of its policies."""

    bundle: Bundle
    names: Mapping[tuple[str | None, str], str]
    profile_names: Mapping[tuple[str, str], str]

    def all_names(self) -> set[str]:
        return {*self.names.values(), *self.profile_names.values()}


class DurableRules:
    """Decides by the rule files of `rules_dir`, through durable-rules.

    The constructor loads, checks and tests every file (raising `RuleFileError`);
    `reload_if_changed()` takes a new version only if it passes the same checks.
    No thread is started unless `start_watching()` is called.
    """

    def __init__(self, rules_dir: Path, *, logger: logging.Logger | None = None, memo_size: int = 4096,
                 run_examples: bool = True) -> None:
        self._dir = Path(rules_dir)
        self._log = logger or _LOG
        self._host = QuietHost()
        self._host_lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._memo: OrderedDict[tuple[Any, ...], Decision] = OrderedDict()
        self._memo_lock = threading.Lock()
        self._memo_size = memo_size
        self._sids = itertools.count()
        self._counts = {"decisions": 0, "memo_hits": 0, "engine_calls": 0, "reloads": 0, "refused_reloads": 0}
        self._refused_digest: str | None = None
        self._watcher: threading.Thread | None = None
        self._stop_watching = threading.Event()
        self._active = self._prepare(load_bundle(self._dir), examples=run_examples)

    # --- the port ------------------------------------------------------------------------

    def decide(self, policy: str, facts: Mapping[str, Any], *, organisation: str | None = None) -> Decision:
        """The decision of `policy` for `facts` with the rules of `organisation`."""
        active = self._active
        table, _ = self._table(active, policy, organisation)
        cached = self._memo_get(self._key(active, table, policy, table.check_facts(facts)))
        if cached is not None:
            return cached
        with self._host_lock:
            # Read the rules in force under the host lock: a reload swaps them and drops the old
            # rulesets under the same lock, so the ruleset posted to is always registered.
            active = self._active
            table, name = self._table(active, policy, organisation)
            full = table.check_facts(facts)
            hits = self._post_locked(table, name, full)
        decision = Decision(policy=policy, hits=tuple(hits), organisation=table.organisation,
                            version=active.bundle.digest[:16])
        self._memo_put(self._key(active, table, policy, full), decision)
        return decision

    @staticmethod
    def _key(active: _Active, table: Policy, policy: str, full: Mapping[str, Any]) -> tuple[Any, ...]:
        return (active.bundle.digest, table.organisation, policy, tuple(sorted(full.items())))

    def word_list(self, name: str) -> frozenset[str]:
        """A word list shipped beside the rule files (`<name>.txt`), lower-cased."""
        try:
            return self._active.bundle.word_lists[name]
        except KeyError:
            raise RulesError(f"liste de mots « {name} » inconnue") from None

    # --- beyond the port -----------------------------------------------------------------

    def explain(self, policy: str, facts: Mapping[str, Any], *, organisation: str | None = None) -> Decision:
        """The decision (through durable, without memo) with the plain evaluator's trace."""
        with self._host_lock:
            active = self._active
            table, name = self._table(active, policy, organisation)
            full = table.check_facts(facts)
            hits = self._post_locked(table, name, full)
        return Decision(policy=policy, hits=tuple(hits), organisation=table.organisation,
                        version=active.bundle.digest[:16], trace=explain(table, full))

    @property
    def version(self) -> str:
        """The digest of the rule files in force (16 hex digits)."""
        return self._active.bundle.digest[:16]

    @property
    def bundle(self) -> Bundle:
        """The rule files in force."""
        return self._active.bundle

    def set_memo(self, size: int) -> None:
        """Change the memo size (0 disables it: every decision goes to durable)."""
        with self._memo_lock:
            self._memo_size = size
            self._memo.clear()

    def stats(self) -> dict[str, Any]:
        """Counters: decisions, memo hits, engine calls, reloads taken and refused, memo size."""
        with self._memo_lock:
            return {**self._counts, "memo_entries": len(self._memo), "version": self.version}

    def run_examples(self) -> list[ExampleResult]:
        """Every example of the rules in force, decided through durable."""
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
                candidate = self._prepare(load_bundle(self._dir), keep=current.all_names())
            except RuleFileError as error:
                self._refused_digest = new_digest
                self._counts["refused_reloads"] += 1
                self._log.error(
                    "Nouvelles règles refusées (version %s) ; les règles en vigueur (version %s) restent "
                    "appliquées. Problèmes :\n%s", new_digest[:16], current.bundle.digest[:16],
                    "\n".join(error.problems))
                return False
            with self._host_lock:
                self._active = candidate
                for name in current.all_names() - candidate.all_names():
                    self._host.drop_ruleset(name)
            with self._memo_lock:
                self._memo.clear()
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

    def _table(self, active: _Active, policy: str, organisation: str | None) -> tuple[Policy, str]:
        try:
            table = active.bundle.policy(policy, organisation)
        except KeyError:
            known = ", ".join(sorted({name for _, name in active.bundle.policies}))
            raise RulesError(f"politique « {policy} » inconnue (politiques : {known})") from None
        return table, active.names[(table.organisation, table.name)]

    def _prepare(self, bundle: Bundle, keep: Iterable[str] = (), *, examples: bool = True) -> _Active:
        """Register the bundle's rulesets and run its examples; on failure unregister what was new."""
        kept = set(keep)
        names = {key: compiler.ruleset_name(p) for key, p in bundle.policies.items()}
        profile_names = {key: compiler.ruleset_name(p) for key, p in bundle.profiles.items()}
        tables = {**{names[k]: p for k, p in bundle.policies.items()},
                  **{profile_names[k]: p for k, p in bundle.profiles.items()}}
        added = []
        try:
            with self._host_lock:
                for name, table in tables.items():
                    if not self._host.has_ruleset(name):
                        self._host.register_rulesets({name: compiler.ruleset(table)})
                        added.append(name)
            active = _Active(bundle, names, profile_names)
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

    def _run_examples(self, active: _Active) -> list[ExampleResult]:
        by_table = {id(p): n for n, p in ((active.names[k], p) for k, p in active.bundle.policies.items())}
        by_table.update({id(p): active.profile_names[k] for k, p in active.bundle.profiles.items()})

        def decide(table: Policy, facts: dict[str, Any]) -> Sequence[RuleHit]:
            hits = self._post(table, by_table[id(table)], facts)
            if hits is None:
                raise RulesError("ruleset absent")
            return hits

        tables = [*active.bundle.policies.values(), *active.bundle.profiles.values()]
        return run_examples(tables, decide)

    def _post(self, table: Policy, name: str, facts: dict[str, Any]) -> list[RuleHit] | None:
        """The hits of durable for completed facts; None if the ruleset is not registered (any more)."""
        with self._host_lock:
            if not self._host.has_ruleset(name):
                return None
            return self._post_locked(table, name, facts)

    def _post_locked(self, table: Policy, name: str, facts: dict[str, Any]) -> list[RuleHit]:
        """`_post` with the host lock held by the caller and the ruleset known to be registered."""
        event = {**facts, compiler.MARKER: 1}
        sid = str(next(self._sids))
        event["sid"] = sid
        try:
            if table.hit_policy == "collect":
                state = self._host.assert_fact(name, event)
            else:
                state = self._host.post(name, event)
        except MessageNotHandledException:
            raise RulesError(f"{table.source} : aucune règle ne décide ces faits") from None
        except Exception as error:
            raise RulesError(f"{table.source} : erreur du moteur de règles : {error}") from None
        finally:
            self._host.delete_state(name, sid)
        with self._memo_lock:
            self._counts["engine_calls"] += 1
        if not state or state.get("exception"):
            detail = state.get("exception") if state else "réponse vide"
            raise RulesError(f"{table.source} : erreur du moteur de règles : {detail}")
        indexes = sorted(state.get("hits") or [])
        if table.hit_policy != "collect":
            indexes = indexes[:1]
        return [self._hit(table, i, facts) for i in indexes]

    @staticmethod
    def _hit(table: Policy, index: int, facts: Mapping[str, Any]) -> RuleHit:
        rule = table.rules[index]
        return RuleHit(rule_id=rule.id, message=rule.message_for(facts), outcome=MappingProxyType(dict(rule.then)))

    def _memo_get(self, key: tuple[Any, ...]) -> Decision | None:
        with self._memo_lock:
            self._counts["decisions"] += 1
            found = self._memo.get(key)
            if found is not None:
                self._memo.move_to_end(key)
                self._counts["memo_hits"] += 1
            return found

    def _memo_put(self, key: tuple[Any, ...], decision: Decision) -> None:
        if self._memo_size <= 0:
            return
        with self._memo_lock:
            self._memo[key] = decision
            if len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
