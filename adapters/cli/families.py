"""`famille import families FILE.csv --organisation X [--dry-run]` and `famille families activate --organisation X`.

The file is the CSV a commune exports from its previous software: UTF-8 (with or without BOM),
`;` or `,` between fields, a header row naming at least the columns of `COLUMNS` (in any order;
other columns are ignored), one row per child and enrolment, the rows of one family sharing its
`external_id` (kept as the N° famille: importing again updates, never duplicates). A file that
cannot be read as a whole (encoding, header) is refused and nothing is written; otherwise each
refused row is reported with its line number and the reason, and its family is left out whole.
"""

from __future__ import annotations

import argparse
import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email
from rich.console import Console
from rich.markup import escape

from famille.adapters.http.families.payloads import normalise_phone
from famille.kernel.families.model import Adult, Civilite, Sexe
from famille.kernel.portal.onboarding import ImportRow, NewChild, RowRefused
from famille.kernel.shared.errors import DomainError
from famille.ports.http import Application

COLUMNS = ("external_id", "responsable_civilite", "responsable_nom", "responsable_prenom", "email", "telephone",
           "adresse", "code_postal", "ville", "enfant_nom", "enfant_prenom", "enfant_sexe", "enfant_naissance",
           "service", "structure")
CIVILITES = {"m": Civilite.MONSIEUR, "m.": Civilite.MONSIEUR, "monsieur": Civilite.MONSIEUR,
             "mme": Civilite.MADAME, "madame": Civilite.MADAME,
             "mlle": Civilite.MADEMOISELLE, "mademoiselle": Civilite.MADEMOISELLE}
MAX_FILE_BYTES = 20 * 1024 * 1024


class FileRefused(Exception):
    """The file cannot be read as a whole; `reason` is French."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_rows(content: bytes) -> tuple[list[ImportRow], list[RowRefused]]:
    """The rows of an import file read, and the rows refused (line, reason); `FileRefused` for the file."""
    if len(content) > MAX_FILE_BYTES:
        raise FileRefused(f"le fichier dépasse {MAX_FILE_BYTES // (1024 * 1024)} Mo")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(f"le fichier n'est pas en UTF-8 (octet invalide en position {error.start}) : "
                          "enregistrez-le en UTF-8 depuis votre tableur") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise FileRefused("colonnes manquantes dans la ligne d'en-tête : " + ", ".join(missing))
    reader.fieldnames = header
    rows, refused = [], []
    for record in reader:
        line = reader.line_num
        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue
        try:
            rows.append(_row(line, {k: (v or "").strip() for k, v in record.items() if isinstance(v, str)}))
        except ValueError as error:
            refused.append(RowRefused(line, str(error)))
    return rows, refused


def _row(line: int, cells: dict[str, str]) -> ImportRow:
    civilite = None
    if cells["responsable_civilite"]:
        civilite = CIVILITES.get(cells["responsable_civilite"].casefold())
        if civilite is None:
            raise ValueError(f"responsable_civilite « {cells['responsable_civilite']} » inconnue "
                             "(Monsieur, Madame ou Mademoiselle)")
    email = None
    if cells["email"]:
        try:
            email = validate_email(cells["email"], check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValueError(f"email « {cells['email']} » invalide") from None
    phones: dict[str, Any] = {}
    if cells["telephone"]:
        try:
            phone = normalise_phone(cells["telephone"])
        except ValueError:
            raise ValueError(f"telephone « {cells['telephone']} » invalide") from None
        phones["mobile" if phone.startswith(("+336", "+337")) else "telephone_domicile"] = phone
    if cells["enfant_sexe"].upper() not in ("F", "M"):
        raise ValueError(f"enfant_sexe « {cells['enfant_sexe']} » invalide (F ou M)")
    try:
        born = datetime.strptime(cells["enfant_naissance"], "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(f"enfant_naissance « {cells['enfant_naissance']} » invalide (JJ/MM/AAAA)") from None
    if (cells["service"] == "") != (cells["structure"] == ""):
        raise ValueError("service et structure vont ensemble : renseignez les deux ou aucun")
    responsable = Adult(nom=cells["responsable_nom"], prenom=cells["responsable_prenom"], civilite=civilite,
                        email=email, adresse=cells["adresse"] or None, code_postal=cells["code_postal"] or None,
                        ville=cells["ville"] or None, **phones)
    child = NewChild(cells["enfant_nom"], cells["enfant_prenom"], Sexe(cells["enfant_sexe"].upper()), born)
    return ImportRow(line, cells["external_id"], responsable, child, cells["service"], cells["structure"])


def add_parsers(subparsers: Any) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """Add `import families` and `families activate` to the `famille` parser; those two parsers."""
    imports = subparsers.add_parser("import", help="importe des données d'un autre logiciel")
    what = imports.add_subparsers(dest="import_command", required=True)
    families = what.add_parser("families", help="importe les familles, enfants et inscriptions d'un fichier CSV")
    families.add_argument("file", type=Path, help="le fichier CSV (UTF-8, « ; » ou « , », ligne d'en-tête)")
    families.add_argument("--organisation", required=True, help="code de l'organisation (commune, RPI, SSI)")
    families.add_argument("--dry-run", action="store_true", help="vérifie et compte sans rien enregistrer")
    activation = subparsers.add_parser("families", help="familles : liens d'activation")
    commands = activation.add_subparsers(dest="families_command", required=True)
    activate = commands.add_parser("activate", help="envoie le lien d'activation aux familles pas encore activées")
    activate.add_argument("--organisation", required=True, help="code de l'organisation")
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
