"""Every refusal as an RFC 9457 problem (`application/problem+json`), in French.

Domain errors are mapped to statuses once, in `DOMAIN_STATUSES`; Falcon's own
errors (unknown route, wrong method, unreadable body...) get a French title and
detail by status; anything unexpected is logged and answers a generic 500.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import falcon

from famille.kernel.billing.online import NoticeRefused, PaymentServiceUnavailable
from famille.kernel.calendar.loading import CalendarUnavailable
from famille.kernel.shared.errors import (
    AccountLocked,
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    InvalidCredentials,
    InvalidResetToken,
    NotFound,
    PasswordRejected,
    Unauthenticated,
    ValidationFailed,
)
from famille.ports.rules import RulesUnavailable

log = logging.getLogger("famille.http")

PROBLEM_JSON = "application/problem+json"

#: Domain error class -> (HTTP status, problem type slug). Looked up along the MRO,
#: so a subclass without an entry takes its parent's.
DOMAIN_STATUSES: dict[type[DomainError], tuple[str, str]] = {
    PasswordRejected: (falcon.HTTP_422, "password-rejected"),
    ValidationFailed: (falcon.HTTP_422, "validation-failed"),
    InvalidCredentials: (falcon.HTTP_401, "invalid-credentials"),
    Unauthenticated: (falcon.HTTP_401, "unauthenticated"),
    AccountLocked: (falcon.HTTP_423, "account-locked"),
    Forbidden: (falcon.HTTP_403, "forbidden"),
    NotFound: (falcon.HTTP_404, "not-found"),
    Conflict: (falcon.HTTP_409, "conflict"),
    InvalidResetToken: (falcon.HTTP_400, "invalid-reset-token"),
    CalendarUnavailable: (falcon.HTTP_503, "calendar-unavailable"),
    PaymentServiceUnavailable: (falcon.HTTP_503, "payment-service-unavailable"),
    NoticeRefused: (falcon.HTTP_400, "payment-notice-refused"),
    DomainError: (falcon.HTTP_400, "refused"),
}

#: Falcon's own errors, by status code: (problem type slug, French title, French detail).
HTTP_PROBLEMS: dict[int, tuple[str, str, str]] = {
    400: ("bad-request", "Requête invalide", "La requête est mal formée."),
    401: ("unauthenticated", "Connexion requise", "Veuillez vous connecter."),
    403: ("forbidden", "Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("not-found", "Introuvable", "La ressource demandée n'existe pas."),
    405: ("method-not-allowed", "Méthode non autorisée",
          "Cette méthode HTTP n'est pas acceptée pour cette adresse."),
    406: ("not-acceptable", "Format non disponible",
          "Cette ressource ne peut être fournie qu'en JSON."),
    411: ("length-required", "Longueur requise", "La longueur du corps de la requête doit être indiquée."),
    413: ("payload-too-large", "Requête trop volumineuse", "Le corps de la requête est trop volumineux."),
    415: ("unsupported-media-type", "Type de contenu non pris en charge",
          "Le corps de la requête doit être envoyé en JSON (Content-Type: application/json)."),
    429: ("too-many-requests", "Trop de tentatives",
          "Trop de tentatives depuis votre adresse ; réessayez dans quelques instants."),
    500: ("internal-error", "Erreur interne",
          "Une erreur inattendue est survenue ; veuillez réessayer plus tard."),
    503: ("unavailable", "Service indisponible",
          "Le portail est momentanément indisponible ; veuillez réessayer plus tard."),
}

#: A rules failure (`RulesUnavailable`): (problem type slug, French title, French detail).
RULES_UNAVAILABLE = (
    "rules-unavailable", "Règles indisponibles",
    "Les règles du portail n'ont pas pu être consultées : rien n'a été décidé ni enregistré. "
    "Réessayez dans quelques instants ; si cela continue, prévenez le service informatique de la commune.",
)


def problem_type(slug: str) -> str:
    """The URI naming a problem type (documented in the OpenAPI document)."""
    return f"urn:famille:problem:{slug}"


class ApiProblem(falcon.HTTPError):
    """An HTTP refusal raised by the adapter itself, whose title and detail are already French."""

    def __init__(
        self, status: str, slug: str, title: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, title=title, description=detail, headers=headers)
        self.slug = slug


def render_problem(
    resp: falcon.Response, status: str | int, slug: str, title: str, detail: str, **extra: Any
) -> None:
    """Write a problem document into `resp`."""
    body: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title,
        "status": falcon.http_status_to_code(status),  # accepts "423 Locked" or 423
        "detail": detail,
    }
    body.update(extra)
    resp.status = falcon.code_to_http_status(status)
    resp.content_type = PROBLEM_JSON
    resp.text = json.dumps(body, ensure_ascii=False)


def field_errors_json(errors: tuple[FieldError, ...]) -> list[dict[str, Any]]:
    """The `errors` member of a validation problem."""
    return [{"field": e.field, "message": e.message, "rule_id": e.rule_id} for e in errors]


def domain_mapping(error: DomainError) -> tuple[str, str]:
    """The HTTP status and problem type slug of a kernel refusal (API and pages alike)."""
    return next(DOMAIN_STATUSES[cls] for cls in type(error).__mro__ if cls in DOMAIN_STATUSES)


def handle_domain_error(req: falcon.Request, resp: falcon.Response, error: DomainError, params: Any) -> None:
    """Render a kernel refusal: status from `DOMAIN_STATUSES`, the kernel's French title and message."""
    status, slug = domain_mapping(error)
    if falcon.http_status_to_code(status) >= 500:  # not a refusal: a fault the operators must see
        log.error("%s sur %s %s : %s", error.title, req.method, req.path, error.message)
    extra: dict[str, Any] = {}
    if isinstance(error, ValidationFailed):
        extra["errors"] = field_errors_json(error.errors)
    if isinstance(error, AccountLocked):
        extra["rule_id"] = error.rule_id
    extra.update(getattr(error, "problem_extra", None) or {})  # e.g. a refused cell's rule and deadline
    if isinstance(error, Unauthenticated):
        resp.set_header("WWW-Authenticate", 'Bearer realm="famille"')
    render_problem(resp, status, slug, error.title, error.message, **extra)


def handle_http_error(req: falcon.Request, resp: falcon.Response, error: falcon.HTTPError, params: Any) -> None:
    """Render one of Falcon's errors (or an `ApiProblem`) in French, keeping its headers (`Allow`...)."""
    if error.headers:
        resp.set_headers(error.headers)
    if isinstance(error, ApiProblem):
        render_problem(resp, error.status, error.slug, error.title or "", error.description or "")
        return
    code = error.status_code
    slug, title, detail = HTTP_PROBLEMS.get(code, ("http-error", "Requête refusée", "La requête a été refusée."))
    render_problem(resp, error.status, slug, title, detail)


def handle_rules_unavailable(req: falcon.Request, resp: falcon.Response, error: RulesUnavailable,
                             params: Any) -> None:
    """Log a rules failure and answer 503: the request was not decided, never decided differently."""
    log.error("Règles indisponibles sur %s %s : %s", req.method, req.path, error, exc_info=error)
    slug, title, detail = RULES_UNAVAILABLE
    render_problem(resp, falcon.HTTP_503, slug, title, detail)


def handle_unexpected(req: falcon.Request, resp: falcon.Response, error: Exception, params: Any) -> None:
    """Log an exception nobody expected and answer a generic French 500."""
    log.exception("Erreur inattendue sur %s %s", req.method, req.path)
    slug, title, detail = HTTP_PROBLEMS[500]
    render_problem(resp, falcon.HTTP_500, slug, title, detail)


def install(app: falcon.App[Any, Any]) -> None:
    """Register the handlers on `app` (the most specific class wins, whatever the order)."""
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(falcon.HTTPError, handle_http_error)
    app.add_error_handler(DomainError, handle_domain_error)
    app.add_error_handler(RulesUnavailable, handle_rules_unavailable)
