"""A monthly billing run for 1,000 and 10,000 children × 4 services × ~20 days, SQLite and PostgreSQL.

Prints, per size and database: seeding time (not part of the run), the run's time (reading the
planning, deciding every day, writing the draft, streamed by batches of children: `Billing.prepare`),
the finalisation's time (set-based numbering: `Billing.finalise_run`), peak memory (maxrss
growth and tracemalloc peak of the run), and how many rule decisions went to durable-rules during
the run (none: the policies' compiled tables answer; `DurableRules.stats()`).

    .venv/bin/python -m bench.bench_billing [--sizes 1000 10000] [--databases sqlite postgresql] [--tracemalloc]

PostgreSQL needs FAMILLE_TEST_POSTGRES_URL (a fresh schema is made and dropped).
A figure, not a timed test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import tempfile
import time
import tracemalloc
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, Table, insert, text

from famille.adapters.rules.engine import DurableRules
from famille.adapters.sqlalchemy import tables as t
from famille.adapters.sqlalchemy.billing.source import SqlServiceDays
from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.migrate import upgrade
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.billing.service import Billing
from famille.kernel.shared.time import PARIS
from famille.rules import default_rules_dir
from tests.fakes.clock import FakeClock
from tests.integration.databases import empty_database, postgres_server_url

ORG = "bench"
SERVICES = ("RESTAURATION", "GARDERIE MATIN", "GARDERIE MIDI", "GARDERIE SOIR")
AT = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)
REASONS = ("AUTRES", "RAISON MEDICALE", "GREVE DU PERSONNEL OU DES ENSEIGNANTS")


def school_days(year: int, month: int) -> list[date]:
    day, out = date(year, month, 1), []
    while day.month == month:
        if day.weekday() in (0, 1, 3, 4):
            out.append(day)
        day += timedelta(days=1)
    return out


def seed(url: str, children: int) -> None:
    """An organisation, one family per two children, bookings/attendance/absences for December 2026."""
    rng = random.Random(children)
    engine = make_engine(url)
    days = school_days(2026, 12)[:20]
    with engine.begin() as c:
        c.execute(insert(t.organisations).values(code=ORG, name="Commune de Bench", kind="commune", school_zone="A",
                                                 alsace_moselle=False))
        fam_rows, rec_rows, kid_rows, link_rows = [], [], [], []
        for f in range(children // 2):
            fid = str(uuid.UUID(int=f + 1))
            fam_rows.append({"id": fid, "organisation_code": ORG, "number": f"F{f:06d}", "responsable_nom": "NOM",
                             "responsable_prenom": "Prénom", "responsable_autorisation_courriel": False,
                             "responsable_autorisation_sms": False})
            qf = rng.choice([None, 300, 650, 950, 1300, 2000])
            rec_rows.append({"family_id": fid, "fiscales": {"numero_fiscal": None, "revenu_fiscal_reference": None,
                                                            "nombre_parts": None},
                             "caf": {"numero_allocataire": None, "quotient_familial": qf},
                             "bancaires": {"nom_banque": None, "titulaire": None, "iban": None, "bic": None,
                                           "prelevement": False}})
        for k in range(children):
            kid = str(uuid.UUID(int=10**9 + k))
            kid_rows.append({"id": kid, "organisation_code": ORG, "nom": "NOM", "prenom": f"E{k}", "sexe": "F",
                             "date_naissance": date(2015 + k % 6, 1 + k % 12, 1)})
            link_rows.append({"child_id": kid, "family_id": str(uuid.UUID(int=k // 2 + 1)), "position": 0})
        for table, rows in ((t.families, fam_rows), (t.family_records, rec_rows), (t.children, kid_rows),
                            (t.child_families, link_rows)):
            c.execute(insert(table), rows)
        bookings, attendance, absences = [], [], []
        for row in kid_rows:
            for service in SERVICES:
                for day in days:
                    cell = {"child_id": row["id"], "service_code": service, "day": day, "organisation_code": ORG}
                    bookings.append({**cell, "id": str(uuid.uuid4()), "status": "accepted", "requested_by": "x",
                                     "requested_at": AT, "in_time": rng.random() > 0.02, "batch_id": "b"})
                    draw = rng.random()
                    if draw < 0.05:
                        absences.append({**cell, "id": str(uuid.uuid4()), "status": "accepted",
                                         "reason": rng.choice(REASONS), "in_time": rng.random() > 0.5,
                                         "declared_by": "x", "declared_at": AT})
                    else:
                        timed = service != "RESTAURATION"
                        missing = timed and draw > 0.995
                        attendance.append({**cell, "status": "present" if draw < 0.98 else "absent",
                                           "arrival": "07:30" if timed else None,
                                           "departure": None if missing or not timed else "18:00",
                                           "recorded_by": "x", "recorded_at": AT})
        for table, rows in ((t.bookings, bookings), (t.absences, absences), (t.attendance, attendance)):
            for start in range(0, len(rows), 20_000):
                c.execute(insert(table), rows[start:start + 20_000])
    if engine.dialect.name == "postgresql":
        # after a bulk load, the planner's statistics (autovacuum would take them later, and is off on
        # some servers): without them it reads the whole month for each batch of children
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("ANALYZE"))
    engine.dispose()


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bulk_insert_seconds(url: str, lines: int) -> float:
    """How long the database takes to bulk-insert `lines` rows shaped like invoice lines (the baseline)."""
    from famille.adapters.sqlalchemy.bulk import bulk_insert

    engine = make_engine(url)
    # the same columns and primary key, without the foreign key to invoices
    scratch = Table("bench_lines", MetaData(), *(Column(c.name, c.type, nullable=c.nullable)
                                                 for c in t.invoice_lines.columns),
                    PrimaryKeyConstraint("invoice_id", "position"))
    scratch.create(engine)
    # shaped as the run writes them: uuids, the rule and its version instead of the message, a price note
    rows = [{"invoice_id": str(uuid.UUID(int=n // 144)), "position": n % 144,
             "child_id": str(uuid.UUID(int=10**9 + n // 72)), "child_name": f"E{n // 72} NOM",
             "service_code": SERVICES[n % 4], "day": date(2026, 12, 1 + n % 28), "rule_id": "reserve-present-facture",
             "message": None, "rules_version": "0123456789abcdef", "reason": "AUCUNE", "status": "Réservé",
             "billed": "full", "unit_price_cents": 310, "amount_cents": 310, "share_hundredths": 10000,
             "detail": "tarif restauration-t3"} for n in range(lines)]
    try:
        started = time.perf_counter()
        with engine.begin() as connection:
            bulk_insert(connection, scratch, rows)
        return time.perf_counter() - started
    finally:
        scratch.drop(engine)
        engine.dispose()


def bench(kind: str, children: int, with_tracemalloc: bool, results: Any = None) -> None:
    """One size on one database, in its own process (so that maxrss is the run's own)."""
    rules = DurableRules(default_rules_dir())
    with tempfile.TemporaryDirectory() as folder, empty_database(kind, Path(folder)) as url:
        upgrade(url)
        started = time.perf_counter()
        seeding = multiprocessing.get_context("spawn").Process(target=seed, args=(url, children))
        seeding.start()
        seeding.join()
        seeded = time.perf_counter() - started
        engine = make_engine(url)
        uow = SqlUnitOfWorkFactory(engine)
        billing = Billing(uow, FakeClock(datetime(2027, 1, 4, 9, 0, tzinfo=PARIS)), rules, SqlServiceDays(engine))
        before = rules.stats()
        rss_before = maxrss_mb()
        started = time.perf_counter()
        summary = billing.prepare(ORG, "2026-12", by="bench")  # streamed: batches of children
        run_seconds = time.perf_counter() - started
        rss_growth = maxrss_mb() - rss_before
        after = rules.stats()
        lines, invoices, total = summary.totals.lines, summary.totals.invoices, summary.totals.total
        peak_text = ""
        if with_tracemalloc:  # a second, identical draft (idempotent), traced: slower, so not timed
            tracemalloc.start()
            billing.prepare(ORG, "2026-12", by="bench")
            peak_text = f", pic tracemalloc {tracemalloc.get_traced_memory()[1] / 2**20:6.1f} Mio"
            tracemalloc.stop()
        started = time.perf_counter()
        billing.finalise_run(ORG, "2026-12", by="bench", accept_flagged=True)  # set-based numbering
        final_seconds = time.perf_counter() - started
        engine.dispose()
        if results is not None:
            results.put({"run": run_seconds, "lines": lines, "bulk": bulk_insert_seconds(url, lines)})
    engine_calls = after["engine_calls"] - before["engine_calls"]
    print(f"{kind:10} {children:>6} enfants  {lines:>7} lignes  {invoices:>5} factures  total {total} €  |  "
          f"seed {seeded:6.1f} s  brouillon {run_seconds:6.1f} s ({lines / run_seconds:,.0f} lignes/s)  "
          f"définitive {final_seconds:5.1f} s  |  maxrss +{rss_growth:6.1f} Mio{peak_text}  |  "
          f"appels durable-rules pendant le run {engine_calls:,} (tables compilées : {after['cells']:,} cases)",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--tracemalloc", action="store_true", help="re-run each draft under tracemalloc (slow)")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    for kind in args.databases:
        if kind == "postgresql" and postgres_server_url() is None:
            print("postgresql : FAMILLE_TEST_POSTGRES_URL non défini, sauté")
            continue
        for size in args.sizes:
            worker = context.Process(target=bench, args=(kind, size, args.tracemalloc))
            worker.start()
            worker.join()


if __name__ == "__main__":
    main()
