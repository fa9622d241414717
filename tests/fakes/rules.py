"""Rules written as plain Python, mirroring the shipped policies the kernel uses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from famille.ports.rules import Decision, RuleHit, RulesError
from tests.fakes.planning_rules import absence_reasons, deadline_policy

Policy = Callable[[Mapping[str, Any]], list[RuleHit]]


def _password_policy(facts: Mapping[str, Any]) -> list[RuleHit]:
    refusals = [
        ("mot-de-passe-trop-courant", facts["is_common"],
         "Ce mot de passe est trop courant ; choisissez-en un autre."),
        ("longueur-minimum", facts["length"] < 8, "Le mot de passe doit contenir au moins 8 caractères."),
        ("majuscule-requise", not facts["has_upper"],
         "Le mot de passe doit contenir au moins une lettre majuscule."),
        ("minuscule-requise", not facts["has_lower"],
         "Le mot de passe doit contenir au moins une lettre minuscule."),
        ("chiffre-requis", not facts["has_digit"], "Le mot de passe doit contenir au moins un chiffre."),
        ("identifiant-interdit", facts["contains_login"],
         "Le mot de passe ne doit pas contenir votre identifiant."),
    ]
    hits = [RuleHit(rule_id, message, {"accepted": False}) for rule_id, failed, message in refusals if failed]
    return hits or [RuleHit("mot-de-passe-conforme", "Mot de passe conforme.", {"accepted": True})]


def _login_lockout(facts: Mapping[str, Any]) -> list[RuleHit]:
    if facts["failed_attempts"] >= 10:
        return [RuleHit("verrouillage-10-echecs", "Votre compte est verrouillé après 10 tentatives "
                        "de connexion infructueuses. Utilisez « Mot de passe oublié ».", {"locked": True})]
    return [RuleHit("connexion-autorisee", "Connexion autorisée.", {"locked": False})]


def _request_validation(facts: Mapping[str, Any]) -> list[RuleHit]:
    """Mirrors rules/request_validation.yaml (collect)."""
    kind = facts["kind"]
    hits = []
    if kind in ("responsable", "conjoint") and not facts.get("has_telephone_domicile") \
            and not facts.get("has_mobile"):
        hits.append(RuleHit("telephone-domicile-ou-mobile-obligatoire",
                            "Renseignez au moins un numéro de téléphone : domicile ou mobile.",
                            {"accepted": False, "field": "telephone_domicile"}))
    if kind == "autorisation" and not facts.get("has_telephone") and not facts.get("has_mobile"):
        hits.append(RuleHit("telephone-personne-autorisee-obligatoire",
                            "Renseignez le téléphone ou le mobile de la personne autorisée à venir "
                            "chercher l'enfant.", {"accepted": False, "field": "telephone"}))
    if kind == "sanitaires_pratique" and not facts.get("pratique_offered", True):
        hits.append(RuleHit("pratique-non-proposee-par-la-cantine",
                            "Cette pratique alimentaire n'est pas proposée par la cantine de votre enfant.",
                            {"accepted": False, "field": "pratique_alimentaire"}))
    if kind == "sanitaires_pratique" and facts.get("pratique_offered", True) and facts.get("pratique_is_pai"):
        hits.append(RuleHit("pai-certificat-et-rencontre",
                            "Un PAI demande un certificat médical et une rencontre avec l'équipe : "
                            "la commune vous contactera.",
                            {"accepted": True, "field": "pratique_alimentaire",
                             "notice": "certificat médical et rencontre avec l'équipe"}))
    hits.append(RuleHit("demande-recevable",
                        "Demande enregistrée : elle sera examinée par un agent de la commune.",
                        {"accepted": True}))
    return hits


class FakeRules:
    """Decides with Python functions; tests may replace a policy with `policies[name] = fn`."""

    def __init__(self) -> None:
        self.policies: dict[str, Policy] = {
            "password_policy": _password_policy,
            "login_lockout": _login_lockout,
            "request_validation": _request_validation,
            "booking_deadlines": deadline_policy(),
            "absence_reasons": absence_reasons,
        }
        self.words: dict[str, frozenset[str]] = {
            "common_passwords": frozenset({"azerty123", "motdepasse1", "password1", "portail2026"}),
        }
        self.asked: list[tuple[str, dict[str, Any], str | None]] = []

    def decide(self, policy: str, facts: Mapping[str, Any], *, organisation: str | None = None) -> Decision:
        if policy not in self.policies:
            raise RulesError(f"politique inconnue : {policy}")
        self.asked.append((policy, dict(facts), organisation))
        return Decision(policy=policy, hits=tuple(self.policies[policy](facts)),
                        organisation=organisation, version="fake")

    def word_list(self, name: str) -> frozenset[str]:
        return self.words[name]
