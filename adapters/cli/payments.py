"""`famille payments reconcile [--organisation X] [--every MINUTES]`: ask the payment service about
the online payments left pending without a notification, and record its answers.

Safe to run at any time, by hand, from cron or with `--every` (it then runs again every N minutes
until stopped): each payment is settled once, whether by the notification, the family's return or
this command (`OnlinePayments.reconcile`).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from rich.console import Console
from rich.markup import escape

from famille.kernel.shared.errors import DomainError
from famille.ports.http import Application

EVERY_MAX = 24 * 60


def _minutes(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= EVERY_MAX:
        raise argparse.ArgumentTypeError(f"--every : un nombre de minutes entre 1 et {EVERY_MAX}")
    return int(text)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `payments reconcile` to the `famille` parser; its parser."""
    payments = subparsers.add_parser("payments", help="paiements en ligne (PayFIP)")
    commands = payments.add_subparsers(dest="payments_command", required=True)
    reconcile = commands.add_parser("reconcile", help="relance le service de paiement pour les paiements restés "
                                                      "en attente sans avis")
    reconcile.add_argument("--organisation", help="code de l'organisation (toutes par défaut)")
    reconcile.add_argument("--every", type=_minutes, metavar="MINUTES",
                           help="recommence toutes les MINUTES minutes, jusqu'à l'arrêt (Ctrl-C)")
    return reconcile


def run(args: argparse.Namespace, portal: Application, console: Console | None = None) -> int:
    """0 when done (every answer recorded); 1 when the organisation is unknown or the service did not answer."""
    console = console or Console()
    while True:
        try:
            report = portal.payments.reconcile(args.organisation)
        except DomainError as error:
            console.print(f"[red]Refusé :[/red] {escape(error.message)}")
            return 1
        console.print(f"{report.asked} paiement(s) en attente relancé(s) : {report.paid} payé(s), {report.failed} "
                      f"échoué(s), {report.expired} expiré(s), {report.waiting} encore en attente, "
                      f"{report.unanswered} sans réponse du service.")
        if not args.every:
            return 1 if report.unanswered else 0
        time.sleep(args.every * 60)
