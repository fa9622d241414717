"""The `famille` command: serve, worker, migrate, demo, rules, billing, import families, families activate."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence


def _serve(args: argparse.Namespace) -> int:
    from famille.adapters.cli.rules import startup_problems
    from famille.adapters.sqlalchemy.migrate import behind
    from famille.bootstrap import abandon_orphan_jobs, organisation_codes
    from famille.config import Settings
    from famille.rules import default_rules_dir
    from famille.server import serve

    # A broken rules folder stops the start with check's French messages, not « Worker failed to boot ».
    settings = Settings.from_environ()
    rules_dir = settings.rules_dir or default_rules_dir()
    problems = startup_problems(rules_dir, organisation_codes(settings))
    if problems:
        for problem in problems:
            print(f"ERREUR {problem}", file=sys.stderr)
        print(f"Le portail ne démarre pas : {len(problems)} problème(s) dans les règles de {rules_dir} "
              "(famille rules check --rules …).", file=sys.stderr)
        return 1
    # A database `famille migrate` has not brought up stops the start with a French message, not a traceback.
    lag = behind(settings.database_url)
    if lag is not None:
        found = f"à la révision {lag[0]}" if lag[0] else "vide"
        print(f"ERREUR la base de données {_redact(settings.database_url)} est {found}, ce portail attend la "
              f"révision {lag[1]} : lancez d'abord « famille migrate ».", file=sys.stderr)
        return 1
    # SQLite: the jobs run in the portal's processes; those an earlier portal left are failed, and say so.
    abandoned = abandon_orphan_jobs(settings)
    if abandoned:
        print(f"{abandoned} facturation(s) interrompue(s) par l'arrêt du portail : marquée(s) échouée(s), "
              "à redemander.", file=sys.stderr)
    serve(host=args.host, port=args.port, workers=args.workers, threads=args.threads)
    return 0


def _worker(args: argparse.Namespace) -> int:
    from famille.adapters.jobs.procrastinate_queue import ProcrastinateJobQueue
    from famille.bootstrap import build
    from famille.config import Settings

    settings = Settings.from_environ()
    wiring = build(settings)
    if not isinstance(wiring.jobs, ProcrastinateJobQueue):
        print("famille worker demande PostgreSQL (FAMILLE_DATABASE_URL=postgresql+psycopg://…) : sur SQLite, "
              "les facturations tournent dans le processus du portail.", file=sys.stderr)
        return 1
    if settings.rules_reload_seconds > 0:
        wiring.rules.start_watching(settings.rules_reload_seconds)
    print(f"Worker des facturations démarré sur {_redact(settings.database_url)} (Ctrl-C pour l'arrêter).")
    wiring.jobs.run_worker(heartbeat=settings.worker_heartbeat_seconds, stalled=settings.worker_stalled_seconds)
    return 0


def _rules(args: argparse.Namespace) -> int:
    from famille.adapters.cli import rules as rules_cli
    from famille.bootstrap import organisation_codes
    from famille.config import Settings

    # `check` refuses an override folder naming no organisation of the database (when it can say).
    codes = organisation_codes(Settings.from_environ()) if args.rules_command == "check" else None
    return rules_cli.run(args, codes)


def _migrate(args: argparse.Namespace) -> int:
    from famille.adapters.sqlalchemy.migrate import DatabaseTooOld, upgrade
    from famille.config import Settings

    settings = Settings.from_environ()
    try:
        upgrade(settings.database_url)
    except DatabaseTooOld as refusal:
        print(f"ERREUR {refusal}", file=sys.stderr)
        return 1
    print(f"Base de données à jour : {_redact(settings.database_url)}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from famille.bootstrap import build
    from famille.config import Settings
    from famille.demo import load_demo

    wiring = build(Settings.from_environ())
    created = load_demo(wiring)
    print("Données de démonstration chargées." if created else "Données de démonstration déjà présentes.")
    print("Connexion famille : ztest / Portail2026 — agent : agent / Agent2026x")
    if args.families:
        from famille.demo_families import PASSWORD, load_families, login_of

        added = load_families(wiring, args.families)
        print(f"{added} famille(s) ajoutée(s), {args.families - added} déjà présente(s) : identifiants "
              f"{login_of(1)} à {login_of(args.families)}, mot de passe {PASSWORD}.")
    return 0


def _billing(args: argparse.Namespace) -> int:
    from famille.adapters.cli import billing as billing_cli
    from famille.bootstrap import build
    from famille.config import Settings

    return billing_cli.run(args, build(Settings.from_environ()).portal)


def _family_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--families : « {text} » n'est pas un nombre entier") from None
    if not 0 <= value <= 99_999:
        raise argparse.ArgumentTypeError("--families : un nombre entre 0 et 99999 (identifiants à cinq chiffres)")
    return value


def _import(args: argparse.Namespace) -> int:
    from famille.adapters.cli import families as families_cli
    from famille.bootstrap import build
    from famille.config import Settings

    return families_cli.run_import(args, build(Settings.from_environ()).portal)


def _families(args: argparse.Namespace) -> int:
    from famille.adapters.cli import families as families_cli
    from famille.bootstrap import build
    from famille.config import Settings

    return families_cli.run_families(args, build(Settings.from_environ()).portal)


def _payments(args: argparse.Namespace) -> int:
    from famille.adapters.cli import payments as payments_cli
    from famille.bootstrap import build
    from famille.config import Settings

    return payments_cli.run(args, build(Settings.from_environ()).portal)


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `famille`."""
    from famille.adapters.cli import billing as billing_cli
    from famille.adapters.cli import families as families_cli
    from famille.adapters.cli import payments as payments_cli
    from famille.adapters.cli import rules as rules_cli
    parser = argparse.ArgumentParser(prog="famille", description="Portail famille des communes.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="sert le portail avec gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--threads", type=int, default=1,
                       help="fils par processus (PostgreSQL : une requête attend surtout la base ; "
                            "pendant ce temps le processus en sert une autre)")
    serve.set_defaults(func=_serve)

    worker = sub.add_parser("worker", help="exécute les facturations demandées (PostgreSQL ; plusieurs hôtes possibles)")
    worker.set_defaults(func=_worker)

    migrate = sub.add_parser("migrate", help="applique les migrations de la base de données")
    migrate.set_defaults(func=_migrate)

    demo = sub.add_parser("demo", help="charge les données de démonstration (idempotent)")
    demo.add_argument("--families", type=_family_count, default=0, metavar="N",
                      help="ajoute N familles de deux enfants (famille00001…, mot de passe Portail2026) "
                           "avec le mois précédent rempli")
    demo.set_defaults(func=_demo)

    rules_cli.add_parser(sub).set_defaults(func=_rules)
    billing_cli.add_parser(sub).set_defaults(func=_billing)
    payments_cli.add_parser(sub).set_defaults(func=_payments)
    imports, families = families_cli.add_parsers(sub)
    imports.set_defaults(func=_import)
    families.set_defaults(func=_families)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
