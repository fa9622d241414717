"""`make bench`: every measure of issue 10 with its baseline from the same run, in one table.

    .venv/bin/python bench/table.py [--seconds 5] [--skip rush,billing]

Each row: the measure, its figure, the baseline measured in the same run (when the goal is
relative to one), their ratio, the goal, and whether it is met. The PostgreSQL rows need a
server (`FAMILLE_TEST_POSTGRES_URL`, else postgresql+psycopg://postgres@127.0.0.1:5432/test);
without one they are skipped with a line that says so. Figures, not tests: client and server
share the machine, so say how busy it was (the load average is printed).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
Row = tuple[str, str, str, str, str, str]


def _postgres() -> str | None:
    """The PostgreSQL server URL if one answers, else None."""
    import sqlalchemy

    url = os.environ.get("FAMILLE_TEST_POSTGRES_URL") or PG_DEFAULT
    try:
        engine = sqlalchemy.create_engine(url)
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("select 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means « no PostgreSQL here »
        print(f"# PostgreSQL absent ({type(error).__name__}) : lignes PostgreSQL sautées")
        return None
    os.environ["FAMILLE_TEST_POSTGRES_URL"] = url
    return url


def _met(ok: bool) -> str:
    return "oui" if ok else "NON"


def rules_row() -> Row:
    from bench.bench_rules import lockout_rates

    port, plain = lockout_rates()
    ratio = port / plain
    return ("décision de règle par le port (login_lockout) vs Python pur", f"{port:,.0f} /s", f"{plain:,.0f} /s",
            f"1/{plain / port:.1f}", "≥ 1/5", _met(ratio >= 0.2))


def grid_row(folder: Path, seconds: float) -> Row:
    from bench.bench_planning import bench_grid

    month, bare = bench_grid(folder, seconds, threads=8, workers=2)
    return ("GET planning du mois (gunicorn, SQLite) vs Falcon nu", f"{month:,.0f} req/s", f"{bare:,.0f} req/s",
            f"{month / bare:.0%}", "≥ 40 %", _met(month / bare >= 0.4))


#: Times the school year is booked, each in a fresh interpreter on a database of its own: one request of
#: ~150 ms moves by half from one run to the next on a shared machine; the row gives their median.
YEAR_RUNS = 5


def year_row(folder: Path) -> Row:
    runs = []
    for n in range(YEAR_RUNS):
        (folder / f"annee-{n}").mkdir()
        runs.append(_in_own_process("year-once", folder / f"annee-{n}", 0))
    ms = statistics.median(ms for ms, _, _ in runs)
    loop = statistics.median(loop for _, _, loop in runs)
    statements = max(statements for _, statements, _ in runs)
    print(f"Année scolaire : {', '.join(f'{ms:.0f} ms (boucle {loop:.0f})' for ms, _, loop in runs)} "
          f"en {YEAR_RUNS} essais, médiane {ms:.0f} ms")
    return ("année scolaire, 3 enfants × 4 services, une requête", f"{ms:,.0f} ms, {statements} SQL (médiane de "
            f"{YEAR_RUNS})", f"boucle Python fixe : {loop:.0f} ms", "—", "< 150 ms, ≤ 10 SQL",
            _met(ms < 150 and statements <= 10))


def rush_row(folder: Path) -> Row:
    from bench.bench_planning import bench_rush

    found = bench_rush(folder, families=500, threads=16, workers=2)
    figure = (f"p99 {found['p99']:,.0f} ms, {found['errors']} err., {found['lost']} perdues, "
              f"{found['doubled']} doublons")
    ok = found["p99"] < 100 and not found["errors"] and not found["lost"] and not found["doubled"]
    return ("ruée PostgreSQL : 500 familles × 2 clics, 16 clients", figure,
            f"p50 {found['p50']:,.0f} ms ; boucle Python fixe : {found['loop']:.0f} ms", "—",
            "p99 < 100 ms, 0 err., 0 perdue, 0 doublon", _met(ok))


def billing_row() -> Row:
    from bench.bench_billing import bench

    context = multiprocessing.get_context("spawn")
    results: Any = context.Queue()
    worker = context.Process(target=bench, args=("postgresql", 10_000, False, results))
    worker.start()
    found = results.get()
    worker.join()
    run, bulk = found["run"], found["bulk"]
    return ("brouillon de facturation, 10 000 enfants × 4 services, PostgreSQL",
            f"{run:,.1f} s ({found['lines'] / run:,.0f} lignes/s)", f"{bulk:,.1f} s (insertion en masse)",
            f"{run / bulk:.1f}×", "< 30 s et ≤ 3×", _met(run < 30 and run <= 3 * bulk))


def headcount_row(folder: Path) -> Row:
    from bench.bench_planning import bench_headcount

    ms = bench_headcount(folder, [10_000])[10_000]
    return ("effectifs d'un jour, 10 000 enfants", f"{ms:,.1f} ms", "—", "—", "< 50 ms", _met(ms < 50))


#: The measures in the order they run, and whether each needs PostgreSQL.
MEASURES = (("rules", False), ("grid", False), ("year", False), ("rush", True), ("billing", True),
            ("headcount", False))


def _measure(key: str, folder: Path, seconds: float) -> Any:
    """One row, measured in the process that calls it."""
    if key == "rules":
        return rules_row()
    if key == "grid":
        return grid_row(folder, seconds)
    if key == "year":
        return year_row(folder)
    if key == "year-once":
        from bench.bench_planning import bench_year

        return bench_year(folder)
    if key == "rush":
        return rush_row(folder)
    if key == "billing":
        return billing_row()
    return headcount_row(folder)


def _measure_into(key: str, folder: Path, seconds: float, results: Any) -> None:
    results.put(_measure(key, folder, seconds))


def _in_own_process(key: str, folder: Path, seconds: float) -> Any:
    """`_measure` in a fresh interpreter: a row's figure does not depend on what the rows before it left in
    memory (the heap the garbage collector walks, threads, pools, caches)."""
    context = multiprocessing.get_context("spawn")
    results: Any = context.Queue()
    worker = context.Process(target=_measure_into, args=(key, folder, seconds, results))
    worker.start()
    while True:  # a measure that dies (an exception, a crash) says so instead of leaving the table waiting
        try:
            row = results.get(timeout=1)
            break
        except queue.Empty:
            if not worker.is_alive():
                raise SystemExit(f"la mesure « {key} » s'est arrêtée sans résultat (code {worker.exitcode})") \
                    from None
    worker.join()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="durée de chaque mesure HTTP")
    parser.add_argument("--skip", default="", help="mesures à sauter : rules,grid,year,rush,billing,headcount")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    print(f"# {os.cpu_count()} cœurs, charge moyenne au départ {os.getloadavg()[0]:.1f} ; client et serveur "
          "sur la même machine")
    postgres = _postgres()
    rows: list[Row] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        for key, needs_postgres in MEASURES:
            if key in skip:
                skipped.append(f"{key} : sautée (--skip)")
            elif needs_postgres and postgres is None:
                skipped.append(f"{key} : sautée, PostgreSQL absent (FAMILLE_TEST_POSTGRES_URL)")
            else:
                rows.append(_in_own_process(key, Path(name), args.seconds))
    print(f"# charge moyenne à la fin {os.getloadavg()[0]:.1f}")
    print(render(rows))
    for line in skipped:
        print(f"- {line}")


def render(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    header: Row = ("mesure", "valeur", "référence (même exécution)", "rapport", "objectif", "atteint")
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


if __name__ == "__main__":
    main()
