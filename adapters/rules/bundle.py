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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from famille.adapters.rules.analysis import analyse
from famille.adapters.rules.format import Policy, RuleFileError
from famille.adapters.rules.load import parse_override, parse_policy, read_yaml
from famille.adapters.rules.outcomes import outcome_problems

ORGANISATION_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
Stamp = tuple[tuple[str, int, int], ...]
#: The policies the kernel asks for: a folder missing one is refused (at check, test and reload).
POLICIES = ("absence_reasons", "billing_eligibility", "booking_deadlines", "login_lockout", "password_policy",
            "pricing", "qf_brackets", "request_validation")
#: The outputs the kernel reads from a policy's decision: a policy without them is refused.
REQUIRED_OUTPUTS = {"login_lockout": ("locked", "unlock_after_minutes")}
#: Policies decided for the whole portal, never per organisation (an unknown login has none).
PORTAL_WIDE = ("login_lockout",)
#: The policy declaring the absence reasons (its `reason` input), and the policies whose `reason`
#: input must list exactly those reasons (plus AUCUNE, « no absence »): they write
#: `values_from: absence_reasons` instead of copying the list.
REASONS_POLICY = "absence_reasons"
REASON_INPUTS = {"booking_deadlines": ("AUCUNE",), "billing_eligibility": ("AUCUNE",)}
#: The word lists the policies read.
WORD_LISTS = ("common_passwords",)
#: An optional list of the organisation codes the folder may hold overrides for (one a line), used
#: when the database cannot say which organisations exist.
ORGANISATIONS_FILE = "organisations.txt"
#: The sub-folders of a rules folder; anything else in it is refused, not ignored.
SUBFOLDERS = ("organisations", "profiles")
#: What a rules folder shipped inside the Python package also holds (never read as rules).
PACKAGE_FILES = ("__init__.py", "__pycache__")


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
    """Every file of the folder (but the package's own), sorted: what the version and the reload watch."""
    if not rules_dir.is_dir():
        raise RuleFileError([f"{rules_dir} : dossier de règles introuvable"])
    top = [p for p in rules_dir.iterdir() if p.is_file() and p.name not in PACKAGE_FILES]
    nested = [p for sub in SUBFOLDERS for p in (rules_dir / sub).glob("*/*") if p.is_file()]
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


def read_text(path: Path, shown: str | None = None) -> str:
    """A text file of the folder, or `RuleFileError` naming the file and the line when it is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RuleFileError([f"{shown or path.name}, ligne {line} : le fichier n'est pas en UTF-8 (octet "
                             f"0x{data[error.start]:02x}) ; enregistrez-le en UTF-8"]) from None


def read_word_list(path: Path, shown: str | None = None) -> frozenset[str]:
    """A word list: one word a line (UTF-8), lower-cased; blank lines and `#` comments ignored.

    `RuleFileError` naming the file and the line when it is not UTF-8 text.
    """
    words = (line.strip().casefold() for line in read_text(path, shown).splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def layout_problems(rules_dir: Path) -> list[str]:
    """Files and folders a rules folder must not hold, and the policies and word lists it lacks."""
    root = rules_dir.name
    problems = []
    known = {f"{name}.yaml" for name in POLICIES} | {f"{name}.txt" for name in WORD_LISTS}
    for path in sorted(rules_dir.iterdir()):
        if path.name in PACKAGE_FILES or (path.name in SUBFOLDERS and path.is_dir()) or path.name == ORGANISATIONS_FILE:
            continue
        if path.name not in known:
            problems.append(f"{root}/{path.name} : fichier inconnu, refusé (fichiers permis : "
                            f"{', '.join(sorted(known))}, {ORGANISATIONS_FILE}, et les dossiers {' et '.join(SUBFOLDERS)})")
    for name in sorted(known):
        if not (rules_dir / name).is_file():
            problems.append(f"{root}/{name} : fichier manquant ; le portail a besoin de chacun de : "
                            f"{', '.join(sorted(known))}")
    for sub in SUBFOLDERS:
        folder = rules_dir / sub
        if not folder.is_dir():
            continue
        for group in sorted(folder.iterdir()):
            if not group.is_dir():
                problems.append(f"{root}/{sub}/{group.name} : un dossier par organisation (ou profil) est attendu ici")
                continue
            for path in sorted(group.iterdir()):
                if sub == "organisations" and path.name in {f"{name}.yaml" for name in PORTAL_WIDE}:
                    problems.append(f"{root}/{sub}/{group.name}/{path.name} : cette politique vaut pour tout le "
                                    "portail (un identifiant inconnu n'a pas d'organisation) ; changez "
                                    f"{root}/{path.name}")
                elif path.suffix != ".yaml" or path.stem not in POLICIES or not path.is_file():
                    problems.append(f"{root}/{sub}/{group.name}/{path.name} : fichier inconnu, refusé (une "
                                    f"surcharge s'appelle <politique>.yaml, politiques : {', '.join(POLICIES)})")
    return problems


def organisation_problems(rules_dir: Path, organisations: Iterable[str] | None) -> list[str]:
    """Organisation folders naming no known organisation (from `organisations`, else `organisations.txt`)."""
    declared = rules_dir / ORGANISATIONS_FILE
    if organisations is not None:
        known = set(organisations)
    elif declared.is_file():
        text = read_text(declared, f"{rules_dir.name}/{ORGANISATIONS_FILE}")
        known = {code for code in (line.strip() for line in text.splitlines()) if code and not code.startswith("#")}
    else:
        return []
    folder = rules_dir / "organisations"
    codes = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return [f"{rules_dir.name}/organisations/{code} : aucune organisation « {code} » (organisations connues : "
            f"{', '.join(sorted(known)) or 'aucune'}) ; ses règles ne s'appliqueraient à personne"
            for code in codes if code not in known]


def inspect(rules_dir: Path, organisations: Iterable[str] | None = None) -> tuple[Bundle, list[str]]:
    """Read the folder, collecting every problem of every file (validation and analysis).

    `organisations`: the codes of the organisations that exist (from the database), to refuse an
    override folder naming none of them; None reads `organisations.txt` if the folder has one.
    """
    shown_root = rules_dir.name
    problems: list[str] = []
    policies: dict[tuple[str | None, str], Policy] = {}
    profiles: dict[tuple[str, str], Policy] = {}
    word_lists: dict[str, frozenset[str]] = {}
    before = stamp(rules_dir)
    problems.extend(layout_problems(rules_dir))
    try:
        problems.extend(organisation_problems(rules_dir, organisations))
    except RuleFileError as error:
        problems.extend(error.problems)
    for path in sorted(rules_dir.glob("*.txt")):
        if path.name == ORGANISATIONS_FILE:
            continue
        try:
            word_lists[path.stem] = read_word_list(path, f"{shown_root}/{path.name}")
        except RuleFileError as error:
            problems.extend(error.problems)
    # The declaring policy first: the others' `values_from` read its values.
    for path in sorted(rules_dir.glob("*.yaml"), key=lambda p: (p.stem != REASONS_POLICY, p.name)):
        shown = f"{shown_root}/{path.name}"
        try:
            policy = parse_policy(values_from(read_yaml(path, shown), policies, shown), shown)
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
        problems.extend(outcome_problems(policy, policies.get((None, policy.name))))
        for output in REQUIRED_OUTPUTS.get(policy.name, ()):
            if output not in policy.outputs:
                problems.append(f"{policy.source} : sortie « {output} » manquante (le portail la lit)")
    bundle = Bundle(digest=digest(rules_dir), policies=policies, profiles=profiles, word_lists=word_lists,
                    stamp=before)
    if not problems:
        problems.extend(reason_problems(bundle))
    return bundle, problems


def values_from(raw: Any, policies: Mapping[tuple[str | None, str], Policy], shown: str) -> Any:
    """The YAML document with each enum input's `values_from: <policy>` replaced by its values: those it
    lists itself (`values`, e.g. AUCUNE), then the values of the same input of that default policy."""
    inputs = raw.get("inputs") if isinstance(raw, dict) else None
    if not isinstance(inputs, dict):
        return raw
    for name, spec in inputs.items():
        if not isinstance(spec, dict) or "values_from" not in spec:
            continue
        source = spec.pop("values_from")
        base = policies.get((None, str(source)))
        field = base.inputs.get(str(name)) if base is not None else None
        if field is None or field.type != "enum":
            raise RuleFileError([f"{shown} : entrée « {name} » : « values_from: {source} » ne nomme aucune "
                                 f"politique ayant une entrée énumérée « {name} » (par exemple {REASONS_POLICY})"])
        own = list(spec.get("values") or ())
        spec["values"] = own + [value for value in field.values if value not in own]
    return raw


def reason_problems(bundle: Bundle) -> list[str]:
    """The policies whose `reason` input does not list exactly the reasons `absence_reasons` declares.

    A reason only in `absence_reasons` would be offered to families and then have no deadline
    (« Aucune règle de délai ») nor billing; a reason only elsewhere could never be declared.
    """
    problems = []
    organisations = sorted({org for org, _ in bundle.policies if org is not None})
    for organisation in [None, *organisations]:
        declaring = bundle.policy(REASONS_POLICY, organisation)
        declared = declaring.inputs["reason"].values if "reason" in declaring.inputs else ()
        for name, extra in REASON_INPUTS.items():
            policy = bundle.policy(name, organisation)
            field = policy.inputs.get("reason")
            if field is None or field.type != "enum":
                continue  # a policy that does not tell reasons apart
            listed = tuple(v for v in field.values if v not in extra)
            for reason in declared:
                if reason not in listed:
                    problems.append(f"{policy.source} : la raison d'absence « {reason} » déclarée dans "
                                    f"{declaring.source} manque à l'entrée « reason » ; écrivez "
                                    f"« values_from: {REASONS_POLICY} » au lieu de recopier la liste")
            for reason in listed:
                if reason not in declared:
                    problems.append(f"{policy.source} : raison d'absence « {reason} » inconnue de "
                                    f"{declaring.source} ; déclarez-la d'abord dans {declaring.source}")
    return sorted(set(problems))


def load_bundle(rules_dir: Path, organisations: Iterable[str] | None = None) -> Bundle:
    """The folder's bundle, or `RuleFileError` listing every problem found."""
    bundle, problems = inspect(rules_dir, organisations)
    if problems:
        raise RuleFileError(problems)
    return bundle
