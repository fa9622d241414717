"""The agents' family search in the kernel: folding, the words of a search, pages, and who may search."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from famille.kernel.accounts.model import Principal, Role
from famille.kernel.families.directory import FamilyDirectory, fold, search_words
from famille.kernel.families.model import Adult, Child, Family, Sexe
from famille.kernel.shared.errors import Forbidden, ValidationFailed
from tests.fakes.persistence import FakeUnitOfWorkFactory

AGENT_A = Principal("agent-a", "agent.a", Role.AGENT, "ville-a", None, "s")
AGENT_B = Principal("agent-b", "agent.b", Role.AGENT, "rpi-b", None, "s")
FAMILY = Principal("acc-a", "famille.a", Role.FAMILY, "ville-a", "fam-0", "s")


@pytest.mark.parametrize(("text", "folded"), [
    ("Léa", "lea"), ("LÉA", "lea"), ("CŒUR", "coeur"), ("Lætitia", "laetitia"), ("Jean-Noël", "jean-noel"),
    ("N’DIAYE", "n'diaye"), ("  A-0012 ", "a-0012"), ("Çà et là", "ca et la"), ("Straße", "strasse"),
    ("DUPONT (A/12) - x", "dupont a 12 x"),
])
def test_fold_drops_case_accents_ligatures_and_punctuation(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text(max_size=40))
@example("É")
@example("ǅ")
def test_fold_is_idempotent_and_leaves_only_lower_case_words_and_single_spaces(text: str) -> None:
    folded = fold(text)

    assert fold(folded) == folded
    assert folded == folded.strip() and "  " not in folded
    assert all(ch.isalnum() or ch in " -'" for ch in folded)
    assert all(any(ch.isalnum() for ch in word) for word in folded.split())
    assert "%" not in folded and "_" not in folded  # nothing a LIKE pattern would read as a wildcard


def test_a_search_is_its_distinct_folded_words_and_refuses_long_ones_on_q() -> None:
    assert search_words(" Léa  LEA coeur ") == ("lea", "coeur")
    assert search_words("") == ()
    for text in ("x" * 101, "a b c d e f g h i"):
        with pytest.raises(ValidationFailed) as refused:
            search_words(text)
        assert [e.field for e in refused.value.errors] == ["q"]


@pytest.fixture
def directory() -> FamilyDirectory:
    uow = FakeUnitOfWorkFactory()
    families = [Family(f"fam-{n}", "ville-a", f"A-{n:04d}", Adult(f"NOM{n:02d}", "Anne")) for n in range(5)]
    families.append(Family("fam-b", "rpi-b", "B-0001", Adult("NOM00", "Anne")))
    uow.seed(families=families, children=[
        Child("enf-0", "ville-a", "NOM00", "Léa", Sexe.F, date(2017, 1, 1), ("fam-0",)),
        Child("enf-b", "rpi-b", "NOM00", "Zoé", Sexe.F, date(2017, 1, 1), ("fam-b",)),
    ])
    return FamilyDirectory(uow, page_size=2)


def test_the_directory_pages_the_agents_organisation_only(directory: FamilyDirectory) -> None:
    pages = [directory.search(AGENT_A, "", page) for page in (1, 2, 3, 4)]

    assert [[e.family.id for e in p.entries] for p in pages] == [["fam-0", "fam-1"], ["fam-2", "fam-3"], ["fam-4"], []]
    assert {(p.total, p.pages) for p in pages} == {(5, 3)}
    assert [c.prenom for c in pages[0].entries[0].children] == ["Léa"]
    assert [e.family.id for e in directory.search(AGENT_B, "nom00").entries] == ["fam-b"]
    assert [e.family.id for e in directory.search(AGENT_A, "zoe").entries] == []


def test_a_family_may_not_search_and_a_page_must_be_from_one(directory: FamilyDirectory) -> None:
    with pytest.raises(Forbidden):
        directory.search(FAMILY, "lea")
    for page in (0, -1, 10_001):
        with pytest.raises(ValidationFailed) as refused:
            directory.search(AGENT_A, "", page)
        assert [e.field for e in refused.value.errors] == ["page"]
