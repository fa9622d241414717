"""The rules port in tests: the shipped rule files, decided by the real adapter (durable-rules).

No policy is written in Python here, so a test cannot check a rule id against a copy that
drifted from rules/. The engine on the shipped folder is built once per test session and shared
(`shipped_engine`): it is thread-safe, starts no thread and memoises its decisions.

A test that needs another policy writes rule files (YAML), as a policy editor would:
`rules_with({"organisations/org-a/booking_deadlines.yaml": text})` copies the shipped folder
(every policy: a folder missing one is refused) to a temporary folder, adds the files and builds
an engine on it, once per distinct set of files. The overrides kept for tests are YAML files in
tests/fakes/rule_files/ (`rule_file(name)`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from famille.adapters.rules.engine import DurableRules
from famille.ports.rules import Decision
from famille.rules import default_rules_dir

RULE_FILES = Path(__file__).parent / "rule_files"

_BUILT: dict[tuple[tuple[str, str], ...], DurableRules] = {}
_FOLDERS: list[tempfile.TemporaryDirectory[str]] = []


@cache
def shipped_engine() -> DurableRules:
    """The engine on the shipped rule files, shared by the whole session."""
    return DurableRules(default_rules_dir())


def rule_file(name: str) -> str:
    """The text of tests/fakes/rule_files/<name>.yaml (an override kept for tests)."""
    return (RULE_FILES / f"{name}.yaml").read_text(encoding="utf-8")


def rules_with(files: Mapping[str, str]) -> DurableRules:
    """An engine on the shipped rule files plus `files` (path in the folder → YAML text)."""
    key = tuple(sorted(files.items()))
    if key not in _BUILT:
        holder = tempfile.TemporaryDirectory(prefix="famille-rules-")
        _FOLDERS.append(holder)
        folder = Path(holder.name)
        shutil.copytree(default_rules_dir(), folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        for relative, text in files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        _BUILT[key] = DurableRules(folder)
    return _BUILT[key]


class ShippedRules:
    """The rules port over a real engine: the shipped files unless a test switches with `use`."""

    def __init__(self, engine: DurableRules | None = None) -> None:
        self.engine = engine or shipped_engine()

    def use(self, files: Mapping[str, str]) -> None:
        """Decide from now on by the shipped files plus `files` (see `rules_with`)."""
        self.engine = rules_with(files)

    def decide(self, policy: str, facts: Mapping[str, Any], *, organisation: str | None = None) -> Decision:
        return self.engine.decide(policy, facts, organisation=organisation)

    def input_values(self, policy: str, name: str, *, organisation: str | None = None) -> tuple[str, ...]:
        return self.engine.input_values(policy, name, organisation=organisation)

    def word_list(self, name: str) -> frozenset[str]:
        return self.engine.word_list(name)

    @property
    def version(self) -> str:
        return self.engine.version


def bookings_wait_for_an_agent(*organisations: str) -> dict[str, str]:
    """The override making every booking made in time wait for an agent, for these organisations."""
    text = rule_file("bookings_wait_for_an_agent")
    return {f"organisations/{code}/booking_deadlines.yaml": text for code in organisations}


#: A reason the shipped rule files do not know, for tests adding one.
NEW_REASON = "GREVE DES TRANSPORTS SCOLAIRES"


def one_more_reason() -> dict[str, str]:
    """The shipped `absence_reasons.yaml` with one more reason (and its rule), and nothing else changed:
    declaring a reason is one edit of one file."""
    text = (default_rules_dir() / "absence_reasons.yaml").read_text(encoding="utf-8")
    text = text.replace("CIRCONSTANCES EXCEPTIONNELLES, AUTRES]", f"CIRCONSTANCES EXCEPTIONNELLES, {NEW_REASON}, AUTRES]")
    text = text.replace("rules:\n", f"""rules:
  - id: greve-transports-excusee
    when: {{reason: {NEW_REASON}}}
    then: {{allowed: true, requires_document: false, document: "", excuses_late: true}}
    message: "Grève des transports scolaires : absence excusée, sans justificatif."
""", 1)
    assert NEW_REASON in text
    return {"absence_reasons.yaml": text}
