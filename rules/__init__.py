"""The rule files shipped with famille (YAML decision tables and word lists).

Policy editors change these files; see docs/rules.md. Nothing here is code but
`default_rules_dir()`.
"""

from __future__ import annotations

from pathlib import Path


def default_rules_dir() -> Path:
    """The folder of the shipped rule files."""
    return Path(__file__).resolve().parent
