"""The two rule files of the planning, asked through the rules port: deadlines and absence reasons.

`booking_deadlines` gets finite facts (service, weekday, action, reason) and gives
deadline parameters, whether the day may be booked at all, and whether a request in
time still waits for an agent (`needs_validation`); `absence_reasons` tells, per
reason, whether a document is required and whether a late absence is excused.
"""

from __future__ import annotations

from datetime import date

import attrs

from famille.kernel.calendar.deadlines import DeadlineSpec, spec_or_none
from famille.kernel.planning.grid import ActionKind
from famille.kernel.shared.errors import FieldError, ValidationFailed
from famille.kernel.shared.french_dates import WEEKDAYS
from famille.ports.rules import NoDecision, Rules

DEADLINE_POLICY = "booking_deadlines"
ABSENCE_POLICY = "absence_reasons"
#: The `reason` fact of a booking (no absence reason).
NO_REASON = "AUCUNE"


@attrs.frozen
class DeadlineRule:
    """What `booking_deadlines` says for one service, weekday, action and reason.

    `spec` is None when the rule says the day cannot be booked (or no rule knows the service).
    """

    spec: DeadlineSpec | None
    rule_id: str | None
    message: str
    needs_validation: bool = False


@attrs.frozen
class AbsenceReason:
    """What `absence_reasons` says of one reason."""

    reason: str
    allowed: bool
    requires_document: bool
    document: str
    excuses_late: bool
    rule_id: str
    message: str
    #: The absence is a congé parental (the grid's « Congé parental »).
    parental_leave: bool = False


class DeadlineRules:
    """The deadline rules of one organisation, asked once per distinct set of facts.

    Made per use case, or kept with a setup for one version of the rule files (`OrganisationSetups`): the
    rules in force may be reloaded between two requests.
    """

    def __init__(self, rules: Rules, organisation_code: str) -> None:
        self._rules = rules
        self._organisation = organisation_code
        self._memo: dict[tuple[str, int, ActionKind, str], DeadlineRule] = {}

    def rule(self, service_code: str, weekday: int, action: ActionKind, reason: str = NO_REASON) -> DeadlineRule:
        """The rule for booking (or cancelling with `reason`) a `weekday` (0 = Monday) of `service_code`."""
        key = (service_code, weekday, action, reason)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._ask(*key)
        return found

    @property
    def version(self) -> str:
        """The version of the rule files these rules come from."""
        return self._rules.version

    def spec(self, service_code: str, day: date, action: ActionKind) -> DeadlineSpec | None:
        """The deadline spec of a cell: the shape `month_grid` asks for."""
        return self.rule(service_code, day.weekday(), action).spec

    def _ask(self, service_code: str, weekday: int, action: ActionKind, reason: str) -> DeadlineRule:
        facts = {"service": service_code, "weekday": WEEKDAYS[weekday], "action": action.value, "reason": reason}
        try:
            decision = self._rules.decide(DEADLINE_POLICY, facts, organisation=self._organisation)
        except NoDecision:
            # A service the rule file does not name has no deadline: nothing may be asked on it.
            # (An engine failure, `RulesUnavailable`, is not an answer: it goes through.)
            return DeadlineRule(None, None, f"Aucune règle de délai pour le service {service_code}.")
        outcome = decision.outcome
        spec = spec_or_none(outcome, rule_id=decision.rule_id)
        return DeadlineRule(spec, decision.rule_id, decision.message, bool(outcome.get("needs_validation", False)))


def absence_reasons(rules: Rules, organisation_code: str | None) -> tuple[str, ...]:
    """The absence reasons the rule file declares (its `reason` input), in its order: what forms offer."""
    return rules.input_values(ABSENCE_POLICY, "reason", organisation=organisation_code)


def absence_reason(rules: Rules, organisation_code: str, reason: str) -> AbsenceReason:
    """What the rule file says of `reason`; a reason it does not know is a field error."""
    found = reason_rule(rules, organisation_code, reason)
    if found is None:
        choices = ", ".join(absence_reasons(rules, organisation_code))
        raise ValidationFailed([FieldError("reason", f"Raison d'absence inconnue : « {reason} » "
                                                     f"(raisons possibles : {choices}).")])
    return found


def reason_rule(rules: Rules, organisation_code: str, reason: str) -> AbsenceReason | None:
    """What the rule file says of `reason`, or None when it does not list it (a rules failure goes through)."""
    try:
        decision = rules.decide(ABSENCE_POLICY, {"reason": reason}, organisation=organisation_code)
    except NoDecision:
        return None
    outcome = decision.outcome
    return AbsenceReason(
        reason=reason,
        allowed=bool(outcome.get("allowed", True)),
        requires_document=bool(outcome.get("requires_document", False)),
        document=str(outcome.get("document", "") or ""),
        excuses_late=bool(outcome.get("excuses_late", False)),
        rule_id=decision.rule_id,
        message=decision.message,
        parental_leave=bool(outcome.get("parental_leave", False)),
    )
