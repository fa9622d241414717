"""The password policy: a password is reduced to a few facts, and the rule file decides.

No rule ever sees the password itself (the engine's error texts may quote the
facts they were given), only its length and which classes of characters it has.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from famille.kernel.shared.errors import FieldError, PasswordRejected
from famille.ports.rules import Rules

POLICY = "password_policy"
#: The longest password the rule facts describe exactly; longer ones count as this long.
MAX_FACT_LENGTH = 128


def password_facts(password: str, *, login: str, common: frozenset[str]) -> dict[str, Any]:
    """The facts the `password_policy` rule file decides on."""
    normalised = unicodedata.normalize("NFC", password)
    folded = normalised.casefold()
    return {
        "length": min(len(normalised), MAX_FACT_LENGTH),
        "has_upper": any(ch.isupper() for ch in normalised),
        "has_lower": any(ch.islower() for ch in normalised),
        "has_digit": any(ch.isdigit() for ch in normalised),
        "has_symbol": any(not ch.isalnum() for ch in normalised),
        "is_common": folded in common,
        "contains_login": bool(login) and len(login) >= 3 and login.casefold() in folded,
    }


def check_password(
    rules: Rules, password: str, *, login: str, organisation: str | None, field: str = "new_password"
) -> None:
    """Raise `PasswordRejected` with every failing part of the policy, or return if it is accepted."""
    facts = password_facts(password, login=login, common=rules.word_list("common_passwords"))
    decision = rules.decide(POLICY, facts, organisation=organisation)
    refusals = [hit for hit in decision.hits if not hit.outcome.get("accepted", False)]
    if refusals:
        raise PasswordRejected(
            [FieldError(field=field, message=hit.message, rule_id=hit.rule_id) for hit in refusals]
        )
