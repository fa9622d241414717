"""What each field of a record section is: the one declaration every reader derives from.

A section is a frozen attrs class (`Complementaires`, `BankInfo`, `Adult`…); each of its
fields is declared with `field("Port de lunettes", default=False)`, which keeps a
`FieldInfo` in the attribute's metadata: its French label, how it is typed in, its
validation (required, choices, length) and who may change it (a family's change always
waits for an agent: `famille.kernel.families.requests`). From the class alone come the
kernel's change rules (`changes.FIELDS`), the API's request bodies and JSON views, the SQL
translation, the web forms and the OpenAPI schemas: adding a field to a section takes the
class, a migration, and nothing else.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

TEXT_MAX = 1000
METADATA_KEY = "famille"


class ChangedBy(enum.Enum):
    """Who may change a field."""

    FAMILY = "family"  # the family asks, through a request an agent accepts (the form shows the field)
    AGENT = "agent"  # only an agent sets it (shown, never in a family's form)
    PORTAL = "portal"  # set by the portal itself (ids, links): in no form


@attrs.frozen
class FieldInfo:
    """The metadata of one field of a section.

    `kind` is how it is typed in: text, tel, email, textarea, yesno, select, int, decimal or
    date; left empty it follows the field's type (bool: yesno, an enum: select…).
    `choices` is taken from the enum of the field when it has one.
    """

    label: str
    kind: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = TEXT_MAX
    hint: str | None = None
    autocomplete: str | None = None
    wide: bool = False
    changed_by: ChangedBy = ChangedBy.FAMILY


def field(label: str, *, default: Any = attrs.NOTHING, **info: Any) -> Any:
    """A section's attribute with its metadata: `lunettes: bool = field("Port de lunettes", default=False)`."""
    return attrs.field(default=default, metadata={METADATA_KEY: FieldInfo(label, **info)})


@attrs.frozen
class SectionField:
    """One field of a section, its metadata resolved against its type."""

    name: str
    type: Any  # the value's type, without `| None`
    optional: bool  # may be None
    info: FieldInfo

    @property
    def label(self) -> str:
        """The French label."""
        return self.info.label

    @property
    def kind(self) -> str:
        """How it is typed in (the declared kind, else the one of its type)."""
        return self.info.kind or _kind_of(self.type)

    @property
    def choices(self) -> tuple[str, ...]:
        """The values it may take (from its enum when it has one)."""
        if self.info.choices:
            return self.info.choices
        if isinstance(self.type, type) and issubclass(self.type, enum.Enum):
            return tuple(str(member.value) for member in self.type)
        return ()

    @property
    def required(self) -> bool:
        """Whether it may not be left empty (a yes/no field always holds yes or no)."""
        return self.info.required or self.type is bool

    @property
    def family_changes(self) -> bool:
        """Whether a family's form carries it."""
        return self.info.changed_by is ChangedBy.FAMILY


def _kind_of(type_: Any) -> str:
    if type_ is bool:
        return "yesno"
    if type_ is int:
        return "int"
    if type_ is Decimal:
        return "decimal"
    if type_ is date:
        return "date"
    if isinstance(type_, type) and issubclass(type_, enum.Enum):
        return "select"
    return "text"


def _unwrapped(type_: Any) -> tuple[Any, bool]:
    """(the type without `| None`, whether None was allowed)."""
    args = typing.get_args(type_)
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else type_), True
    return type_, False


def section_fields(cls: type) -> tuple[SectionField, ...]:
    """The declared fields of a section class, in order (attributes without metadata are no fields)."""
    hints = typing.get_type_hints(cls)
    found = []
    for attribute in attrs.fields(cls):
        info = attribute.metadata.get(METADATA_KEY)
        if isinstance(info, FieldInfo):
            type_, optional = _unwrapped(hints[attribute.name])
            found.append(SectionField(attribute.name, type_, optional, info))
    return tuple(found)


def family_fields(cls: type) -> tuple[SectionField, ...]:
    """The fields of a section a family's form carries."""
    return tuple(f for f in section_fields(cls) if f.family_changes)


def names(fields: Sequence[SectionField]) -> tuple[str, ...]:
    """The names of the fields."""
    return tuple(f.name for f in fields)
