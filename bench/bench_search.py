"""The agents' family search as the commune grows: one page of results, searched by the database.

For each size, the organisation holds that many families (two children each) and another
organisation as many again; each query is timed through the kernel's `FamilyDirectory` on
SQLite (and PostgreSQL with `--postgres`), beside a baseline in the same run: the indexed
lookup of one family by its N° famille (`Records.family_by_number`).

Run: `.venv/bin/python bench/bench_search.py [--sizes 1000,10000,30000] [--repeat 20] [--postgres]`.
Not a test: it prints figures (median milliseconds).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from famille.adapters.sqlalchemy.database import make_engine  # noqa: E402
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory  # noqa: E402
from famille.kernel.families.directory import FamilyDirectory  # noqa: E402
from famille.kernel.families.record_service import Records  # noqa: E402
from tests.integration.databases import fresh_database  # noqa: E402
from tests.support.planning_world import agent_principal, seed_families, seed_organisation  # noqa: E402

BATCH = 2000


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm the caches and the prepared statements
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench(kind: str, folder: Path, sizes: list[int], repeat: int) -> None:
    print(f"\n## {kind}: médiane en ms (une page de 20 familles et le total)")
    print("familles | référence : une famille par N° | sans recherche | un nom rare | un prénom d'enfant | "
          "un mot fréquent (« nom1 ») | deux mots")
    for size in sizes:
        with fresh_database(kind, folder) as url:
            engine = make_engine(url)
            uow = SqlUnitOfWorkFactory(engine)
            for code in ("ville-a", "ville-b"):
                seed_organisation(uow, code)
                for start in range(0, size, BATCH):
                    seed_families(uow, code, min(BATCH, size - start), children_each=2, start=start)
            figures = _figures(uow, size, repeat)
            print(f"{size} | " + " | ".join(f"{f:.1f}" for f in figures))
            engine.dispose()


def _figures(uow: SqlUnitOfWorkFactory, size: int, repeat: int) -> list[float]:
    """The baseline, then each search, in the order of the table's columns."""
    agent = agent_principal("ville-a")
    directory, records = FamilyDirectory(uow), Records(uow)
    rare = f"NOM{size - 7}"
    return [
        _median_ms(lambda: records.family_by_number(agent, f"ville-a-{size // 2}"), repeat),
        _median_ms(lambda: directory.search(agent, ""), repeat),
        _median_ms(lambda: directory.search(agent, rare), repeat),
        _median_ms(lambda: directory.search(agent, "enfant1"), repeat),
        _median_ms(lambda: directory.search(agent, "nom1"), repeat),
        _median_ms(lambda: directory.search(agent, f"{rare} enfant0"), repeat),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,30000")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", action="store_true",
                        help="also on PostgreSQL (FAMILLE_TEST_POSTGRES_URL)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"# {os.cpu_count()} cœurs")
    with tempfile.TemporaryDirectory() as name:
        bench("sqlite", Path(name), sizes, args.repeat)
        if args.postgres:
            bench("postgresql", Path(name), sizes, args.repeat)


if __name__ == "__main__":
    main()
