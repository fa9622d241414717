"""Small rule folders written into a temporary directory for the tests."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from famille.rules import default_rules_dir

LOCKOUT = """\
policy: login_lockout
hit_policy: first
inputs:
  failed_attempts: {type: integer, min: 0, max: 1000}
outputs:
  locked: {type: boolean}
  unlock_after_minutes: {type: integer, min: 0}
rules:
  - id: verrouille
    when: {failed_attempts: {">=": 10}}
    then: {locked: true, unlock_after_minutes: 15}
    message: "Verrouillé après {failed_attempts} échecs."
  - id: ouvert
    when: {}
    then: {locked: false, unlock_after_minutes: 0}
    message: "Ouvert."
examples:
  - facts: {failed_attempts: 10}
    expect: {rule: verrouille}
"""

DEADLINES = """\
policy: booking_deadlines
hit_policy: first
inputs:
  service: {type: enum, values: [RESTAURATION, GARDERIE SOIR]}
  weekday: {type: enum, values: [lundi, mardi]}
outputs:
  kind: {type: enum, values: [calendar_days_before]}
  days: {type: integer}
  at: {type: time}
rules:
  - id: cantine-lundi
    when: {service: RESTAURATION, weekday: lundi}
    then: {kind: calendar_days_before, days: 4, at: "23:59"}
    message: "Lundi : 4 jours avant."
  - id: defaut
    when: {}
    then: {kind: calendar_days_before, days: 1, at: "18:00"}
    message: "La veille."
examples:
  - facts: {service: RESTAURATION, weekday: lundi}
    expect: {rule: cantine-lundi}
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write `text` (dedented) to `folder/name`, creating parents."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def rules_folder(tmp_path: Path, **files: str) -> Path:
    """The shipped rules (every policy is required) with the given files in place of theirs
    (name → text; `/` in names as `__`), in a folder named `rules`."""
    folder = tmp_path / "rules"
    if not folder.exists():
        shipped_copy(tmp_path)
    for name, text in files.items():
        write(folder, name.replace("__", "/"), text)
    return folder


def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped rule files, to change in a test."""
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder
