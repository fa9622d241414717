"""Validation of rule files: each mistake is reported with the file, rule id and field, in French."""

from __future__ import annotations

from pathlib import Path

import pytest

from famille.adapters.rules.bundle import load_bundle
from famille.adapters.rules.format import RuleFileError
from famille.ports.rules import RulesError

from .helpers import DEADLINES, LOCKOUT, rules_folder


def problems_of(tmp_path: Path, name: str, text: str) -> str:
    folder = rules_folder(tmp_path, **{name: text})
    with pytest.raises(RuleFileError) as caught:
        load_bundle(folder)
    return "\n".join(caught.value.problems)


def test_rule_file_error_is_a_rules_error_carrying_a_list_of_problems() -> None:
    error = RuleFileError(["a", "b"])
    assert isinstance(error, RulesError)
    assert error.problems == ["a", "b"]


def test_reports_unknown_enum_value_with_file_rule_id_and_field(tmp_path: Path) -> None:
    text = DEADLINES.replace("weekday: lundi}", "weekday: lundy}")
    found = problems_of(tmp_path, "booking_deadlines.yaml", text)
    assert "rules/booking_deadlines.yaml, règle « cantine-lundi », champ « weekday »" in found
    assert "valeur « lundy » inconnue (valeurs permises : lundi, mardi)" in found
    assert "vouliez-vous dire « lundi »" in found


def test_reports_unknown_field_with_file_and_rule_id(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "booking_deadlines.yaml", DEADLINES.replace("weekday: lundi}", "wekday: lundi}"))
    assert "règle « cantine-lundi », champ « wekday » : fait inconnu" in found
    assert "vouliez-vous dire « weekday »" in found


def test_reports_unknown_top_level_key(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "login_lockout.yaml", LOCKOUT + "rulez: []\n")
    assert "rules/login_lockout.yaml : clé « rulez » inconnue au premier niveau" in found


def test_reports_unknown_operator(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "login_lockout.yaml", LOCKOUT.replace('">="', '"=>"'))
    assert "règle « verrouille », champ « failed_attempts » : opérateur « => » inconnu" in found


def test_reports_a_string_compared_to_an_integer(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "login_lockout.yaml", LOCKOUT.replace('">=": 10', '">=": "10"'))
    assert "champ « failed_attempts » : « 10 » n'est pas un nombre entier" in found


def test_reports_an_integer_out_of_range(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "login_lockout.yaml", LOCKOUT.replace('">=": 10', '">=": 5000'))
    assert "5000 est supérieur au maximum 1000" in found


def test_reports_an_order_operator_on_an_enum(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "booking_deadlines.yaml", DEADLINES.replace("weekday: lundi}", 'weekday: {"<": 3}}'))
    assert "l'opérateur « < » ne s'applique qu'à un entier" in found


def test_reports_a_bad_time_and_keeps_unquoted_times_as_text(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "booking_deadlines.yaml", DEADLINES.replace('at: "23:59"', 'at: "24:30"'))
    assert "règle « cantine-lundi », champ « at » : heure « 24:30 » invalide" in found
    folder = rules_folder(tmp_path / "ok", **{"booking_deadlines.yaml": DEADLINES.replace('"23:59"', "23:59")})
    assert load_bundle(folder).policy("booking_deadlines", None).rules[0].then["at"] == "23:59"


def test_reports_duplicate_rule_ids(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "login_lockout.yaml", LOCKOUT.replace("id: ouvert", "id: verrouille"))
    assert "règle « verrouille » : id en double" in found


def test_reports_duplicate_yaml_keys_that_yaml_would_silently_drop(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "login_lockout.yaml", LOCKOUT.replace("hit_policy: first", "hit_policy: first\nhit_policy: collect"))
    assert "clé « hit_policy » en double" in found and "ligne" in found


def test_reports_undeclared_output_and_wrong_output_type(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "login_lockout.yaml",
                        LOCKOUT.replace("then: {locked: true,", "then: {lock: true,").replace(
                            "then: {locked: false,", 'then: {locked: "non",'))
    assert "règle « verrouille », champ « lock » : sortie inconnue" in found
    assert "règle « ouvert », champ « locked » : « non » n'est pas un booléen" in found


def test_reports_unknown_message_placeholder(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "login_lockout.yaml", LOCKOUT.replace("{failed_attempts} échecs", "{tentatives} échecs"))
    assert "règle « verrouille » : message : champ {tentatives} inconnu" in found


def test_reports_missing_default_as_undecided_facts(tmp_path: Path) -> None:
    text = DEADLINES.replace('  - id: defaut\n    when: {}\n    then: {kind: calendar_days_before, days: 1, at: "18:00"}\n    message: "La veille."\n', "")
    found = problems_of(tmp_path, "booking_deadlines.yaml", text)
    assert "faits non décidés : service=RESTAURATION, weekday=mardi" in found


def test_reports_examples_with_invalid_facts_or_unknown_rule(tmp_path: Path) -> None:
    text = LOCKOUT.replace("facts: {failed_attempts: 10}", "facts: {failed_attempts: -1, extra: 1}").replace(
        "rule: verrouille}", "rule: verrouile}")
    found = problems_of(tmp_path, "login_lockout.yaml", text)
    assert "exemple n° 1 : fait « extra » inconnu" in found
    assert "exemple n° 1 : fait « failed_attempts » : -1 est inférieur au minimum 0" in found
    assert "règle attendue « verrouile » inconnue" in found


def test_reports_unreadable_yaml_with_line(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "login_lockout.yaml", LOCKOUT.replace("outputs:", "outputs: [\n"))
    assert "rules/login_lockout.yaml, ligne" in found and "YAML illisible" in found


def test_reports_a_policy_whose_name_differs_from_its_file(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "lockout.yaml", LOCKOUT)
    assert "doit être dans un fichier nommé login_lockout.yaml" in found


def test_reports_integer_input_without_bounds(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "login_lockout.yaml", LOCKOUT.replace(", min: 0, max: 1000", ""))
    assert "champ « failed_attempts » : inputs : un entier demande des bornes" in found
