"""`famille billing run --organisation X --month YYYY-MM [--final] [--accept-flagged]` and
`famille billing creditor --organisation X --name N --iban I --bic B --ics ICS`."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from famille.adapters.cli import add_organisation
from famille.adapters.pdf.invoices import euros
from famille.kernel.shared.errors import DomainError
from famille.ports.http import Application


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `billing` and its `run` and `creditor` commands to the `famille` parser."""
    billing = subparsers.add_parser("billing", help="facturation mensuelle")
    commands = billing.add_subparsers(dest="billing_command", required=True)
    run = commands.add_parser("run", help="calcule le brouillon d'un mois (ou la facturation définitive)")
    add_organisation(run)
    run.add_argument("--month", required=True, help="AAAA-MM")
    run.add_argument("--final", action="store_true", help="rend la facturation définitive (numéros, échéances)")
    run.add_argument("--accept-flagged", action="store_true",
                     help="avec --final : ne pas facturer les jours à vérifier au lieu de refuser")
    creditor = commands.add_parser("creditor", help="enregistre le créancier SEPA de l'organisation")
    add_organisation(creditor)
    creditor.add_argument("--name", required=True, help="nom du créancier (70 caractères au plus)")
    creditor.add_argument("--iban", required=True)
    creditor.add_argument("--bic", required=True)
    creditor.add_argument("--ics", required=True, help="identifiant créancier SEPA, par exemple FR12ZZZ123456")
    return billing


def run(args: argparse.Namespace, portal: Application, console: Console | None = None) -> int:
    """Run the chosen command. 0 on success, 1 on a refusal."""
    console = console or Console()
    try:
        if args.billing_command == "creditor":
            saved = portal.billing_setup.set_creditor(args.organisation, args.name, args.iban, args.bic, args.ics)
            console.print(f"Créancier SEPA de {args.organisation} : {saved.name}, IBAN {saved.iban}, "
                          f"BIC {saved.bic}, ICS {saved.creditor_id}.")
            return 0
        return _run_month(args, portal, console)
    except DomainError as error:
        console.print(f"[red]Refusé :[/red] {error.message}")
        return 1


def _run_month(args: argparse.Namespace, portal: Application, console: Console) -> int:
    """Stream the month with a progress bar (lines are never all in memory); print the totals."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        total = portal.billing.children_to_bill(args.organisation, args.month)
        task = progress.add_task(f"Facturation {args.organisation} {args.month} (enfants)", total=total or None)
        summary = portal.billing.prepare(args.organisation, args.month, by="famille-cli",
                                         progress=lambda n: progress.advance(task, n))
    if args.final:
        summary = portal.billing.finalise_run(args.organisation, args.month, by="famille-cli",
                                              accept_flagged=args.accept_flagged)
    totals = summary.totals
    state = "définitive" if summary.run.status.value == "final" else "brouillon"
    console.print(f"Facturation {summary.run.organisation_code} {summary.run.month} ({state}) : "
                  f"{totals.invoices} facture(s), {totals.lines} ligne(s), "
                  f"{totals.flagged} jour(s) à vérifier, total {euros(totals.total)}.")
    if summary.first_number:
        console.print(f"Numéros {summary.first_number} à {summary.last_number}.")
    return 0
