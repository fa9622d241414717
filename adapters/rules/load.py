"""Reading rule files (YAML) into the model of `format.py`, with every mistake reported.

YAML traps closed here: duplicate keys (PyYAML silently keeps the last one) are an
error, and `23:59` stays the text "23:59" (YAML 1.1 would read it as 1439).
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from famille.adapters.rules.format import (
    HIT_POLICIES,
    INPUT_TYPES,
    OPERATORS,
    ORDER_OPERATORS,
    OUTPUT_TYPES,
    Example,
    FieldSpec,
    Policy,
    Rule,
    RuleFileError,
    Test,
    fact_problems,
    value_problem,
)

POLICY_KEYS = ("policy", "description", "hit_policy", "inputs", "outputs", "rules", "examples")
OVERRIDE_KEYS = ("policy", "description", "replace", "add", "remove", "examples")
RULE_KEYS = ("id", "when", "then", "message")
ADDED_RULE_KEYS = (*RULE_KEYS, "before")
EXAMPLE_KEYS = ("facts", "expect")
EXPECT_KEYS = ("rule", "rules", "then", "message")
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


#: A rule file may reuse a table or a list through YAML aliases (`*nom`) this many times at most: an
#: « alias bomb » (aliases of aliases) would otherwise expand to gigabytes from a few lines.
MAX_ALIASES = 50


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader refusing duplicate keys, more than `MAX_ALIASES` aliases of tables or lists, and keeping
    `HH:MM` as text (libyaml's parser when present: several times quicker, which a reload and the tests feel)."""

    aliases_seen = 0

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # An alias is the same node met again; only tables and lists can multiply (scalars cannot).
        if isinstance(node, yaml.CollectionNode) and node in self.constructed_objects:
            self.aliases_seen += 1
            if self.aliases_seen > MAX_ALIASES:
                raise yaml.constructor.ConstructorError(
                    None, None, f"plus de {MAX_ALIASES} alias YAML (*nom) : refusé", node.start_mark)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"clé « {key} » en double", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
for _digit in "0123456789":
    _Loader.yaml_implicit_resolvers.setdefault(_digit, []).insert(
        0, ("tag:yaml.org,2002:str", re.compile(r"^[0-9]{1,2}:[0-9]{2}$"))
    )


def read_yaml(path: Path, shown: str) -> Any:
    """The YAML document of `path`, or `RuleFileError` naming the file and line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", ligne {mark.line + 1}" if mark is not None else ""
        problem = str(getattr(error, "problem", None) or error)
        raise RuleFileError([f"{shown}{where} : YAML illisible : {_in_french(problem)}"]) from None
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise RuleFileError([f"{shown}, ligne {line} : le fichier n'est pas en UTF-8 ; enregistrez-le en UTF-8"]) \
            from None
    except OSError as error:
        raise RuleFileError([f"{shown} : fichier illisible : {error.strerror or error}"]) from None


#: PyYAML's usual complaints, in the words of a policy editor.
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "« : » inattendu ; un texte contenant « : » s'écrit entre guillemets"),
    ("could not find expected ':'", "« : » attendu après une clé"),
    ("cannot start any token", "caractère interdit en début de valeur (une tabulation ? indentez avec des espaces)"),
    ("found undefined alias", "alias (*nom) sans ancre (&nom) correspondante"),
    ("expected <block end>", "indentation incohérente"),
    ("found unexpected end of stream", "fin de fichier inattendue : guillemet, crochet ou accolade non fermé"),
    ("while scanning a quoted scalar", "guillemet non fermé"),
)


def _in_french(problem: str) -> str:
    for english, french in _YAML_PROBLEMS:
        if english in problem:
            return french
    return problem if not problem.isascii() else f"erreur de syntaxe YAML ({problem})"


class _Problems:
    """Collects French problem sentences prefixed with the file (and rule)."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.items: list[str] = []

    def add(self, text: str, *, rule: str | None = None, field: str | None = None) -> None:
        where = self.shown
        if rule is not None:
            where += f", règle « {rule} »"
        if field is not None:
            where += f", champ « {field} »"
        self.items.append(f"{where} : {text}")

    def raise_if_any(self) -> None:
        if self.items:
            raise RuleFileError(self.items)


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""


def _unknown_keys(raw: Mapping[str, Any], allowed: tuple[str, ...], p: _Problems, what: str,
                  rule: str | None = None) -> None:
    for key in raw:
        if key not in allowed:
            p.add(f"clé « {key} » inconnue {what} (clés permises : {', '.join(allowed)}){_suggest(key, allowed)}",
                  rule=rule)


def parse_policy(raw: Any, shown: str) -> Policy:
    """A validated `Policy` from the YAML document of a default rule file."""
    p = _Problems(shown)
    if not isinstance(raw, dict):
        p.add("le fichier doit être une table YAML (policy, inputs, outputs, rules…)")
        p.raise_if_any()
    _unknown_keys(raw, POLICY_KEYS, p, "au premier niveau")
    for key in ("policy", "hit_policy", "inputs", "outputs", "rules"):
        if key not in raw:
            p.add(f"clé « {key} » manquante")
    p.raise_if_any()
    name = raw["policy"]
    if not isinstance(name, str) or not re.match(r"^[a-z][a-z0-9_]*$", name):
        p.add(f"nom de politique « {name} » invalide (lettres minuscules, chiffres, _)")
    elif Path(shown).stem != name:
        p.add(f"la politique « {name} » doit être dans un fichier nommé {name}.yaml")
    if raw["hit_policy"] not in HIT_POLICIES:
        p.add(f"hit_policy « {raw['hit_policy']} » inconnue (valeurs permises : {', '.join(HIT_POLICIES)})")
    inputs = _parse_fields(raw["inputs"], INPUT_TYPES, p, "inputs")
    outputs = _parse_fields(raw["outputs"], OUTPUT_TYPES, p, "outputs")
    p.raise_if_any()
    rules = _parse_rules(raw["rules"], inputs, outputs, p, RULE_KEYS)
    _check_unique_ids(rules, p)
    examples = _parse_examples(raw.get("examples") or [], inputs, outputs, rules, p)
    if not examples:
        p.add("aucun exemple : chaque politique garde des exemples (examples) que « famille rules test » vérifie")
    p.raise_if_any()
    return Policy(
        name=name, description=str(raw.get("description") or ""), hit_policy=raw["hit_policy"],
        inputs=inputs, outputs=outputs, rules=tuple(r for r, _ in rules), examples=tuple(examples), source=shown,
    )


def parse_override(raw: Any, shown: str, base: Policy, organisation: str) -> Policy:
    """The default `base` policy with the `replace`, `add` and `remove` of an organisation's file."""
    p = _Problems(shown)
    if not isinstance(raw, dict):
        p.add("le fichier doit être une table YAML (policy, replace, add, remove…)")
        p.raise_if_any()
    _unknown_keys(raw, OVERRIDE_KEYS, p, "au premier niveau d'une surcharge")
    if raw.get("policy") != base.name:
        p.add(f"clé « policy » : « {raw.get('policy')} » attendu « {base.name} » (nom du fichier)")
    p.raise_if_any()
    rules = list(base.rules)
    ids = [r.id for r in rules]
    for rule_id in _as_list(raw.get("remove"), p, "remove"):
        if rule_id not in ids:
            p.add(f"remove : règle « {rule_id} » inconnue dans {base.source}{_suggest(rule_id, ids)}")
        else:
            rules = [r for r in rules if r.id != rule_id]
    replaced = _parse_rules(_as_list(raw.get("replace"), p, "replace"), base.inputs, base.outputs, p, RULE_KEYS,
                            required=False)
    for rule, _ in replaced:
        index = next((i for i, r in enumerate(rules) if r.id == rule.id), None)
        if index is None:
            p.add(f"replace : règle inconnue dans {base.source}{_suggest(rule.id, ids)}", rule=rule.id)
        else:
            rules[index] = rule
    added = _parse_rules(_as_list(raw.get("add"), p, "add"), base.inputs, base.outputs, p, ADDED_RULE_KEYS,
                         required=False)
    for rule, raw_rule in added:
        before = raw_rule.get("before")
        current = [r.id for r in rules]
        if before is None:
            default = next((i for i, r in enumerate(rules) if not r.tests), len(rules))
            rules.insert(default, rule)
        elif before not in current:
            p.add(f"before : règle « {before} » inconnue{_suggest(before, current)}", rule=rule.id)
        else:
            rules.insert(current.index(before), rule)
    _check_unique_ids([(r, {}) for r in rules], p)
    pairs = [(r, {}) for r in rules]
    examples = _parse_examples(raw.get("examples") or [], base.inputs, base.outputs, pairs, p)
    p.raise_if_any()
    return Policy(
        name=base.name, description=str(raw.get("description") or base.description),
        hit_policy=base.hit_policy, inputs=base.inputs, outputs=base.outputs, rules=tuple(rules),
        examples=tuple(examples), source=shown, organisation=organisation,
    )


def _as_list(value: Any, p: _Problems, key: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        p.add(f"clé « {key} » : une liste est attendue")
        return []
    return value


def _parse_fields(raw: Any, types: tuple[str, ...], p: _Problems, section: str) -> dict[str, FieldSpec]:
    fields: dict[str, FieldSpec] = {}
    if not isinstance(raw, dict) or not raw:
        p.add(f"« {section} » doit être une table non vide de champs")
        return fields
    for name, spec in raw.items():
        if not isinstance(spec, dict) or spec.get("type") not in types:
            got = spec.get("type") if isinstance(spec, dict) else spec
            p.add(f"{section} : type « {got} » inconnu (types permis : {', '.join(types)})", field=name)
            continue
        _unknown_keys(spec, ("type", "values", "min", "max", "default", "description"), p, f"dans {section}.{name}")
        kind = spec["type"]
        values = tuple(spec.get("values") or ())
        if kind == "enum" and (not values or not all(isinstance(v, str) for v in values)):
            p.add(f"{section} : un enum demande « values », une liste de textes", field=name)
        if kind == "enum" and len(set(values)) != len(values):
            p.add(f"{section} : valeurs en double dans « values »", field=name)
        low, high = spec.get("min"), spec.get("max")
        if section == "inputs" and kind == "integer" and (type(low) is not int or type(high) is not int or low > high):
            p.add("inputs : un entier demande des bornes « min » et « max » entières (min ≤ max)", field=name)
        built = FieldSpec(name=str(name), type=kind, values=values, min=low, max=high, default=spec.get("default"))
        if built.default is not None:
            problem = value_problem(built, built.default)
            if problem:
                p.add(f"{section} : défaut {problem}", field=name)
        fields[str(name)] = built
    return fields


def _parse_rules(raw: Any, inputs: Mapping[str, FieldSpec], outputs: Mapping[str, FieldSpec], p: _Problems,
                 keys: tuple[str, ...], *, required: bool = True) -> list[tuple[Rule, dict[str, Any]]]:
    if not isinstance(raw, list) or (required and not raw):
        p.add("« rules » doit être une liste non vide de règles")
        return []
    parsed = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            p.add(f"règle n° {position} : une table avec un « id » texte est attendue")
            continue
        rule_id = item["id"]
        if not RULE_ID.match(rule_id):
            p.add("id invalide (minuscules, chiffres et tirets, par ex. « cantine-lundi-jeudi-23h59 »)", rule=rule_id)
        _unknown_keys(item, keys, p, "dans une règle", rule=rule_id)
        for key in ("when", "then", "message"):
            if key not in item:
                p.add(f"clé « {key} » manquante", rule=rule_id)
        when = item.get("when") or {}
        then = item.get("then") or {}
        message = item.get("message", "")
        if not isinstance(when, dict) or not isinstance(then, dict) or not isinstance(message, str):
            p.add("« when » et « then » sont des tables, « message » un texte", rule=rule_id)
            continue
        tests = _parse_when(when, inputs, p, rule_id)
        for name, value in then.items():
            if name not in outputs:
                p.add(f"sortie inconnue (sorties déclarées : {', '.join(outputs)}){_suggest(name, outputs)}",
                      rule=rule_id, field=name)
                continue
            problem = value_problem(outputs[name], value)
            if problem:
                p.add(problem, rule=rule_id, field=name)
        _check_placeholders(message, set(inputs), set(then), p, rule_id)
        parsed.append((Rule(id=rule_id, tests=tuple(tests), then=dict(then), message=message), item))
    return parsed


def _parse_when(when: Mapping[str, Any], inputs: Mapping[str, FieldSpec], p: _Problems, rule_id: str) -> list[Test]:
    tests = []
    for name, condition in when.items():
        if name not in inputs:
            p.add(f"fait inconnu (faits déclarés : {', '.join(inputs)}){_suggest(name, inputs)}", rule=rule_id, field=name)
            continue
        spec = inputs[name]
        pairs: list[tuple[str, Any]]
        if isinstance(condition, dict):
            pairs = list(condition.items())
        elif isinstance(condition, list):
            pairs = [("in", condition)]
        else:
            pairs = [("in", [condition])]
        for op, operand in pairs:
            test = _parse_test(name, spec, op, operand, p, rule_id)
            if test is not None:
                tests.append(test)
    return tests


def _parse_test(name: str, spec: FieldSpec, op: Any, operand: Any, p: _Problems, rule_id: str) -> Test | None:
    if op not in OPERATORS:
        p.add(f"opérateur « {op} » inconnu (opérateurs permis : {', '.join(OPERATORS)}){_suggest(op, OPERATORS)}",
              rule=rule_id, field=name)
        return None
    if op in ORDER_OPERATORS:
        if spec.type != "integer":
            p.add(f"l'opérateur « {op} » ne s'applique qu'à un entier, pas à un champ {spec.type}",
                  rule=rule_id, field=name)
            return None
        problem = value_problem(spec, operand)
        if problem:
            p.add(problem, rule=rule_id, field=name)
            return None
        return Test(name, op, operand)
    values = operand if isinstance(operand, list) else [operand]
    if not values:
        p.add(f"« {op} » avec une liste vide", rule=rule_id, field=name)
        return None
    ok = True
    for value in values:
        problem = value_problem(spec, value)
        if problem:
            p.add(problem + (_suggest(value, spec.values) if spec.type == "enum" else ""), rule=rule_id, field=name)
            ok = False
    if not ok:
        return None
    return Test(name, "in" if op == "in" else "not in", tuple(values))


def _check_placeholders(message: str, inputs: set[str], outputs: set[str], p: _Problems, rule_id: str) -> None:
    """`{x}` names an input or an output of the rule; `{in.x}` / `{out.x}` say which when both exist."""
    try:
        parts = list(string.Formatter().parse(message))
    except ValueError as error:
        p.add(f"message : accolades mal formées ({error}) ; écrivez {{{{ et }}}} pour une accolade", rule=rule_id)
        return
    allowed = sorted(inputs | outputs) + [f"in.{n}" for n in sorted(inputs)] + [f"out.{n}" for n in sorted(outputs)]
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name in inputs and name in outputs:
            p.add(f"message : champ {{{name}}} ambigu, à la fois entrée et sortie de la règle ; écrivez "
                  f"{{in.{name}}} pour le fait reçu ou {{out.{name}}} pour la valeur décidée", rule=rule_id)
        elif name not in allowed or spec or conversion:
            p.add(f"message : champ {{{name}}} inconnu (champs utilisables : {', '.join(allowed)})", rule=rule_id)


def _check_unique_ids(rules: list[tuple[Rule, dict[str, Any]]], p: _Problems) -> None:
    seen: set[str] = set()
    for rule, _ in rules:
        if rule.id in seen:
            p.add("id en double", rule=rule.id)
        seen.add(rule.id)


def _parse_examples(raw: Any, inputs: Mapping[str, FieldSpec], outputs: Mapping[str, FieldSpec],
                    rules: list[tuple[Rule, dict[str, Any]]], p: _Problems) -> list[Example]:
    if not isinstance(raw, list):
        p.add("« examples » doit être une liste")
        return []
    ids = [r.id for r, _ in rules]
    probe = Policy("", "", "first", inputs, outputs, (), (), "")
    examples = []
    for index, item in enumerate(raw, start=1):
        where = f"exemple n° {index}"
        if not isinstance(item, dict) or not isinstance(item.get("facts"), dict) or not isinstance(
                item.get("expect"), dict):
            p.add(f"{where} : « facts » et « expect » (tables) sont attendus")
            continue
        _unknown_keys(item, EXAMPLE_KEYS, p, f"dans l'{where}")
        expect = item["expect"]
        _unknown_keys(expect, EXPECT_KEYS, p, f"dans « expect » de l'{where}")
        for problem in fact_problems(probe, item["facts"]):
            p.add(f"{where} : {problem}")
        expected = expect.get("rules", [expect["rule"]] if "rule" in expect else None)
        if expected is not None:
            if not isinstance(expected, list):
                p.add(f"{where} : « rules » doit être une liste d'ids")
                expected = None
            else:
                for rule_id in expected:
                    if rule_id not in ids:
                        p.add(f"{where} : règle attendue « {rule_id} » inconnue{_suggest(rule_id, ids)}")
        then = expect.get("then") or {}
        for name, value in then.items():
            if name not in outputs:
                p.add(f"{where} : sortie « {name} » inconnue{_suggest(name, outputs)}")
            elif value_problem(outputs[name], value):
                p.add(f"{where} : sortie « {name} » : {value_problem(outputs[name], value)}")
        examples.append(Example(facts=dict(item["facts"]), rules=tuple(expected) if expected is not None else None,
                                then=dict(then), message=expect.get("message"), index=index))
    return examples
