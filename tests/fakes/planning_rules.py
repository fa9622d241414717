"""The planning's rule files as plain Python: booking deadlines and absence reasons.

`deadline_policy(...)` mirrors rules/booking_deadlines.yaml; its parameters let a
test (or a property) vary the deadlines as a policy editor would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from famille.ports.rules import RuleHit, RulesError

SERVICES = ("RESTAURATION", "GARDERIE MATIN", "GARDERIE MIDI", "GARDERIE SOIR")
REASONS = ("RAISON MEDICALE", "VOYAGE OU SORTIE SCOLAIRE", "ABSENCE DE L'ENSEIGNANT",
           "GREVE DU PERSONNEL OU DES ENSEIGNANTS", "ACCIDENT DE LA CIRCULATION",
           "PARTICIPATION A UNE SEQUENCE DE SOUTIEN", "CAS DE FORCE MAJEURE", "CIRCONSTANCES EXCEPTIONNELLES",
           "AUTRES")
#: The canteen's deadlines of the shipped file: weekday -> (days before, weekday named).
CANTEEN = {"lundi": (4, "jeudi"), "mardi": (4, "vendredi"), "mercredi": (2, "lundi"), "jeudi": (2, "mardi"),
           "vendredi": (2, "mercredi")}


def deadline_policy(
    *, canteen: Mapping[str, tuple[int, str]] = CANTEEN, canteen_at: str = "23:59", garderie_days: int = 1,
    garderie_at: str = "18:00", needs_validation: bool = False, medical_same_day: bool = True,
) -> Callable[[Mapping[str, Any]], list[RuleHit]]:
    """A `booking_deadlines` policy with these parameters (the shipped ones by default)."""

    def decide(facts: Mapping[str, Any]) -> list[RuleHit]:
        service, weekday = facts["service"], facts["weekday"]
        action, reason = facts["action"], facts.get("reason", "AUCUNE")
        if service not in SERVICES:
            raise RulesError(f"service inconnu : {service}")
        if weekday in ("samedi", "dimanche"):
            return [RuleHit("pas-d-accueil-le-week-end", f"Aucun accueil périscolaire le {weekday} : rien à réserver.",
                            {"bookable": False})]
        if medical_same_day and action == "annulation" and reason == "RAISON MEDICALE":
            return [RuleHit("absence-medicale-jour-meme-9h",
                            "Une absence pour raison médicale peut être déclarée le jour même jusqu'à 09h00.",
                            {"bookable": True, "kind": "same_day", "days": 0, "at": "09:00",
                             "needs_validation": True})]
        if service == "RESTAURATION":
            days, named = canteen[weekday]
            return [RuleHit(f"cantine-{weekday}-{named}-{canteen_at.replace(':', 'h')}",
                            f"Pour un repas du {weekday}, réservez ou annulez au plus tard le {named} précédent.",
                            {"bookable": True, "kind": "calendar_days_before", "days": days, "weekday": named,
                             "at": canteen_at, "needs_validation": needs_validation})]
        return [RuleHit("garderie-veille-ouvree-18h",
                        f"Pour la {service}, réservez ou annulez au plus tard le jour ouvré précédent à 18h00.",
                        {"bookable": True, "kind": "working_days_before", "days": garderie_days, "at": garderie_at,
                         "needs_validation": needs_validation})]

    return decide


_DOCUMENTS = {"RAISON MEDICALE": "certificat médical", "ACCIDENT DE LA CIRCULATION": "constat ou attestation",
              "CAS DE FORCE MAJEURE": "justificatif", "CIRCONSTANCES EXCEPTIONNELLES": "justificatif"}
_NOT_EXCUSED_LATE = ("PARTICIPATION A UNE SEQUENCE DE SOUTIEN", "AUTRES")


def absence_reasons(facts: Mapping[str, Any]) -> list[RuleHit]:
    """Mirrors rules/absence_reasons.yaml."""
    reason = facts["reason"]
    if reason not in REASONS:
        raise RulesError(f"raison inconnue : {reason}")
    document = _DOCUMENTS.get(reason, "")
    outcome = {"allowed": True, "requires_document": bool(document), "document": document,
               "excuses_late": reason not in _NOT_EXCUSED_LATE}
    message = f"{reason} : joignez un {document}." if document else f"{reason} : sans justificatif."
    return [RuleHit(f"raison-{reason.lower().replace(' ', '-')}", message, outcome)]
