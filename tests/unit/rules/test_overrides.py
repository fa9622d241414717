"""Organisation overrides: replace, add (before a rule or before the default), remove."""

from __future__ import annotations

from pathlib import Path

import pytest

from famille.adapters.rules.bundle import load_bundle
from famille.adapters.rules.engine import DurableRules
from famille.adapters.rules.format import RuleFileError

from .helpers import DEADLINES, rules_folder

OVERRIDE = """\
policy: booking_deadlines
replace:
  - id: cantine-lundi
    when: {service: RESTAURATION, weekday: lundi}
    then: {kind: calendar_days_before, days: 3, at: "12:00"}
    message: "Lundi à Saint-Bonnet : 3 jours avant, midi."
add:
  - id: garderie-mardi
    when: {service: GARDERIE SOIR, weekday: mardi}
    then: {kind: calendar_days_before, days: 2, at: "18:00"}
    message: "Garderie du mardi : 2 jours avant."
examples:
  - facts: {service: GARDERIE SOIR, weekday: mardi}
    expect: {rule: garderie-mardi, then: {days: 2}}
"""


def test_an_organisation_override_replaces_and_adds_rules_before_the_default(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **{"booking_deadlines.yaml": DEADLINES,
                                       "organisations__saint-bonnet__booking_deadlines.yaml": OVERRIDE})
    policy = load_bundle(folder).policy("booking_deadlines", "saint-bonnet")
    assert [r.id for r in policy.rules] == ["cantine-lundi", "garderie-mardi", "defaut"]
    engine = DurableRules(folder)
    decision = engine.decide("booking_deadlines", {"service": "RESTAURATION", "weekday": "lundi"},
                             organisation="saint-bonnet")
    assert (decision.rule_id, decision.outcome["days"], decision.organisation) == ("cantine-lundi", 3, "saint-bonnet")
    other = engine.decide("booking_deadlines", {"service": "RESTAURATION", "weekday": "lundi"}, organisation="ailleurs")
    assert (other.outcome["days"], other.organisation) == (4, None)


def test_an_override_adds_a_rule_before_a_named_rule_and_removes_one(tmp_path: Path) -> None:
    override = """\
    policy: booking_deadlines
    remove: [cantine-lundi]
    add:
      - id: tout-lundi
        before: defaut
        when: {weekday: lundi}
        then: {kind: calendar_days_before, days: 5, at: "10:00"}
        message: "Lundi : 5 jours avant."
    """
    folder = rules_folder(tmp_path, **{"booking_deadlines.yaml": DEADLINES,
                                       "organisations__rpi-nord__booking_deadlines.yaml": override})
    policy = load_bundle(folder).policy("booking_deadlines", "rpi-nord")
    assert [r.id for r in policy.rules] == ["tout-lundi", "defaut"]


def test_an_override_naming_an_unknown_rule_is_an_error(tmp_path: Path) -> None:
    override = OVERRIDE.replace("id: cantine-lundi", "id: cantine-lundy").replace("add:", "remove: [absente]\nadd:")
    folder = rules_folder(tmp_path, **{"booking_deadlines.yaml": DEADLINES,
                                       "organisations__x__booking_deadlines.yaml": override})
    with pytest.raises(RuleFileError) as caught:
        load_bundle(folder)
    text = "\n".join(caught.value.problems)
    assert "rules/organisations/x/booking_deadlines.yaml, règle « cantine-lundy » : replace : règle inconnue" in text
    assert "remove : règle « absente » inconnue" in text


def test_an_override_of_a_policy_without_default_file_is_an_error(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **{"booking_deadlines.yaml": DEADLINES,
                                       "organisations__x__billing_eligibility.yaml": "policy: billing_eligibility\n"})
    (folder / "billing_eligibility.yaml").unlink()
    with pytest.raises(RuleFileError, match="aucune politique par défaut « billing_eligibility »") as refused:
        load_bundle(folder)
    assert any(p.startswith("rules/billing_eligibility.yaml : fichier manquant") for p in refused.value.problems)


def test_an_override_that_makes_a_rule_unreachable_is_reported(tmp_path: Path) -> None:
    override = """\
    policy: booking_deadlines
    add:
      - id: toujours
        before: cantine-lundi
        when: {}
        then: {kind: calendar_days_before, days: 1, at: "08:00"}
        message: "Toujours la veille."
    """
    folder = rules_folder(tmp_path, **{"booking_deadlines.yaml": DEADLINES,
                                       "organisations__x__booking_deadlines.yaml": override})
    with pytest.raises(RuleFileError, match="règle « cantine-lundi » : jamais retenue"):
        load_bundle(folder)


def test_the_cnil_profile_requires_twelve_characters(tmp_path: Path) -> None:
    from famille.rules import default_rules_dir

    profile = (default_rules_dir() / "profiles" / "cnil-2022" / "password_policy.yaml").read_text(encoding="utf-8")
    folder = rules_folder(tmp_path)
    for name in ("password_policy.yaml", "common_passwords.txt"):
        (folder / name).write_text((default_rules_dir() / name).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "organisations" / "lyon").mkdir(parents=True)
    (folder / "organisations" / "lyon" / "password_policy.yaml").write_text(profile, encoding="utf-8")
    facts = {"length": 10, "has_upper": True, "has_lower": True, "has_digit": True, "has_symbol": True,
             "is_common": False, "contains_login": False}
    engine = DurableRules(folder)
    assert [h.rule_id for h in engine.decide("password_policy", facts, organisation="lyon").hits] == [
        "longueur-minimum-12", "mot-de-passe-conforme"]
    assert [h.rule_id for h in engine.decide("password_policy", facts).hits] == ["mot-de-passe-conforme"]
    assert "12 caractères" in engine.decide("password_policy", facts, organisation="lyon").message
