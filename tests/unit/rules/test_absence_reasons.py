"""The absence reasons are declared once, in absence_reasons.yaml: the other policies' `reason` input
takes them (`values_from`), and a folder where they disagree is refused with the file and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from famille.adapters.rules.bundle import inspect
from famille.adapters.rules.engine import DurableRules
from famille.adapters.rules.format import RuleFileError
from famille.kernel.calendar.deadlines import DeadlineSpec
from famille.kernel.planning.grid import ActionKind
from famille.kernel.planning.rules import DeadlineRules, absence_reason, absence_reasons
from famille.rules import default_rules_dir
from tests.fakes.rules import NEW_REASON, one_more_reason
from tests.unit.rules.helpers import rules_folder

SHIPPED_LIST = """values: [AUCUNE, RAISON MEDICALE, VOYAGE OU SORTIE SCOLAIRE, ABSENCE DE L'ENSEIGNANT,
             GREVE DU PERSONNEL OU DES ENSEIGNANTS, ACCIDENT DE LA CIRCULATION,
             PARTICIPATION A UNE SEQUENCE DE SOUTIEN, CAS DE FORCE MAJEURE, CONGE PARENTAL,
             CIRCONSTANCES EXCEPTIONNELLES, AUTRES]"""


def _shipped(name: str) -> str:
    return (default_rules_dir() / name).read_text(encoding="utf-8")


def _copied_list(name: str, extra: str = "") -> str:
    """The shipped policy `name` listing the reasons by hand (as before), with `extra` ones."""
    text = _shipped(name)
    derived = "values: [AUCUNE]\n    values_from: absence_reasons  # puis les raisons que déclare absence_reasons.yaml"
    assert derived in text
    return text.replace(derived, SHIPPED_LIST.replace("AUTRES]", f"AUTRES{extra}]"))


def test_a_reason_added_in_absence_reasons_only_is_known_to_every_policy(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **one_more_reason())
    rules = DurableRules(folder)

    assert NEW_REASON in absence_reasons(rules, None)
    assert NEW_REASON in absence_reasons(rules, "ville-a")
    assert absence_reason(rules, "ville-a", NEW_REASON).excuses_late
    # The deadline policy decides it by its general rules, not « Aucune règle de délai ».
    rule = DeadlineRules(rules, "ville-a").rule("RESTAURATION", 0, ActionKind.DECLARER_ABSENCE, NEW_REASON)
    assert isinstance(rule.spec, DeadlineSpec) and rule.rule_id == "cantine-lundi-jeudi-23h59"
    assert NEW_REASON in rules.input_values("billing_eligibility", "reason")


def test_a_reason_unknown_to_absence_reasons_in_a_copied_list_is_refused(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **{"booking_deadlines.yaml": _copied_list("booking_deadlines.yaml",
                                                                               ", VACANCES AU SKI")})

    _, problems = inspect(folder)

    assert problems == ["rules/booking_deadlines.yaml : raison d'absence « VACANCES AU SKI » inconnue de "
                        "rules/absence_reasons.yaml ; déclarez-la d'abord dans rules/absence_reasons.yaml"]
    with pytest.raises(RuleFileError):
        DurableRules(folder)


def test_a_copied_list_missing_a_declared_reason_is_refused(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **one_more_reason(),
                          **{"billing_eligibility.yaml": _copied_list("billing_eligibility.yaml")})

    _, problems = inspect(folder)

    assert problems == [f"rules/billing_eligibility.yaml : la raison d'absence « {NEW_REASON} » déclarée dans "
                        "rules/absence_reasons.yaml manque à l'entrée « reason » ; écrivez "
                        "« values_from: absence_reasons » au lieu de recopier la liste"]


def test_a_rule_naming_an_undeclared_reason_is_refused(tmp_path: Path) -> None:
    text = _shipped("booking_deadlines.yaml").replace("when: {action: annulation, reason: RAISON MEDICALE}",
                                                      "when: {action: annulation, reason: VACANCES AU SKI}")
    _, problems = inspect(rules_folder(tmp_path, **{"booking_deadlines.yaml": text}))

    assert any(p.startswith("rules/booking_deadlines.yaml") and "VACANCES AU SKI" in p for p in problems), problems


def test_values_from_an_unknown_policy_is_a_french_message(tmp_path: Path) -> None:
    text = _shipped("booking_deadlines.yaml").replace("values_from: absence_reasons", "values_from: motifs")
    _, problems = inspect(rules_folder(tmp_path, **{"booking_deadlines.yaml": text}))

    assert ("rules/booking_deadlines.yaml : entrée « reason » : « values_from: motifs » ne nomme aucune politique "
            "ayant une entrée énumérée « reason » (par exemple absence_reasons)") in problems
