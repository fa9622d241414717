"""The `famille` subcommands of each context: rules, billing."""

from __future__ import annotations

import argparse


def add_organisation(parser: argparse.ArgumentParser) -> None:
    """Give `parser` the required `--organisation` of a command that works on one organisation."""
    parser.add_argument("--organisation", required=True, help="code de l'organisation (commune, RPI, SSI)")
