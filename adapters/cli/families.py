"""`famille import families FILE.csv --organisation X [--dry-run]` and `famille families activate --organisation X`.

The file is the CSV a commune exports from its previous software (`famille.adapters.families_csv`).
A file that cannot be read as a whole (encoding, header) is refused and nothing is written;
otherwise each refused row is reported with its line number and the reason, and its family is
left out whole.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from famille.adapters.cli import add_organisation
from famille.adapters.families_csv import FileRefused, read_rows
from famille.kernel.shared.errors import DomainError
from famille.ports.http import Application


def add_parsers(subparsers: Any) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """Add `import families` and `families activate` to the `famille` parser; those two parsers."""
    imports = subparsers.add_parser("import", help="importe des données d'un autre logiciel")
    what = imports.add_subparsers(dest="import_command", required=True)
    families = what.add_parser("families", help="importe les familles, enfants et inscriptions d'un fichier CSV")
    families.add_argument("file", type=Path, help="le fichier CSV (UTF-8, « ; » ou « , », ligne d'en-tête)")
    add_organisation(families)
    families.add_argument("--dry-run", action="store_true", help="vérifie et compte sans rien enregistrer")
    activation = subparsers.add_parser("families", help="familles : liens d'activation")
    commands = activation.add_subparsers(dest="families_command", required=True)
    activate = commands.add_parser("activate", help="envoie le lien d'activation aux familles pas encore activées")
    add_organisation(activate)
    return families, activate


def run_import(args: argparse.Namespace, portal: Application, console: Console | None = None) -> int:
    """0 when every row was imported; 1 when some rows were refused; 2 when the file was refused."""
    console = console or Console()
    try:
        rows, refused = read_rows(Path(args.file).read_bytes())
    except FileRefused as error:
        console.print(f"[red]Fichier refusé :[/red] {escape(error.reason)}. Rien n'a été enregistré.")
        return 2
    except OSError as error:
        console.print(f"[red]Fichier illisible :[/red] {escape(str(error))}")
        return 2
    try:
        report = portal.onboarding.import_families(args.organisation, rows, refused, dry_run=args.dry_run)
    except DomainError as error:
        console.print(f"[red]Refusé :[/red] {escape(error.message)}")
        return 2
    for row in report.refused:
        console.print(f"ligne {row.line} : {escape(row.reason)}")
    done = "à créer" if report.dry_run else "créée(s)"
    console.print(f"{report.families_created} famille(s) {done}, {report.families_updated} mise(s) à jour, "
                  f"{report.children_added} enfant(s) et {report.enrolments_added} inscription(s) ajouté(e)s, "
                  f"{len(report.refused)} ligne(s) refusée(s).")
    if report.dry_run:
        console.print("Essai (--dry-run) : rien n'a été enregistré.")
    return 1 if report.refused else 0


def run_families(args: argparse.Namespace, portal: Application, console: Console | None = None) -> int:
    """Send the activation links in bulk; 0, or 1 when the organisation is unknown."""
    console = console or Console()
    try:
        report = portal.onboarding.send_activations(args.organisation)
    except DomainError as error:
        console.print(f"[red]Refusé :[/red] {escape(error.message)}")
        return 1
    console.print(f"{report.sent} lien(s) d'activation envoyé(s) par courriel.")
    if report.without_email:
        console.print(f"{len(report.without_email)} famille(s) sans adresse électronique (N° famille) : "
                      + ", ".join(report.without_email) + ".")
    return 0
