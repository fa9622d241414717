"""HTML forms: reading what was posted, and keeping each error beside its field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import falcon

from famille.kernel.shared.errors import FieldError, ValidationFailed

FORM_URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
#: What is kept of an uploaded file: one byte over the largest accepted, to tell « too large ».
UPLOAD_KEEP_BYTES = 2 * 1024 * 1024 + 1
#: A multipart body over this is refused outright (413) rather than read.
MULTIPART_MAX_BYTES = 16 * 1024 * 1024
TEXT_PART_MAX = 10_000


@attrs.frozen
class Upload:
    """A file sent with a `multipart/form-data` form (its first `UPLOAD_KEEP_BYTES` bytes)."""

    filename: str
    content_type: str
    data: bytes


def posted(req: falcon.Request) -> dict[str, str]:
    """The fields of a posted form (first value of each); {} for any other body."""
    content_type = req.content_type or ""
    if content_type.startswith(MULTIPART):
        return dict(_multipart(req)[0])
    if not content_type.startswith(FORM_URLENCODED):
        return {}
    media = req.get_media(default_when_empty={})
    fields: dict[str, str] = {}
    for name, value in (media or {}).items():
        first: Any = value[0] if isinstance(value, list) and value else value
        fields[str(name)] = first if isinstance(first, str) else ""
    return fields


def uploaded(req: falcon.Request, name: str) -> Upload | None:
    """The file sent as `name` with a multipart form, if any (an empty file input sends none)."""
    if not (req.content_type or "").startswith(MULTIPART):
        return None
    return _multipart(req)[1].get(name)


def _multipart(req: falcon.Request) -> tuple[dict[str, str], dict[str, Upload]]:
    """Parse a multipart body once (the CSRF guard and the page both read it), memory bounded."""
    cached = getattr(req.context, "multipart", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if req.content_length is not None and req.content_length > MULTIPART_MAX_BYTES:
        raise falcon.HTTPContentTooLarge(title="Fichier trop volumineux",
                                         description="Le fichier envoyé est trop volumineux.")
    fields: dict[str, str] = {}
    files: dict[str, Upload] = {}
    for part in req.get_media():
        name = part.name or ""
        if part.filename is None:
            fields.setdefault(name, part.stream.read(TEXT_PART_MAX).decode("utf-8", "replace"))
        elif part.filename and name not in files:
            data = part.stream.read(UPLOAD_KEEP_BYTES)
            files[name] = Upload(part.filename, part.content_type or "", data)
        # the rest of each part is skipped by the parser, never kept
    req.context.multipart = (fields, files)
    return fields, files


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


def refused_decision(reason: str, refused: ValidationFailed) -> Form:
    """The refusal form of an agent's decision (`ui.decision`) shown again: the reason typed, and the
    kernel's errors beside « motif », the one field of that form."""
    form = Form(values={"motif": reason})
    for error in refused.errors:
        form.add("motif", error.message)
    return form
