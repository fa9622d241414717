"""What a new password must be, in the words of the password policy rule file in force."""

from __future__ import annotations

import logging

from famille.kernel.accounts.passwords import check_password
from famille.kernel.shared.errors import PasswordRejected
from famille.ports.rules import Rules, RulesError

log = logging.getLogger("famille.web")

#: The guide's own sentence, shown only if the rule file cannot be asked.
GUIDE_RULE = "Le nouveau mot de passe doit contenir au moins 8 caractères dont 1 majuscule, 1 minuscule, 1 chiffre."


def password_requirements(rules: Rules, organisation: str | None) -> list[str]:
    """The policy's messages for an empty password: every requirement, as the policy words it.

    Asking the rules (rather than writing the text here) keeps the page true when a
    commune changes its policy (e.g. the CNIL profile, which also asks for a symbol).
    """
    try:
        check_password(rules, "", login="", organisation=organisation)
    except PasswordRejected as refused:
        return [error.message for error in refused.errors]
    except RulesError:
        log.exception("Politique de mot de passe illisible ; texte du guide affiché")
        return [GUIDE_RULE]
    return []
