"""`famille import families FILE.csv --organisation X [--dry-run]` and `famille families activate`,
on the fakes, SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from famille.adapters import families_csv
from famille.adapters.cli import families as families_cli
from famille.cli import build_parser
from tests.support.sites import KINDS, Site, open_site

HEADER = list(families_csv.COLUMNS)


@pytest.fixture(params=KINDS)
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    yield from open_site(str(request.param), tmp_path)


def csv_file(tmp_path: Path, rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8",
             header: list[str] | None = None) -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows([header or HEADER, *rows])
    path = tmp_path / "familles.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def row(external_id: str, nom: str, prenom: str, email: str, enfant: str, naissance: str, service: str = "",
        structure: str = "", *, sexe: str = "F", telephone: str = "06 11 22 33 44") -> list[str]:
    return [external_id, "Madame", nom, prenom, email, telephone, "1 place de l'Église", "38160", "Saint-Vérand",
            nom, enfant, sexe, naissance, service, structure]


ROWS = [
    row("EXT-1", "ROUSSEAU", "Anne", "anne.rousseau@example.org", "Lina", "02/04/2018", "RESTAURATION",
        "Cantine ville-a"),
    row("EXT-1", "ROUSSEAU", "Anne", "anne.rousseau@example.org", "Lina", "02/04/2018", "GARDERIE SOIR",
        "ville-a-garderie"),
    row("EXT-1", "ROUSSEAU", "Anne", "anne.rousseau@example.org", "Tom", "15/11/2020"),
    row("EXT-2", "FAURE", "Marc", "", "Jade", "30/01/2019", "RESTAURATION", "ville-a-cantine", telephone=""),
    row("EXT-3", "BLANC", "Éva", "eva.blanc@example.org", "Léo", "31/02/2019", "RESTAURATION", "ville-a-cantine"),
    row("EXT-3", "BLANC", "Éva", "eva.blanc@example.org", "Léa", "01/03/2019", "PISCINE", "ville-a-cantine"),
]


def run_import(site: Site, path: Path, *, dry_run: bool = False, organisation: str = "ville-a") -> tuple[int, str]:
    out = io.StringIO()
    args = argparse.Namespace(file=path, organisation=organisation, dry_run=dry_run)
    code = families_cli.run_import(args, site.portal, console=Console(file=out, width=300))
    return code, out.getvalue()


def children_of(site: Site, number: str) -> list[tuple[str, list[str]]]:
    with site.uow() as uow:
        family = uow.families.by_number("ville-a", number)
        assert family is not None
        return [(c.prenom, [e.service_code for e in uow.planning.enrolments_of(c.id)])
                for c in uow.families.children_of(family.id)]


def test_a_file_is_imported_with_each_refused_row_named_and_importing_again_changes_nothing(
    site: Site, tmp_path: Path,
) -> None:
    path = csv_file(tmp_path, ROWS)

    code, out = run_import(site, path)

    assert code == 1
    assert "ligne 6 : enfant_naissance « 31/02/2019 » invalide (JJ/MM/AAAA)" in out
    assert "ligne 7 : service « PISCINE » inconnu dans la structure « Cantine ville-a »" in out
    assert "2 famille(s) créée(s), 0 mise(s) à jour, 3 enfant(s) et 3 inscription(s) ajouté(e)s, " \
           "2 ligne(s) refusée(s)." in out
    assert children_of(site, "EXT-1") == [("Lina", ["GARDERIE SOIR", "RESTAURATION"]), ("Tom", [])]
    assert children_of(site, "EXT-2") == [("Jade", ["RESTAURATION"])]
    with site.uow() as uow:
        assert uow.families.by_number("ville-a", "EXT-3") is None
        family = uow.families.by_number("ville-a", "EXT-1")
        assert family is not None and family.responsable.mobile == "+33611223344"
        account = uow.accounts.by_family(family.id)
        assert account is not None and account.login == "anne.rousseau@example.org"
        assert account.password_hash is None
        (lina, _) = uow.families.children_of(family.id)
        assert uow.planning.enrolments_of(lina.id)[0].start == date(2026, 9, 1)  # the school year of 20 August

    moved = row("EXT-1", "ROUSSEAU", "Anne", "anne.rousseau@example.org", "Lina", "02/04/2018", "RESTAURATION",
                "Cantine ville-a", telephone="07 81 22 33 44")
    again = [moved, *ROWS[1:4], row("EXT-1", "ROUSSEAU", "Anne", "anne.r@example.org", "Tom", "15/11/2020")]
    code, out = run_import(site, csv_file(tmp_path, again))

    assert code == 0, out
    assert "0 famille(s) créée(s), 1 mise(s) à jour, 0 enfant(s) et 0 inscription(s) ajouté(e)s" in out
    assert children_of(site, "EXT-1") == [("Lina", ["GARDERIE SOIR", "RESTAURATION"]), ("Tom", [])]
    with site.uow() as uow:
        family = uow.families.by_number("ville-a", "EXT-1")
        assert family is not None and family.responsable.email == "anne.rousseau@example.org"  # the first row wins
        assert family.responsable.mobile == "+33781223344"


def test_a_dry_run_counts_and_writes_nothing(site: Site, tmp_path: Path) -> None:
    code, out = run_import(site, csv_file(tmp_path, ROWS[:4], delimiter=","), dry_run=True)

    assert code == 0, out
    assert "2 famille(s) à créer" in out and "Essai (--dry-run) : rien n'a été enregistré." in out
    with site.uow() as uow:
        assert uow.families.of_organisation("ville-a") == []


@pytest.mark.parametrize(("encoding", "header", "reason"), [
    ("latin-1", None, "le fichier n'est pas en UTF-8"),
    ("utf-8", [c for c in HEADER if c not in ("enfant_naissance", "structure")],
     "colonnes manquantes dans la ligne d'en-tête : enfant_naissance, structure"),
])
def test_a_file_refused_as_a_whole_writes_nothing(site: Site, tmp_path: Path, encoding: str,
                                                   header: list[str] | None, reason: str) -> None:
    code, out = run_import(site, csv_file(tmp_path, ROWS[:4], encoding=encoding, header=header))

    assert code == 2 and reason in out and "Rien n'a été enregistré." in out
    with site.uow() as uow:
        assert uow.families.of_organisation("ville-a") == []


def test_activation_links_go_in_bulk_to_the_families_with_an_address(site: Site, tmp_path: Path) -> None:
    run_import(site, csv_file(tmp_path, ROWS[:4]))
    run_import(site, csv_file(tmp_path, [row("B-1", "NOIR", "Paul", "paul.noir@example.org", "Max", "01/01/2019")]),
               organisation="ville-b")
    out = io.StringIO()

    code = families_cli.run_families(argparse.Namespace(organisation="ville-a"), site.portal,
                                     console=Console(file=out, width=300))

    assert code == 0
    assert "1 lien(s) d'activation envoyé(s) par courriel." in out.getvalue()
    assert "1 famille(s) sans adresse électronique (N° famille) : EXT-2." in out.getvalue()
    assert [s.recipient.email for s in site.notifier.sent] == ["anne.rousseau@example.org"]
    other = site.token("agent.ville-b")
    with site.uow() as uow:
        imported = uow.families.by_number("ville-a", "EXT-1")
    assert imported is not None
    assert site.client.simulate_get(f"/api/v1/agent/families/{imported.id}", headers=other).status_code == 404
    assert site.client.simulate_get(f"/api/v1/agent/families/{imported.id}",
                                    headers=site.token("agent.ville-a")).status_code == 200


def test_the_commands_read_their_arguments() -> None:
    args = build_parser().parse_args(["import", "families", "familles.csv", "--organisation", "ville-a", "--dry-run"])
    assert (args.file, args.organisation, args.dry_run) == (Path("familles.csv"), "ville-a", True)
    args = build_parser().parse_args(["families", "activate", "--organisation", "ville-a"])
    assert args.organisation == "ville-a"
