"""`famille billing run --organisation X --month YYYY-MM [--final] [--accept-flagged]`."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from famille.adapters.billing.pdf import euros
from famille.kernel.errors import DomainError
from famille.ports.http import Application


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `billing` and its `run` command to the `famille` parser."""
    billing = subparsers.add_parser("billing", help="facturation mensuelle")
    commands = billing.add_subparsers(dest="billing_command", required=True)
    run = commands.add_parser("run", help="calcule le brouillon d'un mois (ou la facturation définitive)")
    run.add_argument("--organisation", required=True, help="code de l'organisation (commune, RPI, SSI)")
    run.add_argument("--month", required=True, help="AAAA-MM")
    run.add_argument("--final", action="store_true", help="rend la facturation définitive (numéros, échéances)")
    run.add_argument("--accept-flagged", action="store_true",
                     help="avec --final : ne pas facturer les jours à vérifier au lieu de refuser")
    return billing


def run(args: argparse.Namespace, portal: Application, console: Console | None = None) -> int:
    """Run the month with a progress bar; print the totals. 0 on success, 1 on a refusal."""
    console = console or Console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(f"Facturation {args.organisation} {args.month}", total=None)
            review = portal.billing.run(args.organisation, args.month, by="famille-cli", final=args.final,
                                        accept_flagged=args.accept_flagged,
                                        progress=lambda n: progress.advance(task, n))
    except DomainError as error:
        console.print(f"[red]Refusé :[/red] {error.message}")
        return 1
    state = "définitive" if review.run.status.value == "final" else "brouillon"
    numbers = sorted(i.number for i in review.invoices if i.number)
    console.print(f"Facturation {review.run.organisation_code} {review.run.month} ({state}) : "
                  f"{len(review.invoices)} facture(s), {review.line_count} ligne(s), "
                  f"{len(review.flagged)} jour(s) à vérifier, total {euros(review.total)}.")
    if numbers:
        console.print(f"Numéros {numbers[0]} à {numbers[-1]}.")
    return 0
