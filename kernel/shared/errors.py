"""The domain errors: one root, one subclass per kind of refusal, each with its data.

Every message is French and addressed to the person using the portal. The HTTP
adapter maps these classes once to problem responses.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class FieldError:
    """A refusal bound to one field of what was sent: its path, the French message, and the rule."""

    field: str
    message: str
    rule_id: str | None = None


class DomainError(Exception):
    """Root of every refusal the kernel makes. `message` is French."""

    title = "Demande refusée"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing asked for does not exist, or the caller may not know that it exists."""

    title = "Introuvable"


class Unauthenticated(DomainError):
    """No valid session: the caller must log in."""

    title = "Connexion requise"


class InvalidCredentials(Unauthenticated):
    """Wrong login or password (the same message for both, so logins cannot be guessed)."""

    title = "Identifiant ou mot de passe incorrect"

    def __init__(self) -> None:
        super().__init__("Identifiant ou mot de passe incorrect.")


class AccountLocked(DomainError):
    """Too many failed attempts: the account refuses even the right password until a reset."""

    title = "Compte verrouillé"

    def __init__(self, message: str, rule_id: str) -> None:
        super().__init__(message)
        self.rule_id = rule_id


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    title = "Accès refusé"


class Conflict(DomainError):
    """The thing changed meanwhile (e.g. another agent decided first)."""

    title = "Conflit"


class ValidationFailed(DomainError):
    """What was sent breaks one or more rules; one `FieldError` per wrong field."""

    title = "Données invalides"

    def __init__(self, errors: list[FieldError] | tuple[FieldError, ...]) -> None:
        self.errors = tuple(errors)
        super().__init__(" ".join(error.message for error in self.errors))


class PasswordRejected(ValidationFailed):
    """A new password that the password policy refuses."""

    title = "Mot de passe refusé"


class InvalidResetToken(DomainError):
    """A password-reset or activation link that is unknown, used or expired."""

    title = "Lien invalide"

    def __init__(self) -> None:
        super().__init__(
            "Ce lien de réinitialisation est invalide, déjà utilisé ou expiré. "
            "Refaites la procédure « mot de passe oublié »."
        )
