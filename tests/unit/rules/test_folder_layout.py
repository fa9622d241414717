"""A rules folder that would take the portal down is refused, with a French message naming file and line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from famille.adapters.cli.rules import main
from famille.adapters.rules.bundle import inspect, load_bundle
from famille.adapters.rules.engine import DurableRules
from famille.adapters.rules.format import RuleFileError
from tests.unit.rules.helpers import LOCKOUT, shipped_copy


def _problems(folder: Path) -> list[str]:
    return inspect(folder)[1]


def test_a_folder_missing_a_policy_is_refused_at_check_test_and_reload(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = shipped_copy(tmp_path)
    engine = DurableRules(folder)
    (folder / "password_policy.yaml").unlink()

    assert "rules/password_policy.yaml : fichier manquant" in "\n".join(_problems(folder))
    assert main(["check", "--rules", str(folder)]) == 1
    assert main(["test", "--rules", str(folder)]) == 1
    assert "password_policy.yaml : fichier manquant" in capsys.readouterr().out
    assert engine.reload_if_changed() is False
    assert engine.decide("password_policy", {"length": 12, "has_upper": True, "has_lower": True, "has_digit": True,
                                             "has_symbol": False, "is_common": False, "contains_login": False})


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    with pytest.raises(RuleFileError) as refused:
        load_bundle(tmp_path / "rules")
    assert len([p for p in refused.value.problems if "fichier manquant" in p]) == 9


@pytest.mark.parametrize("name", ["organisations/saint-veran/password_policy.yml", "login_lockout.yml",
                                  "notes.md", "organisations/saint-veran/tarifs.yaml"])
def test_unknown_file_names_and_extensions_are_refused_not_ignored(tmp_path: Path, name: str) -> None:
    folder = shipped_copy(tmp_path)
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("policy: password_policy\n", encoding="utf-8")

    assert f"rules/{name} : fichier inconnu, refusé" in "\n".join(_problems(folder))


def test_a_latin1_word_list_is_a_french_message_with_file_and_line(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    (folder / "common_passwords.txt").write_bytes("motdepasse\nazerty\nété\n".encode("latin-1"))

    assert _problems(folder) == ["rules/common_passwords.txt, ligne 3 : le fichier n'est pas en UTF-8 "
                                 "(octet 0xe9) ; enregistrez-le en UTF-8"]


def test_a_latin1_rule_file_is_a_french_message_with_file_and_line(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    (folder / "login_lockout.yaml").write_bytes(LOCKOUT.replace("Ouvert.", "Accès ouvert.").encode("latin-1"))

    (problem,) = [p for p in _problems(folder) if "login_lockout" in p]
    assert problem.startswith("rules/login_lockout.yaml, ligne 12 : le fichier n'est pas en UTF-8")


def test_a_yaml_mistake_is_told_in_french_with_its_line(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    (folder / "login_lockout.yaml").write_text(LOCKOUT.replace('message: "Ouvert."', "message: Ouvert: oui"),
                                               encoding="utf-8")

    (problem,) = [p for p in _problems(folder) if "login_lockout" in p]
    assert problem.startswith("rules/login_lockout.yaml, ligne 16 : YAML illisible : « : » inattendu")


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    bomb += [f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]" for n in range(8)]
    text = LOCKOUT.replace("hit_policy: first", "\n".join(bomb) + "\nhit_policy: first")
    (folder / "login_lockout.yaml").write_text(text, encoding="utf-8")

    started = time.perf_counter()
    problems = _problems(folder)

    assert time.perf_counter() - started < 5
    assert any("plus de 50 alias YAML" in p and "login_lockout.yaml, ligne" in p for p in problems)


def test_a_policy_without_examples_is_refused(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    (folder / "login_lockout.yaml").write_text(LOCKOUT.split("examples:")[0], encoding="utf-8")

    assert _problems(folder) == ["rules/login_lockout.yaml : aucun exemple : chaque politique garde des exemples "
                                 "(examples) que « famille rules test » vérifie"]


def test_a_lockout_policy_without_its_delay_is_refused(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    text = (LOCKOUT.replace("  unlock_after_minutes: {type: integer, min: 0}\n", "")
            .replace(", unlock_after_minutes: 15", "").replace(", unlock_after_minutes: 0", ""))
    (folder / "login_lockout.yaml").write_text(text, encoding="utf-8")

    assert _problems(folder) == ["rules/login_lockout.yaml : sortie « unlock_after_minutes » manquante "
                                 "(le portail la lit)"]


def test_a_broken_folder_at_start_up_stops_with_the_same_french_message_as_check(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import subprocess
    import sys

    from tests.support.server import free_port

    folder = shipped_copy(tmp_path)
    (folder / "pricing.yaml").unlink()
    main(["check", "--rules", str(folder)])
    checked = [line for line in capsys.readouterr().out.splitlines() if line.startswith("ERREUR")]

    started = subprocess.run([sys.executable, "-m", "famille", "serve", "--port", str(free_port())],
                             env={**os.environ, "FAMILLE_RULES_DIR": str(folder)}, capture_output=True, text=True,
                             timeout=60)

    assert started.returncode == 1
    assert checked and [line for line in started.stderr.splitlines() if line.startswith("ERREUR")] == checked
    assert "Le portail ne démarre pas" in started.stderr and "Worker failed to boot" not in started.stderr


def test_a_refused_reload_is_logged_once_per_version(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import os

    folder = shipped_copy(tmp_path)
    engine = DurableRules(folder)
    words = folder / "common_passwords.txt"
    words.write_bytes("azerty\nété\n".encode("latin-1"))
    os.utime(words, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))

    with caplog.at_level("ERROR", logger="famille.rules"):
        results = [engine.reload_if_changed() for _ in range(5)]

    assert results == [False] * 5
    refusals = [r for r in caplog.records if "refusées" in r.getMessage()]
    assert len(refusals) == 1 and not any(r.exc_info for r in caplog.records)
    assert "common_passwords.txt, ligne 2 : le fichier n'est pas en UTF-8" in refusals[0].getMessage()


AMBIGUOUS = """\
policy: booking_deadlines
hit_policy: first
inputs:
  weekday: {type: enum, values: [lundi, mardi]}
outputs:
  kind: {type: enum, values: [previous_weekday]}
  weekday: {type: enum, values: [jeudi, vendredi]}
  at: {type: time}
rules:
  - id: veille
    when: {weekday: lundi}
    then: {kind: previous_weekday, weekday: jeudi, at: "23:59"}
    message: "MESSAGE"
  - id: defaut
    when: {}
    then: {kind: previous_weekday, weekday: vendredi, at: "23:59"}
    message: "Par défaut."
examples:
  - facts: {weekday: lundi}
    expect: {rule: veille}
"""


def test_a_name_both_input_and_output_is_refused_in_a_message(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    (folder / "booking_deadlines.yaml").write_text(AMBIGUOUS.replace("MESSAGE", "Le {weekday}."), encoding="utf-8")

    (problem,) = [p for p in _problems(folder) if "booking_deadlines" in p]
    assert "champ {weekday} ambigu" in problem and "{in.weekday}" in problem and "{out.weekday}" in problem


def test_in_and_out_name_the_fact_received_and_the_value_decided(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    (folder / "booking_deadlines.yaml").write_text(
        AMBIGUOUS.replace("MESSAGE", "Pour un {in.weekday}, réservez le {out.weekday} d'avant."), encoding="utf-8")

    bundle = load_bundle(folder)
    rule = bundle.policy("booking_deadlines", None).rule("veille")

    assert rule.message_for({"weekday": "lundi"}) == "Pour un lundi, réservez le jeudi d'avant."


def test_an_organisation_cannot_override_the_portal_wide_lockout(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    (folder / "organisations" / "ville-a").mkdir(parents=True)
    (folder / "organisations" / "ville-a" / "login_lockout.yaml").write_text("policy: login_lockout\n",
                                                                              encoding="utf-8")

    assert any(p.startswith("rules/organisations/ville-a/login_lockout.yaml : cette politique vaut pour tout le "
                            "portail") for p in _problems(folder))


def _override(folder: Path, code: str) -> None:
    source = folder / "profiles" / "cnil-2022" / "password_policy.yaml"
    (folder / "organisations" / code).mkdir(parents=True)
    (folder / "organisations" / code / "password_policy.yaml").write_text(source.read_text("utf-8"), "utf-8")


def test_an_organisation_folder_must_name_an_organisation_of_the_database(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    _override(folder, "saint-veran")
    _override(folder, "ville-a")

    assert inspect(folder, ["ville-a", "rpi-b"])[1] == [
        "rules/organisations/saint-veran : aucune organisation « saint-veran » (organisations connues : rpi-b, "
        "ville-a) ; ses règles ne s'appliqueraient à personne"]
    with pytest.raises(RuleFileError, match="saint-veran"):
        DurableRules(folder, organisations=lambda: ["ville-a"])


def test_without_the_database_the_folder_declares_its_organisations(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    _override(folder, "saint-veran")
    assert _problems(folder) == []  # nothing says which organisations exist

    (folder / "organisations.txt").write_text("# les organisations du portail\nsaint-verand\n", encoding="utf-8")

    assert [p.split(" : ")[0] for p in _problems(folder)] == ["rules/organisations/saint-veran"]
