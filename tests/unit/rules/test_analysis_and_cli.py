"""Gaps, dead rules, unique overlaps, examples, and the three CLI commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from famille.adapters.cli.rules import main
from famille.adapters.rules.analysis import analyse, integer_points
from famille.adapters.rules.bundle import inspect, load_bundle
from famille.rules import default_rules_dir

from .helpers import DEADLINES, LOCKOUT, rules_folder, shipped_copy


def test_every_shipped_file_passes_check_without_gap_or_dead_rule() -> None:
    bundle, problems = inspect(default_rules_dir())
    assert problems == []
    assert {name for _, name in bundle.policies} == {
        "password_policy", "login_lockout", "booking_deadlines", "absence_reasons", "billing_eligibility",
        "request_validation", "pricing", "qf_brackets"}
    assert ("cnil-2022", "password_policy") in bundle.profiles


def test_integer_inputs_are_partitioned_on_the_thresholds_used() -> None:
    policy = load_bundle(default_rules_dir()).policy("login_lockout", None)
    assert integer_points(policy, "failed_attempts") == [0, 9, 10, 11, 19, 20, 21, 29, 30, 31, 1000]


def test_a_rule_hidden_by_an_earlier_rule_is_reported_dead(tmp_path: Path) -> None:
    text = LOCKOUT.replace("  - id: ouvert", "  - id: douze\n    when: {failed_attempts: {\">=\": 12}}\n"
                           "    then: {locked: true, unlock_after_minutes: 1}\n    message: \"x\"\n  - id: ouvert")
    _, problems = inspect(rules_folder(tmp_path, **{"login_lockout.yaml": text}))
    assert problems == ["rules/login_lockout.yaml, règle « douze » : jamais retenue "
                        "(les règles précédentes décident toujours avant elle)"]


def test_unique_hit_policy_reports_overlapping_rules(tmp_path: Path) -> None:
    text = DEADLINES.replace("hit_policy: first", "hit_policy: unique")
    _, problems = inspect(rules_folder(tmp_path, **{"booking_deadlines.yaml": text}))
    assert any("hit_policy unique mais les règles cantine-lundi, defaut décident toutes pour "
               "service=RESTAURATION, weekday=lundi" in p for p in problems)


def test_a_gap_lists_the_undecided_facts(tmp_path: Path) -> None:
    text = LOCKOUT.split("  - id: ouvert")[0] + "examples:\n  - facts: {failed_attempts: 10}\n    expect: {rule: verrouille}\n"
    _, problems = inspect(rules_folder(tmp_path, **{"login_lockout.yaml": text}))
    assert problems == ["rules/login_lockout.yaml : faits non décidés : failed_attempts=0 ; failed_attempts=9 ; "
                        "ajoutez une règle par défaut (when: {})"]


def test_analysis_counts_the_combinations_it_tried() -> None:
    policy = load_bundle(default_rules_dir()).policy("billing_eligibility", None)
    assert analyse(policy).combinations == 2 * 2 * 4 * 3 * 11 * 2 * 2 * 2 * 2 * 2  # 11 reasons: AUCUNE and the ten of absence_reasons


def test_cli_check_passes_on_the_shipped_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "Tout est correct" in capsys.readouterr().out


def test_cli_check_fails_and_names_the_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = shipped_copy(tmp_path)
    path = folder / "booking_deadlines.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("weekday: lundi}", "weekday: lundy}"), encoding="utf-8")
    assert main(["check", "--rules", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "ERREUR rules/booking_deadlines.yaml, règle « cantine-lundi-jeudi-23h59 », champ « weekday »" in out


def test_cli_test_reports_each_example_and_fails_on_a_wrong_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test"]) == 0
    assert "exemple(s) réussi(s)" in capsys.readouterr().out
    folder = rules_folder(tmp_path, **{"login_lockout.yaml": LOCKOUT.replace("rule: verrouille}", "rule: ouvert}")})
    assert main(["test", "--rules", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "ÉCHEC rules/login_lockout.yaml exemple n° 1 : règles attendues ['ouvert'], obtenues ['verrouille']" in out
    passed, total = map(int, re.search(r"(\d+)/(\d+) exemple\(s\) réussi\(s\)\.", out).groups())  # type: ignore[union-attr]
    assert passed == total - 1


def test_cli_eval_prints_the_decision_with_version_and_trace(capsys: pytest.CaptureFixture[str]) -> None:
    facts = '{"service": "RESTAURATION", "weekday": "lundi", "action": "reservation"}'
    assert main(["eval", "booking_deadlines", "--facts", facts]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["hits"][0]["rule"] == "cantine-lundi-jeudi-23h59"
    assert out["hits"][0]["outcome"]["days"] == 4 and out["organisation"] is None
    assert len(out["version"]) == 16 and out["trace"][-1] == "cantine-lundi-jeudi-23h59 : retenue"
    assert out["trace"][0] == ("table compilée de 770 cases, case n° 0 : service = RESTAURATION, weekday = lundi, "
                               "action = reservation, reason = AUCUNE")


def test_cli_eval_refuses_bad_facts_with_a_french_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "login_lockout", "--facts", '{"failed_attempts": "dix"}']) == 1
    assert "n'est pas un nombre entier" in capsys.readouterr().out
    assert main(["eval", "login_lockout", "--facts", "{nope"]) == 1


def test_cli_runs_as_a_module() -> None:
    done = subprocess.run([sys.executable, "-m", "famille.adapters.cli.rules", "check"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cli_hooks_into_a_parent_parser() -> None:
    import argparse

    from famille.adapters.cli import rules as cli
    parser = argparse.ArgumentParser(prog="famille")
    cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["rules", "check"])
    assert args.run(args) == 0
