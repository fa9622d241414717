"""Request bodies: read, parsed and structured at the edge, or refused with a French message per field.

`load(req, LoginBody)` returns a frozen attrs instance, or raises: `ApiProblem`
(400 unreadable JSON, 413 too large, 415 not JSON) or `ValidationFailed` (422,
one `FieldError` per wrong field, `field` being the path without its leading `$.`).
Strings are strict: no coercion from numbers, bounded length, no NUL character
and nothing that cannot be encoded in UTF-8 (a lone surrogate would break the
hasher or the database further in).
"""

from __future__ import annotations

import json
from typing import Any, NewType, TypeVar

import attrs
import cattrs
import falcon
from cattrs.errors import ForbiddenExtraKeysError

from famille.adapters.http.errors import ApiProblem
from famille.kernel.shared.errors import FieldError, ValidationFailed

#: The largest body any route reads; well above any valid body, well below a memory problem.
MAX_BODY_BYTES = 1024 * 1024
TEXT_MAX = 1000
PASSWORD_MAX = 256

Text = NewType("Text", str)
"""A string of at most `TEXT_MAX` characters (logins, tokens)."""

Password = NewType("Password", str)
"""A password: at most `PASSWORD_MAX` characters (hashing a longer one only costs us time)."""


@attrs.frozen
class LoginBody:
    """`POST /api/v1/session`."""

    login: Text
    password: Password


@attrs.frozen
class PasswordChangeBody:
    """`POST /api/v1/password`."""

    login: Text
    current_password: Password
    new_password: Password
    confirmation: Password


@attrs.frozen
class ResetRequestBody:
    """`POST /api/v1/password-reset`."""

    login: Text


@attrs.frozen
class ResetConfirmBody:
    """`POST /api/v1/password-reset/confirm`."""

    token: Text
    new_password: Password
    confirmation: Password


class PayloadValueError(ValueError):
    """A value of the right JSON type that breaks a limit; `reason` is French."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PayloadTypeError(TypeError):
    """A value of the wrong JSON type; `reason` is French."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _bounded_string(limit: int) -> Any:
    def structure(value: Any, _type: Any) -> str:
        if not isinstance(value, str):
            raise PayloadTypeError("doit être une chaîne de caractères")
        if len(value) > limit:
            raise PayloadValueError(f"ne doit pas dépasser {limit} caractères")
        if "\x00" in value:
            raise PayloadValueError("contient un caractère nul")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise PayloadValueError("contient des caractères invalides") from None
        return value

    return structure


def make_converter() -> cattrs.Converter:
    """The converter of request bodies: strict strings, unknown keys refused, detailed errors."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(Text, _bounded_string(TEXT_MAX))
    converter.register_structure_hook(Password, _bounded_string(PASSWORD_MAX))
    converter.register_structure_hook(str, _bounded_string(TEXT_MAX))
    return converter


CONVERTER = make_converter()

B = TypeVar("B")


def _reason(error: BaseException, _type: Any) -> str:
    """French text for one structuring error (the `format_exception` of `cattrs.transform_error`)."""
    if isinstance(error, PayloadValueError | PayloadTypeError):
        return error.reason
    if isinstance(error, KeyError):
        return "obligatoire"
    if isinstance(error, ForbiddenExtraKeysError):
        return "contient des champs inconnus"
    return "valeur invalide"


def _label(path: str) -> str:
    return path.removeprefix("$.") if path != "$" else "$"


def field_errors(error: Exception) -> list[FieldError]:
    """One `FieldError` per wrong field of a structuring error (paths as `cattrs.transform_error` gives)."""
    errors = []
    for text in cattrs.transform_error(error, path="$", format_exception=_reason):
        reason, _, path = text.rpartition(" @ ")
        field = _label(path)
        errors.append(FieldError(field=field, message=f"Champ « {field} » : {reason}."))
    return errors


def _unknown_keys(data: dict[str, Any], body_type: type) -> list[FieldError]:
    known = {a.name for a in attrs.fields(body_type)}
    errors = []
    for key in sorted(k for k in data if k not in known):
        shown = key if len(key) <= 40 else key[:40] + "…"
        errors.append(FieldError(field=key, message=f"Champ « {shown} » : inconnu."))
    return errors


def read_json(req: falcon.Request) -> Any:
    """The parsed JSON body of `req` (400, 413 or 415 problems otherwise)."""
    if req.content_length is not None and req.content_length > MAX_BODY_BYTES:
        raise _too_large()
    media_type = (req.content_type or "application/json").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise ApiProblem(
            falcon.HTTP_415, "unsupported-media-type", "Type de contenu non pris en charge",
            "Le corps de la requête doit être envoyé en JSON (Content-Type: application/json).",
        )
    raw = req.bounded_stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large()
    if not raw.strip():
        raise _bad_request("Le corps de la requête est vide ; un objet JSON est attendu.")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # JSONDecodeError, bad UTF-8, absurd nesting
        raise _bad_request("Le corps de la requête n'est pas un JSON valide.") from None


def load(req: falcon.Request, body_type: type[B]) -> B:
    """Read `req`'s JSON body as `body_type`, or raise a problem naming each wrong field."""
    data = read_json(req)
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("$", "Le corps de la requête doit être un objet JSON.")])
    unknown = _unknown_keys(data, body_type)
    try:
        return CONVERTER.structure(data, body_type)
    except (cattrs.BaseValidationError, ForbiddenExtraKeysError) as error:
        errors = field_errors(error)
        if unknown:  # named one by one above, rather than the converter's single "$" refusal
            errors = [e for e in errors if e.field != "$"]
        raise ValidationFailed(unknown + errors) from None


def _bad_request(detail: str) -> ApiProblem:
    return ApiProblem(falcon.HTTP_400, "bad-request", "Requête invalide", detail)


def _too_large() -> ApiProblem:
    return ApiProblem(
        falcon.HTTP_413, "payload-too-large", "Requête trop volumineuse",
        f"Le corps de la requête dépasse {MAX_BODY_BYTES // 1024} Kio.",
    )
