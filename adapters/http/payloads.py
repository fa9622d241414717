"""Request bodies: read, parsed and structured at the edge by ONE converter, or refused in French per field.

Every route of the API reads its body with `load(req, Body)` (or `load_sent`, which
also says which fields were sent, for the partial record forms). The behaviour is the
same everywhere:

- `ApiProblem` 400 (unreadable JSON), 413 (too large), 415 (not JSON);
- otherwise `ValidationFailed` (422) with one `FieldError` per wrong field, its `field`
  being the path without the leading `$.` (`cells[1].date`);
- unknown keys are refused, each by name, at any depth (`Champ « is_admin » : inconnu.`);
- types are strict: a boolean is `true`/`false` (never 0/1 or "oui"), an integer is no
  boolean and no float, a string is no number; dates are `AAAA-MM-JJ`, times `HH:MM`;
- strings are bounded (`TEXT_MAX`, or the limit of `text(...)`), without NUL and
  encodable in UTF-8 (a lone surrogate would break the hasher or the database further in).

A body field may carry its JSON name when it is no Python name (`key("from")`).
"""

from __future__ import annotations

import json
from datetime import date, time
from types import UnionType
from typing import Annotated, Any, NewType, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
import falcon
from cattrs.cols import list_structure_factory
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, override

from famille.adapters.http.errors import ApiProblem
from famille.kernel.shared import dates
from famille.kernel.shared.errors import FieldError, NotFound, ValidationFailed

#: The largest body any route reads; well above any valid body, well below a memory problem.
MAX_BODY_BYTES = 1024 * 1024
TEXT_MAX = 1000
#: The longest identifier a path or a query may carry: ids are uuids, codes 40 characters at most.
ID_MAX = 100
PASSWORD_MAX = 256
NOT_AN_OBJECT = "Le corps de la requête doit être un objet JSON."

Text = NewType("Text", str)
"""A string of at most `TEXT_MAX` characters (logins, tokens)."""

RecordDate = NewType("RecordDate", str)
"""A date of a family's record « AAAA-MM-JJ », from 1900, kept as its text (the bounded reader checks it)."""

Password = NewType("Password", str)
"""A password: at most `PASSWORD_MAX` characters (hashing a longer one only costs us time)."""


@attrs.frozen
class Limit:
    """The bounds of a string field: its length, and whether it must hold more than blanks (then stripped)."""

    max_length: int = TEXT_MAX
    non_empty: bool = False


def text(max_length: int = TEXT_MAX, *, non_empty: bool = False) -> Any:
    """The type of a bounded string field: `service: text(40, non_empty=True)`."""
    return Annotated[str, Limit(max_length, non_empty)]


def path_id(value: str, what: str) -> str:
    """An identifier of a path (or a query) of sane size: anything else cannot exist, « <what> introuvable. »."""
    if len(value) > ID_MAX or not value.isprintable():
        raise NotFound(f"{what} introuvable.")
    return value


def key(name: str) -> dict[str, str]:
    """Field metadata giving the JSON name of a field that is no Python name: `attrs.field(metadata=key("from"))`."""
    return {"json": name}


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


def bounded_string(value: Any, limit: Limit) -> str:
    """`value` if it is a string within `limit` (stripped when it must not be blank); French errors otherwise."""
    if not isinstance(value, str):
        raise PayloadTypeError("doit être une chaîne de caractères")
    if len(value) > limit.max_length:
        raise PayloadValueError(f"ne doit pas dépasser {limit.max_length} caractères")
    if "\x00" in value:
        raise PayloadValueError("contient un caractère nul")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PayloadValueError("contient des caractères invalides") from None
    if limit.non_empty:
        if not value.strip():
            raise PayloadValueError("obligatoire, une chaîne de caractères non vide")
        return value.strip()
    return value


def _strict_bool(value: Any, _type: Any) -> bool:
    if type(value) is not bool:
        raise PayloadTypeError("doit valoir true ou false")
    return value


def _strict_int(value: Any, _type: Any) -> int:
    if type(value) is not int:  # bool is an int in Python, and an int is no bool here
        raise PayloadTypeError("doit être un nombre entier")
    return value


def _day(value: Any, _type: Any) -> date:
    """Every date of every payload: the one bounded reader (`famille.kernel.shared.dates`)."""
    if not isinstance(value, str):
        raise PayloadTypeError(f"doit être {dates.DAY_FORMAT}")
    try:
        return dates.read_day(value)
    except dates.DateRefused as refused:
        raise PayloadValueError(f"doit être {refused.args[0]}") from None


def _record_date(value: Any, _type: Any) -> str:
    """A date of a family's record (a parent's birth: from 1900); an empty text is no date (null is)."""
    expected = dates.DAY_FORMAT.replace(str(dates.FIRST_YEAR), str(dates.RECORD_FIRST_YEAR), 1)
    if not isinstance(value, str):
        raise PayloadTypeError(f"doit être {expected} ou null")
    try:
        dates.read_day(value, since=dates.RECORD_FIRST_YEAR)
    except dates.DateRefused:
        raise PayloadValueError(f"doit être {expected} ou null") from None
    return value


def _iso(parse: Any, length: int, reason: str) -> Any:
    """A hook reading an ISO date or time of exactly `length` characters (`reason` otherwise)."""

    def structure(value: Any, _type: Any) -> Any:
        if not isinstance(value, str):
            raise PayloadTypeError(reason)
        try:
            if len(value) != length:
                raise ValueError(value)
            return parse(value)
        except ValueError:
            raise PayloadValueError(reason) from None

    return structure


def _limit_of(type_: Any) -> Limit | None:
    if get_origin(type_) is not Annotated:
        return None
    return next((m for m in get_args(type_)[1:] if isinstance(m, Limit)), None)


def _renamed(cls: Any) -> bool:
    return attrs.has(cls) and any("json" in a.metadata for a in attrs.fields(cls))


def _strict_list(converter: cattrs.Converter) -> Any:
    """Lists only: cattrs alone would take a string for a list of its letters (`"inv-1"` → `["i", …]`)."""

    def factory(kind: Any) -> Any:
        items = list_structure_factory(kind, converter)

        def structure(value: Any, t: Any) -> Any:
            if not isinstance(value, list):
                raise PayloadTypeError("doit être une liste")
            return items(value, t)

        return structure

    return factory


def make_converter() -> cattrs.Converter:
    """The one converter of request bodies: strict types, bounded strings, unknown keys refused, detailed errors."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(Text, lambda value, _t: bounded_string(value, Limit(TEXT_MAX)))
    converter.register_structure_hook(Password, lambda value, _t: bounded_string(value, Limit(PASSWORD_MAX)))
    converter.register_structure_hook(str, lambda value, _t: bounded_string(value, Limit(TEXT_MAX)))
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(date, _day)
    converter.register_structure_hook(RecordDate, _record_date)
    converter.register_structure_hook(time, _iso(time.fromisoformat, 5, "doit être une heure HH:MM"))
    converter.register_structure_hook_func(
        lambda t: _limit_of(t) is not None,
        lambda value, t: bounded_string(value, _limit_of(t) or Limit()),
    )
    converter.register_structure_hook_factory(lambda t: get_origin(t) is list, _strict_list(converter))
    converter.register_structure_hook_factory(
        _renamed,
        lambda cls: make_dict_structure_fn(
            cls, converter, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True,
            **{a.name: override(rename=a.metadata["json"]) for a in attrs.fields(cls) if "json" in a.metadata},
        ),
    )
    return converter


CONVERTER = make_converter()

B = TypeVar("B")
_UNKNOWN = "\x00inconnu:"


def _reason(error: BaseException, _type: Any) -> str:
    """French text for one structuring error (the `format_exception` of `cattrs.transform_error`)."""
    if isinstance(error, PayloadValueError | PayloadTypeError):
        return error.reason
    if isinstance(error, KeyError):
        return "obligatoire"
    if isinstance(error, ForbiddenExtraKeysError):
        return _UNKNOWN + "\x00".join(sorted(map(str, error.extra_fields)))
    wanted = _core(_type)
    if get_origin(wanted) in (list, tuple) or wanted in (list, tuple):
        return "doit être une liste"
    if get_origin(wanted) is dict or wanted is dict or attrs.has(wanted):
        return "doit être un objet"
    return "valeur invalide"


def _core(type_: Any) -> Any:
    """The type a value must have, without `| None`."""
    args = [a for a in get_args(type_) if a is not type(None)]
    if type_ is not None and get_origin(type_) in (Union, UnionType) and len(args) == 1:
        return args[0]
    return type_


def _label(path: str) -> str:
    return path.removeprefix("$.") if path != "$" else "$"


def _shown(name: str) -> str:
    """An unknown key as a field name: bounded, and never empty."""
    return (name[:40] + "…" if len(name) > 40 else name) or "(champ sans nom)"


def field_errors(error: BaseException) -> list[FieldError]:
    """One `FieldError` per wrong field of a structuring error (paths as `cattrs.transform_error` gives)."""
    errors = []
    for line in cattrs.transform_error(error, path="$", format_exception=_reason):
        reason, _, path = line.rpartition(" @ ")
        field = _label(path)
        if reason.startswith(_UNKNOWN):
            prefix = "" if field == "$" else field + "."
            for name in reason.removeprefix(_UNKNOWN).split("\x00"):
                shown = prefix + _shown(name)
                errors.append(FieldError(field=shown, message=f"Champ « {shown} » : inconnu."))
        else:
            errors.append(FieldError(field=field, message=f"Champ « {field} » : {reason}."))
    return errors


def read_json(req: falcon.Request) -> Any:
    """The parsed JSON body of `req` (400, 413 or 415 problems otherwise); read once, then kept."""
    if "json_body" in req.context:  # already read (by the throttle, for the login)
        return req.context.json_body
    req.context.json_body = _read_json(req)
    return req.context.json_body


def _read_json(req: falcon.Request) -> Any:
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


def structure(data: Any, body_type: type[B]) -> B:
    """`data` (parsed JSON) as `body_type`, or `ValidationFailed` naming each wrong field."""
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("$", NOT_AN_OBJECT)])
    try:
        return CONVERTER.structure(data, body_type)
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as error:
        raise ValidationFailed(field_errors(error)) from None


def load(req: falcon.Request, body_type: type[B]) -> B:
    """Read `req`'s JSON body as `body_type`, or raise a problem naming each wrong field."""
    return structure(read_json(req), body_type)


def load_sent(req: falcon.Request, body_type: type[B]) -> tuple[B, set[str]]:
    """The structured body and the names of the fields it holds (for forms where only what is sent changes)."""
    data = read_json(req)
    body = structure(data, body_type)
    return body, set(data)


def _bad_request(detail: str) -> ApiProblem:
    return ApiProblem(falcon.HTTP_400, "bad-request", "Requête invalide", detail)


def _too_large() -> ApiProblem:
    return ApiProblem(
        falcon.HTTP_413, "payload-too-large", "Requête trop volumineuse",
        f"Le corps de la requête dépasse {MAX_BODY_BYTES // 1024} Kio.",
    )
