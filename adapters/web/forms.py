"""HTML forms: reading what was posted, and keeping each error beside its field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import falcon

from famille.kernel.errors import FieldError, ValidationFailed

FORM_URLENCODED = "application/x-www-form-urlencoded"


def posted(req: falcon.Request) -> dict[str, str]:
    """The fields of a posted form (first value of each); {} for any other body."""
    if not (req.content_type or "").startswith(FORM_URLENCODED):
        return {}
    media = req.get_media(default_when_empty={})
    fields: dict[str, str] = {}
    for name, value in (media or {}).items():
        first: Any = value[0] if isinstance(value, list) and value else value
        fields[str(name)] = first if isinstance(first, str) else ""
    return fields


@attrs.define
class Form:
    """What a form shows: the values to keep (never passwords), errors per field, general errors."""

    values: dict[str, str] = attrs.Factory(dict)
    errors: dict[str, list[str]] = attrs.Factory(dict)
    general: list[str] = attrs.Factory(list)

    @classmethod
    def keeping(cls, fields: dict[str, str], names: Iterable[str]) -> Form:
        """A form that shows again the values of `names` (the fields that are not secrets)."""
        return cls(values={name: fields.get(name, "") for name in names})

    def add(self, field: str | None, message: str) -> None:
        """An error on `field`, or on the whole form when `field` is None."""
        if field is None:
            self.general.append(message)
        else:
            self.errors.setdefault(field, []).append(message)

    def require(self, fields: dict[str, str], name: str, message: str) -> str:
        """The trimmed value of `name`, or an error `message` on it when it is blank."""
        value = fields.get(name, "")
        if not value.strip():
            self.add(name, message)
        return value

    def absorb(self, error: ValidationFailed, known: Iterable[str]) -> None:
        """Place the kernel's field errors beside their fields (unknown fields go on top)."""
        names = set(known)
        for field_error in error.errors:
            self.add_field_error(field_error, names)

    def add_field_error(self, field_error: FieldError, known: set[str]) -> None:
        """Place one kernel field error."""
        self.add(field_error.field if field_error.field in known else None, field_error.message)

    @property
    def has_errors(self) -> bool:
        """Whether anything was refused."""
        return bool(self.errors or self.general)

    @property
    def summary(self) -> list[tuple[str | None, str]]:
        """(field or None, message) for the error summary at the top of the form."""
        return [(None, m) for m in self.general] + [
            (field, message) for field, messages in self.errors.items() for message in messages
        ]
