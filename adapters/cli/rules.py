"""`famille rules check|test|eval`: the policy editors' tools.

Hook into the main CLI with `add_parser(subparsers)`; the parsed namespace runs with
`run(args)`. Standalone: `python -m famille.adapters.cli.rules check --rules DIR`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from famille.adapters.rules.bundle import inspect
from famille.adapters.rules.engine import DurableRules
from famille.adapters.rules.format import RuleFileError
from famille.ports.rules import RulesError
from famille.rules import default_rules_dir


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Add `rules` with its three commands to a parent parser's subparsers."""
    parser = subparsers.add_parser("rules", help="vérifier, tester et essayer les fichiers de règles")
    _add_commands(parser)
    parser.set_defaults(run=run)
    return parser


def _add_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="rules_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--rules", type=Path, default=None, help="dossier des règles (par défaut : règles livrées)")
    commands.add_parser("check", parents=[common], help="valider les fichiers, trouver trous et règles mortes")
    commands.add_parser("test", parents=[common], help="exécuter les exemples des fichiers avec le moteur")
    evaluate = commands.add_parser("eval", parents=[common], help="décider une politique pour des faits")
    evaluate.add_argument("policy", help="nom de la politique, par ex. booking_deadlines")
    evaluate.add_argument("--facts", required=True, help='faits en JSON, par ex. \'{"failed_attempts": 3}\'')
    evaluate.add_argument("--organisation", default=None, help="code de l'organisation (ses surcharges)")


def run(args: argparse.Namespace, organisations: Iterable[str] | None = None) -> int:
    """Run the chosen command; 0 when everything is right, 1 otherwise.

    `organisations`: the codes of the organisations that exist, for `check` (None: the folder's
    `organisations.txt`, if any).
    """
    rules_dir = args.rules or default_rules_dir()
    command = args.rules_command
    if command == "check":
        return _check(rules_dir, organisations)
    if command == "test":
        return _test(rules_dir)
    return _eval(rules_dir, args.policy, args.facts, args.organisation)


def startup_problems(rules_dir: Path, organisations: Iterable[str] | None = None) -> list[str]:
    """What stops the portal from starting on `rules_dir`: `check`'s problems, then failing examples.

    `organisations`: the codes that exist (None: the folder's `organisations.txt`, if any).
    """
    try:
        _, problems = inspect(rules_dir, organisations)
    except RuleFileError as error:
        return list(error.problems)
    if problems:
        return problems
    try:
        DurableRules(rules_dir)
    except RulesError as error:
        return str(error).splitlines()
    return []


def _check(rules_dir: Path, organisations: Iterable[str] | None = None) -> int:
    try:
        bundle, problems = inspect(rules_dir, organisations)
    except RuleFileError as error:
        problems, bundle = error.problems, None
    for problem in problems:
        print(f"ERREUR {problem}")
    if bundle is not None:
        count = len(bundle.policies) + len(bundle.profiles)
        print(f"{count} fichier(s) de règles lu(s), {len(bundle.word_lists)} liste(s) de mots.")
    if problems:
        print(f"{len(problems)} problème(s) : corrigez les fichiers avant de les mettre en service.")
        return 1
    print("Tout est correct : aucun trou, aucune règle morte.")
    return 0


def _test(rules_dir: Path) -> int:
    try:
        engine = _engine_without_examples(rules_dir)
    except RuleFileError as error:
        for problem in error.problems:
            print(f"ERREUR {problem}")
        return 1
    results = engine.run_examples()
    for result in results:
        print(result.line())
    failed = sum(not r.passed for r in results)
    print(f"{len(results) - failed}/{len(results)} exemple(s) réussi(s).")
    return 1 if failed else 0


def _engine_without_examples(rules_dir: Path) -> DurableRules:
    """An engine that loads even when examples fail (the test command reports them)."""
    try:
        return DurableRules(rules_dir)
    except RuleFileError as error:
        if not all(line.startswith("ÉCHEC") for line in error.problems):
            raise
    return DurableRules(rules_dir, run_examples=False)


def _eval(rules_dir: Path, policy: str, facts_json: str, organisation: str | None) -> int:
    try:
        facts = json.loads(facts_json)
    except json.JSONDecodeError as error:
        print(f"ERREUR --facts n'est pas du JSON valide : {error}")
        return 1
    if not isinstance(facts, dict):
        print("ERREUR --facts doit être un objet JSON, par ex. '{\"failed_attempts\": 3}'")
        return 1
    try:
        decision = _engine_without_examples(rules_dir).explain(policy, facts, organisation=organisation)
    except RulesError as error:
        print(f"ERREUR {error}")
        return 1
    out = {
        "policy": decision.policy,
        "organisation": decision.organisation,
        "version": decision.version,
        "hits": [{"rule": h.rule_id, "message": h.message, "outcome": dict(h.outcome)} for h in decision.hits],
        "trace": list(decision.trace),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry point (`python -m famille.adapters.cli.rules`)."""
    parser = argparse.ArgumentParser(prog="famille rules", description="Outils des fichiers de règles.")
    _add_commands(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
