"""`FamilyRepository.search` alike on the fakes, SQLite and PostgreSQL (the suite's `uow_factory`)."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from famille.kernel.families.directory import search_words
from famille.kernel.families.model import Adult, Child, Family, Sexe
from famille.kernel.shared.organisations import Organisation, OrganisationKind
from famille.ports.persistence import UnitOfWorkFactory

FAMILIES = [
    Family("f-coeur", "o-a", "A-0012", Adult("CŒUR", "Hélène"), conjoint=Adult("N'DIAYE", "Jean-Noël")),
    Family("f-dupont", "o-a", "A-0001", Adult("DUPONT", "Marie")),
    Family("f-dupont2", "o-a", "A-0002", Adult("DUPONT", "Marie")),
    Family("f-zola", "o-a", "A-0099", Adult("ZOLA", "Émile")),
    Family("f-b", "o-b", "B-0001", Adult("DUPONT", "Paul")),
]
CHILDREN = [
    Child("c-lea", "o-a", "CŒUR", "Léa", Sexe.F, date(2017, 2, 28), ("f-coeur",)),
    Child("c-hugo", "o-a", "DUPONT", "Hugo", Sexe.M, date(2019, 9, 1), ("f-dupont", "f-dupont2")),
    Child("c-b", "o-b", "MARTIN", "Léa", Sexe.F, date(2018, 5, 12), ("f-b",)),
]


@pytest.fixture
def uow(uow_factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    """Two organisations' families and children."""
    return _seeded(uow_factory)


def _seeded(factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    with factory() as work:
        for code in ("o-a", "o-b"):
            work.organisations.add(Organisation(code, code, OrganisationKind.COMMUNE))
        for family in FAMILIES:
            work.families.add(family)
        for child in CHILDREN:
            work.families.add_child(child)
        work.commit()
    return factory


def _search(uow: UnitOfWorkFactory, organisation: str, text: str, offset: int = 0, limit: int = 10) -> list[str]:
    with uow() as work:
        return [f.id for f in work.families.search(organisation, search_words(text), offset, limit).families]


@pytest.mark.parametrize(("organisation", "text", "found"), [
    ("o-a", "", ["f-coeur", "f-dupont", "f-dupont2", "f-zola"]),
    ("o-a", "lea", ["f-coeur"]),
    ("o-a", "LÉA Cœur", ["f-coeur"]),
    ("o-a", "jean-noel", ["f-coeur"]),
    ("o-a", "Jean Noël", ["f-coeur"]),
    ("o-a", "n’diaye", ["f-coeur"]),
    ("o-a", "A-0001", ["f-dupont"]),
    ("o-a", "B-0001", []),
    ("o-a", "0012", ["f-coeur"]),
    ("o-a", "hugo", ["f-dupont", "f-dupont2"]),  # a child of separated parents: both households
    ("o-a", "dupont marie", ["f-dupont", "f-dupont2"]),
    ("o-a", "dupont paul", []),
    ("o-a", "martin", []),
    ("o-b", "lea", ["f-b"]),
    ("o-b", "coeur", []),
    ("o-c", "", []),
])
def test_the_search_matches_every_word_within_the_organisation(uow: UnitOfWorkFactory, organisation: str,
                                                               text: str, found: list[str]) -> None:
    assert _search(uow, organisation, text) == found


def test_a_page_is_a_slice_of_the_order_with_the_count_of_all(uow: UnitOfWorkFactory) -> None:
    with uow() as work:
        page = work.families.search("o-a", (), 1, 2)

    assert page.total == 4
    assert [f.id for f in page.families] == ["f-dupont", "f-dupont2"]


def test_a_renamed_child_or_family_is_found_by_its_new_name(uow: UnitOfWorkFactory) -> None:
    with uow() as work:
        work.records.update_child(attrs.evolve(CHILDREN[0], prenom="Éloïse"))
        work.records.update_family(attrs.evolve(FAMILIES[3], responsable=Adult("HUGO", "Victor")))
        work.commit()

    assert _search(uow, "o-a", "eloise") == ["f-coeur"]
    assert _search(uow, "o-a", "lea") == []
    assert _search(uow, "o-a", "victor") == ["f-zola"]
