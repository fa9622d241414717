"""Enums that have a code besides their French value: the stable name the API, the forms and the database write.

`BookingStatus.PENDING` reads « en attente » on a page and `pending` in JSON and in its table's
column. The code is the member's name in lower case, so it is declared once, with the member;
adapters derive their lookups from the enum (`by_code`) instead of writing the pairs again.
"""

from __future__ import annotations

import enum
from typing import Self


class Coded(enum.Enum):
    """Base of an enum whose members' codes are their names in lower case (`PENDING` -> `pending`)."""

    @property
    def code(self) -> str:
        """The member's code: `pending`, `present`..."""
        return self.name.lower()

    @classmethod
    def by_code(cls) -> dict[str, Self]:
        """Every member by its code (build it once where rows are read in bulk)."""
        return {member.code: member for member in cls}
