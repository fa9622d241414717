"""A rules folder read as a whole: default policies, organisation overrides, profiles, word lists.

Layout (see docs/rules.md):
    <dir>/<policy>.yaml                         a default policy
    <dir>/<name>.txt                            a word list, one word a line
    <dir>/organisations/<code>/<policy>.yaml    an organisation's overrides
    <dir>/profiles/<profile>/<policy>.yaml      an override file a commune can copy
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from famille.adapters.rules.analysis import analyse
from famille.adapters.rules.format import Policy, RuleFileError
from famille.adapters.rules.load import parse_override, parse_policy, read_yaml

ORGANISATION_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
Stamp = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Bundle:
    """Every policy in force, keyed by (organisation code or None, policy name)."""

    digest: str
    policies: Mapping[tuple[str | None, str], Policy]
    profiles: Mapping[tuple[str, str], Policy] = field(default_factory=dict)
    word_lists: Mapping[str, frozenset[str]] = field(default_factory=dict)
    stamp: Stamp = ()

    def policy(self, name: str, organisation: str | None) -> Policy:
        """The policy for this organisation: its overrides if it has some, else the default."""
        found = self.policies.get((organisation, name)) if organisation else None
        return found or self.policies[(None, name)]


def rule_files(rules_dir: Path) -> list[Path]:
    """Every file of the folder that the rules read, sorted."""
    if not rules_dir.is_dir():
        raise RuleFileError([f"{rules_dir} : dossier de règles introuvable"])
    top = [p for p in rules_dir.iterdir() if p.is_file() and p.suffix in (".yaml", ".txt")]
    nested = [p for sub in ("organisations", "profiles") for p in (rules_dir / sub).glob("*/*.yaml")]
    return sorted(top + nested)


def stamp(rules_dir: Path) -> Stamp:
    """A cheap fingerprint (paths, modification times, sizes) to notice changes without reading."""
    out = []
    for path in rule_files(rules_dir):
        info = path.stat()
        out.append((str(path.relative_to(rules_dir)), info.st_mtime_ns, info.st_size))
    return tuple(out)


def digest(rules_dir: Path) -> str:
    """The SHA-256 of every rule file's path and content (the version of the rules)."""
    h = hashlib.sha256()
    for path in rule_files(rules_dir):
        h.update(str(path.relative_to(rules_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def read_word_list(path: Path) -> frozenset[str]:
    """A word list: one word a line, lower-cased; blank lines and `#` comments ignored."""
    words = (line.strip().casefold() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def inspect(rules_dir: Path) -> tuple[Bundle, list[str]]:
    """Read the folder, collecting every problem of every file (validation and analysis)."""
    shown_root = rules_dir.name
    problems: list[str] = []
    policies: dict[tuple[str | None, str], Policy] = {}
    profiles: dict[tuple[str, str], Policy] = {}
    word_lists: dict[str, frozenset[str]] = {}
    before = stamp(rules_dir)
    for path in sorted(rules_dir.glob("*.txt")):
        word_lists[path.stem] = read_word_list(path)
    for path in sorted(rules_dir.glob("*.yaml")):
        shown = f"{shown_root}/{path.name}"
        try:
            policy = parse_policy(read_yaml(path, shown), shown)
        except RuleFileError as error:
            problems.extend(error.problems)
            continue
        policies[(None, policy.name)] = policy
    for kind in ("organisations", "profiles"):
        for path in sorted((rules_dir / kind).glob("*/*.yaml")):
            code = path.parent.name
            shown = f"{shown_root}/{kind}/{code}/{path.name}"
            if kind == "organisations" and not ORGANISATION_CODE.match(code):
                problems.append(f"{shown} : code d'organisation « {code} » invalide (lettres, chiffres, - et _)")
                continue
            base = policies.get((None, path.stem))
            if base is None:
                problems.append(f"{shown} : aucune politique par défaut « {path.stem} » à surcharger")
                continue
            try:
                merged = parse_override(read_yaml(path, shown), shown, base, code)
            except RuleFileError as error:
                problems.extend(error.problems)
                continue
            if kind == "organisations":
                policies[(code, merged.name)] = merged
            else:
                profiles[(code, merged.name)] = merged
    for policy in [*policies.values(), *profiles.values()]:
        problems.extend(analyse(policy).problems(policy))
    bundle = Bundle(digest=digest(rules_dir), policies=policies, profiles=profiles, word_lists=word_lists,
                    stamp=before)
    return bundle, problems


def load_bundle(rules_dir: Path) -> Bundle:
    """The folder's bundle, or `RuleFileError` listing every problem found."""
    bundle, problems = inspect(rules_dir)
    if problems:
        raise RuleFileError(problems)
    return bundle
