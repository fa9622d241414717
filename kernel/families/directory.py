"""Finding a family: the agents' list of their organisation's families, searched and paginated.

A search is a few words; a family matches when every word is found in its N° famille,
the names of its responsable or conjoint, or the names of one of its children of the
organisation. Words are compared folded (`fold`): lower case, without accents, hyphens
and apostrophes kept (« A-0012 » is not « B-0012 »), any other punctuation a space, so
« lea », « Léa » and « LÉA » find the same child, « jean-noel » and « noel » Jean-Noël. The storage
keeps each family's and child's folded names (`family_search_text`, `child_search_text`)
and searches them itself: nothing here loads every family.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

import attrs

from famille.kernel.accounts.model import Principal
from famille.kernel.families.model import Child, Family
from famille.kernel.shared.errors import FieldError, Forbidden, ValidationFailed
from famille.ports.persistence import UnitOfWorkFactory

PAGE_SIZE = 20
QUERY_MAX = 100
WORDS_MAX = 8
PAGE_MAX = 10_000
#: Letters NFKD does not split into a base letter and an accent; the typographic apostrophe.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
                            "’": "'"})
#: Kept inside names and numbers (« Jean-Noël », « N'DIAYE », « A-0012 »); neither is a LIKE wildcard.
_JOINERS = "-'"


def fold(text: str) -> str:
    """`text` as searches compare it: « Lætitia D’ALMÉIDA-Noël (A/12) » → « laetitia d'almeida-noel a 12 »."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    kept = "".join(ch if ch.isalnum() or ch in _JOINERS else " "
                   for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(word for word in kept.casefold().split() if any(ch.isalnum() for ch in word))


def family_search_text(family: Family) -> str:
    """What a family is found by, folded: its N° famille, its responsable's and conjoint's names."""
    adults = [family.responsable] + ([family.conjoint] if family.conjoint else [])
    return fold(" ".join([family.number, *(f"{a.prenom} {a.nom}" for a in adults)]))


def child_search_text(child: Child) -> str:
    """What a child is found by, folded: its first name and name."""
    return fold(f"{child.prenom} {child.nom}")


def search_words(text: str) -> tuple[str, ...]:
    """The folded words of a search (none: every family); `ValidationFailed` on `q` if it is too long."""
    if len(text) > QUERY_MAX:
        raise ValidationFailed([FieldError("q", f"La recherche ne doit pas dépasser {QUERY_MAX} caractères.")])
    words = tuple(dict.fromkeys(fold(text).split()))
    if len(words) > WORDS_MAX:
        raise ValidationFailed([FieldError("q", f"La recherche ne doit pas dépasser {WORDS_MAX} mots.")])
    return words


@attrs.frozen
class FamilyMatches:
    """One page of the families matching a search, and how many match in all (the storage's answer)."""

    total: int
    families: tuple[Family, ...]


@attrs.frozen
class FamilyListing:
    """A family as the list shows it: the family and its children of the organisation."""

    family: Family
    children: tuple[Child, ...]


@attrs.frozen
class FamilyList:
    """A page of the list: the families on it, the search, the page number and the count of pages."""

    query: str
    page: int
    page_size: int
    total: int
    entries: tuple[FamilyListing, ...]

    @property
    def pages(self) -> int:
        """How many pages the search has (at least one, possibly empty)."""
        return max(1, math.ceil(self.total / self.page_size))


class FamilyDirectory:
    """The agents' search among their organisation's families."""

    def __init__(self, uow: UnitOfWorkFactory, *, page_size: int = PAGE_SIZE) -> None:
        self._uow = uow
        self._page_size = page_size

    def search(self, principal: Principal, text: str = "", page: int = 1) -> FamilyList:
        """The `page`-th page (from 1) of the agent's families matching `text`, by name then N° famille."""
        if not principal.is_agent:
            raise Forbidden("Cette page est réservée aux agents.")
        if not 1 <= page <= PAGE_MAX:
            raise ValidationFailed([FieldError("page", f"La page doit être un nombre entre 1 et {PAGE_MAX}.")])
        words = search_words(text)
        organisation = principal.organisation_code
        with self._uow() as uow:
            found = uow.families.search(organisation, words, (page - 1) * self._page_size, self._page_size)
            children = uow.families.children_of_families([family.id for family in found.families])
            entries = tuple(FamilyListing(family, _children_of(children.get(family.id, ()), organisation))
                            for family in found.families)
        return FamilyList(text.strip(), page, self._page_size, found.total, entries)


def _children_of(children: Sequence[Child], organisation: str) -> tuple[Child, ...]:
    return tuple(child for child in children if child.organisation_code == organisation)
