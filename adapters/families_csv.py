"""Reading the CSV a commune exports from its previous software: families, children and enrolments.

The file is UTF-8 (with or without BOM), `;` or `,` between fields, a header row naming at least
the columns of `COLUMNS` (in any order; other columns are ignored), one row per child and
enrolment, the rows of one family sharing its `external_id` (kept as the N° famille: importing
again updates, never duplicates). A file that cannot be read as a whole (encoding, header) is
`FileRefused`; otherwise each row that cannot be read is given back with its line and its French
reason, for the kernel's `import_families` to report among the others. Read by the command line
(`famille import families`) and the agents' import page alike.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

from famille.adapters.http.families.payloads import normalise_phone
from famille.kernel.families.model import Adult, Civilite, Sexe
from famille.kernel.portal.onboarding import ImportRow, NewChild, RowRefused

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
