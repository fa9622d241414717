"""The durable adapter: compiled tables, decisions, reload, threads and memory."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import pytest

from famille.adapters.rules.engine import DurableRules
from famille.ports.rules import NoDecision, Rules, RulesError, RulesUnavailable
from famille.rules import default_rules_dir

from .helpers import DEADLINES, LOCKOUT, rules_folder, shipped_copy, write

GOOD_PASSWORD = {"length": 12, "has_upper": True, "has_lower": True, "has_digit": True, "has_symbol": False,
                 "is_common": False, "contains_login": False}


@pytest.fixture(scope="module")
def shipped() -> DurableRules:
    return DurableRules(default_rules_dir())


def test_the_adapter_satisfies_the_rules_port(shipped: DurableRules) -> None:
    port: Rules = shipped
    assert port.decide("login_lockout", {"failed_attempts": 3}).outcome == {"locked": False, "unlock_after_minutes": 0}


def test_locks_the_account_from_the_tenth_failed_attempt(shipped: DurableRules) -> None:
    assert not shipped.decide("login_lockout", {"failed_attempts": 9}).outcome["locked"]
    decision = shipped.decide("login_lockout", {"failed_attempts": 10})
    assert decision.outcome["locked"] and decision.rule_id == "compte-verrouille-15min-apres-10-echecs"
    assert decision.outcome["unlock_after_minutes"] == 15
    assert "10 tentatives" in decision.message


def test_collect_returns_every_refusal_in_file_order_then_the_acceptance(shipped: DurableRules) -> None:
    facts = {**GOOD_PASSWORD, "length": 5, "has_digit": False, "is_common": True}
    decision = shipped.decide("password_policy", facts)
    assert [h.rule_id for h in decision.hits] == [
        "longueur-minimum-8", "chiffre-obligatoire", "mot-de-passe-courant", "mot-de-passe-conforme"]
    assert [h.outcome["accepted"] for h in decision.hits] == [False, False, False, True]


def test_the_kernel_reading_of_a_good_password_finds_no_refusal(shipped: DurableRules) -> None:
    decision = shipped.decide("password_policy", GOOD_PASSWORD)
    assert [h for h in decision.hits if not h.outcome.get("accepted", False)] == []


def test_common_passwords_are_served_lower_cased(shipped: DurableRules) -> None:
    words = shipped.word_list("common_passwords")
    assert {"azerty", "motdepasse", "soleil", "123456"} <= words and len(words) >= 300
    assert all(w == w.lower() for w in words)
    with pytest.raises(RulesError, match="liste de mots « nope » inconnue"):
        shipped.word_list("nope")


def test_refuses_unknown_policy_unknown_fact_and_wrong_type(shipped: DurableRules) -> None:
    with pytest.raises(RulesError, match="politique « nope » inconnue"):
        shipped.decide("nope", {})
    with pytest.raises(RulesError, match="fait « failed » inconnu"):
        shipped.decide("login_lockout", {"failed": 3})
    with pytest.raises(RulesError, match="n'est pas un nombre entier"):
        shipped.decide("login_lockout", {"failed_attempts": True})
    with pytest.raises(RulesError, match="n'est pas un nombre entier"):
        shipped.decide("login_lockout", {"failed_attempts": "12"})


def test_facts_outside_a_policy_are_no_decision_but_an_unknown_policy_is_a_fault(shipped: DurableRules) -> None:
    with pytest.raises(NoDecision):
        shipped.decide("login_lockout", {"failed": 3})
    with pytest.raises(RulesUnavailable):
        shipped.decide("nope", {})


def test_an_engine_failure_is_reported_as_rules_unavailable_never_as_no_decision(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = DurableRules(default_rules_dir())

    def broken(name: str, event: object) -> None:
        raise RuntimeError("moteur en panne")

    monkeypatch.setattr(rules._host, "post", broken)
    with pytest.raises(RulesUnavailable, match="erreur du moteur de règles : moteur en panne") as failed:
        rules.decide_by_engine("booking_deadlines", {"service": "RESTAURATION", "weekday": "lundi",
                                                     "action": "reservation", "reason": "AUCUNE"})
    assert not isinstance(failed.value, NoDecision)


def test_input_defaults_fill_missing_facts(shipped: DurableRules) -> None:
    decision = shipped.decide("request_validation", {"kind": "caf"})
    assert [h.rule_id for h in decision.hits] == ["demande-recevable"]


def test_messages_fill_placeholders_from_facts(shipped: DurableRules) -> None:
    decision = shipped.decide("billing_eligibility", {"booked": True, "attendance": "absent", "absence": "late",
                                                      "reason": "AUTRES"})
    assert decision.message == "Absence déclarée après le délai, raison AUTRES : facturée."


def test_decisions_are_read_from_the_table_the_engine_filled_at_load(tmp_path: Path) -> None:
    thirteen = LOCKOUT.replace('">=": 10', '">=": 13').replace("failed_attempts: 10}", "failed_attempts: 13}")
    engine = DurableRules(rules_folder(tmp_path, **{"login_lockout.yaml": thirteen}))
    shipped = DurableRules(shipped_copy(tmp_path / "livrees"))
    # The folder holds every policy: the shipped lockout has 7 cells (its thresholds 10, 20 and 30 each make
    # a cell of their own), this one 3 ([0, 12], {13}, [14, 1000]); the engine decided each cell once.
    assert engine.stats()["cells"] == shipped.stats()["cells"] - 7 + 3
    calls = engine.stats()["engine_calls"]
    for attempts in range(0, 1001):
        assert engine.decide("login_lockout", {"failed_attempts": attempts}).outcome["locked"] is (attempts >= 13)
    assert engine.stats()["engine_calls"] == calls


def test_a_message_showing_an_integer_shows_the_value_asked_not_the_cell_representative(tmp_path: Path) -> None:
    engine = DurableRules(rules_folder(tmp_path, **{"login_lockout.yaml": LOCKOUT}))
    assert engine.decide("login_lockout", {"failed_attempts": 12}).message == "Verrouillé après 12 échecs."
    assert engine.decide("login_lockout", {"failed_attempts": 999}).message == "Verrouillé après 999 échecs."


def test_facts_outside_the_declared_domain_are_refused_not_looked_up(shipped: DurableRules) -> None:
    with pytest.raises(RulesError, match="1001 est supérieur au maximum 1000"):
        shipped.decide("login_lockout", {"failed_attempts": 1001})
    with pytest.raises(RulesError, match="-1 est inférieur au minimum 0"):
        shipped.decide("login_lockout", {"failed_attempts": -1})
    with pytest.raises(RulesError, match="n'est pas un nombre entier"):
        shipped.decide("login_lockout", {"failed_attempts": 10.0})
    with pytest.raises(RulesError, match="valeur « lundy » inconnue"):
        shipped.decide("booking_deadlines", {"service": "RESTAURATION", "weekday": "lundy", "action": "reservation"})
    with pytest.raises(RulesError, match="n'est pas un booléen"):
        shipped.decide("password_policy", {**GOOD_PASSWORD, "has_upper": 1})
    with pytest.raises(RulesError, match=r"valeur .* inconnue"):
        shipped.decide("booking_deadlines", {"service": ["RESTAURATION"], "weekday": "lundi", "action": "reservation"})
    with pytest.raises(RulesError, match="fait « action » manquant"):
        shipped.decide("booking_deadlines", {"service": "RESTAURATION", "weekday": "lundi"})


def test_an_organisation_without_overrides_gets_the_shipped_table(shipped: DurableRules) -> None:
    facts = {"failed_attempts": 10}
    assert shipped.decide("login_lockout", facts, organisation="nulle-part") == shipped.decide("login_lockout", facts)


def test_explain_gives_the_table_cell_and_the_trace_of_the_plain_evaluator(shipped: DurableRules) -> None:
    decision = shipped.explain("login_lockout", {"failed_attempts": 2})
    assert decision.hits == shipped.decide("login_lockout", {"failed_attempts": 2}).hits
    assert decision.trace == (
        "table compilée de 7 cases, case n° 0 : failed_attempts dans [0, 9]",
        "compte-verrouille-24h-apres-30-echecs : écartée, condition « failed_attempts >= 30 » fausse "
        "(failed_attempts = 2)",
        "compte-verrouille-1h-apres-20-echecs : écartée, condition « failed_attempts >= 20 » fausse "
        "(failed_attempts = 2)",
        "compte-verrouille-15min-apres-10-echecs : écartée, condition « failed_attempts >= 10 » fausse "
        "(failed_attempts = 2)",
        "compte-ouvert : retenue",
    )


def test_a_constructor_refuses_rules_whose_examples_fail(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **{"login_lockout.yaml": LOCKOUT.replace("rule: verrouille}", "rule: ouvert}")})
    with pytest.raises(RulesError, match=r"ÉCHEC rules/login_lockout\.yaml exemple n° 1"):
        DurableRules(folder)


def _touch_later(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))


def test_reload_refuses_a_broken_file_keeps_previous_rules_and_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = rules_folder(tmp_path, **{"login_lockout.yaml": LOCKOUT})
    engine = DurableRules(folder)
    version = engine.version
    assert engine.reload_if_changed() is False
    _touch_later(folder / "login_lockout.yaml", LOCKOUT.replace('">=": 10', '">=": "dix"'))
    with caplog.at_level(logging.ERROR, logger="famille.rules"):
        assert engine.reload_if_changed() is False
    assert "Nouvelles règles refusées" in caplog.text and "n'est pas un nombre entier" in caplog.text
    assert engine.version == version
    assert engine.decide("login_lockout", {"failed_attempts": 10}).outcome["locked"] is True
    assert engine.stats()["refused_reloads"] == 1
    caplog.clear()
    assert engine.reload_if_changed() is False  # the same broken version is logged once
    assert caplog.text == ""


def test_reload_refuses_a_version_whose_examples_fail(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **{"login_lockout.yaml": LOCKOUT})
    engine = DurableRules(folder)
    _touch_later(folder / "login_lockout.yaml", LOCKOUT.replace('">=": 10', '">=": 11'))
    assert engine.reload_if_changed() is False
    assert engine.decide("login_lockout", {"failed_attempts": 10}).outcome["locked"] is True


def test_reload_takes_a_good_new_version_and_swaps_the_tables(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **{"login_lockout.yaml": LOCKOUT})
    engine = DurableRules(folder)
    assert engine.decide("login_lockout", {"failed_attempts": 5}).outcome["locked"] is False
    new = LOCKOUT.replace('">=": 10', '">=": 5').replace("failed_attempts: 10}", "failed_attempts: 5}")
    _touch_later(folder / "login_lockout.yaml", new)
    assert engine.reload_if_changed() is True
    decision = engine.decide("login_lockout", {"failed_attempts": 5})
    assert decision.outcome["locked"] is True and decision.version == engine.version
    assert engine.stats()["reloads"] == 1


def test_reloads_keep_the_number_of_registered_rulesets_flat(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **{"login_lockout.yaml": LOCKOUT, "booking_deadlines.yaml": DEADLINES})
    engine = DurableRules(folder)
    registered = len(engine._host._ruleset_list)
    for threshold in range(11, 41):
        new = LOCKOUT.replace('">=": 10', f'">=": {threshold}').replace("failed_attempts: 10}", f"failed_attempts: {threshold}}}")
        _touch_later(folder / "login_lockout.yaml", new)
        assert engine.reload_if_changed() is True
    assert len(engine._host._ruleset_list) == registered


def test_eight_threads_decide_two_thousand_times_each_without_error(shipped: DurableRules, tmp_path: Path) -> None:
    engine = DurableRules(default_rules_dir())
    errors: list[BaseException] = []
    wrong: list[int] = []

    def work(offset: int) -> None:
        try:
            for i in range(2000):
                attempts = (i + offset) % 20
                facts = {"failed_attempts": attempts}
                decide = engine.decide_by_engine if i % 2 else engine.decide
                if decide("login_lockout", facts).outcome["locked"] != (attempts >= 10):
                    wrong.append(attempts)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and wrong == []
    assert engine.stats()["engine_calls"] >= 8_000


def test_reloads_during_concurrent_decisions_never_fail_a_decision(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **{"login_lockout.yaml": LOCKOUT})
    engine = DurableRules(folder)
    errors: list[BaseException] = []
    stop = threading.Event()

    def work() -> None:
        try:
            while not stop.is_set():
                engine.decide("login_lockout", {"failed_attempts": 3})
                engine.decide_by_engine("login_lockout", {"failed_attempts": 3})
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for threshold in range(11, 31):
        new = LOCKOUT.replace('">=": 10', f'">=": {threshold}').replace("failed_attempts: 10}", f"failed_attempts: {threshold}}}")
        _touch_later(folder / "login_lockout.yaml", new)
        engine.reload_if_changed()
    stop.set()
    for t in threads:
        t.join()
    assert errors == []


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_memory_stays_flat_over_many_engine_decisions(tmp_path: Path) -> None:
    engine = DurableRules(default_rules_dir())
    facts = {**GOOD_PASSWORD, "length": 3}
    for _ in range(5_000):
        engine.decide_by_engine("password_policy", facts)
    before = _rss_kib()
    for i in range(30_000):
        engine.decide_by_engine("password_policy", {**facts, "length": i % 129})
        engine.decide_by_engine("login_lockout", {"failed_attempts": i % 1001})
    assert _rss_kib() - before < 2_048


def test_watching_takes_a_new_version_in_the_background(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **{"login_lockout.yaml": LOCKOUT})
    engine = DurableRules(folder)
    engine.start_watching(0.05)
    try:
        new = LOCKOUT.replace('">=": 10', '">=": 5').replace("failed_attempts: 10}", "failed_attempts: 5}")
        _touch_later(folder / "login_lockout.yaml", new)
        deadline = time.monotonic() + 5
        while engine.stats()["reloads"] == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        engine.stop_watching()
    assert engine.decide("login_lockout", {"failed_attempts": 5}).outcome["locked"] is True


def test_a_new_organisation_file_is_picked_up_by_reload(tmp_path: Path) -> None:
    folder = rules_folder(tmp_path, **{"booking_deadlines.yaml": DEADLINES})
    engine = DurableRules(folder)
    write(folder, "organisations/vals/booking_deadlines.yaml", """\
        policy: booking_deadlines
        remove: [cantine-lundi]
    """)
    assert engine.reload_if_changed() is True
    facts = {"service": "RESTAURATION", "weekday": "lundi"}
    assert engine.decide("booking_deadlines", facts, organisation="vals").rule_id == "defaut"
    assert engine.decide("booking_deadlines", facts).rule_id == "cantine-lundi"
