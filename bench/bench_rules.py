"""Benchmark of the rules adapter: prints figures, not a test.

    /tmp/venv/bin/python bench/bench_rules.py [--million N]

Decisions per second through the port with memo, through durable without memo,
and the same login_lockout / password rules as plain Python; RSS before and after
N (default 1,000,000) durable decisions.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from famille.adapters.rules.engine import DurableRules
from famille.rules import default_rules_dir


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def password_facts(i: int) -> dict[str, Any]:
    return {"length": i % 20, "has_upper": bool(i & 1), "has_lower": bool(i & 2), "has_digit": bool(i & 4),
            "has_symbol": bool(i & 8), "is_common": bool(i & 16), "contains_login": bool(i & 32)}


def plain_password(f: dict[str, Any]) -> list[str]:
    hits = []
    if f["length"] < 8:
        hits.append("longueur-minimum-8")
    if not f["has_upper"]:
        hits.append("majuscule-obligatoire")
    if not f["has_lower"]:
        hits.append("minuscule-obligatoire")
    if not f["has_digit"]:
        hits.append("chiffre-obligatoire")
    if f["is_common"]:
        hits.append("mot-de-passe-courant")
    if f["contains_login"]:
        hits.append("identifiant-interdit")
    hits.append("mot-de-passe-conforme")
    return hits


def rate(label: str, count: int, call: Any) -> None:
    start = time.perf_counter()
    for i in range(count):
        call(i)
    elapsed = time.perf_counter() - start
    print(f"{label:<58} {count / elapsed:>12,.0f} décisions/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--million", type=int, default=1_000_000, help="décisions pour la mesure mémoire")
    args = parser.parse_args()
    memo = DurableRules(default_rules_dir())
    raw = DurableRules(default_rules_dir(), memo_size=0)
    facts = [password_facts(i) for i in range(64 * 20)]
    lockouts = [{"failed_attempts": i % 30} for i in range(30)]
    rate("login_lockout, port avec memo", 200_000, lambda i: memo.decide("login_lockout", lockouts[i % 30]))
    rate("login_lockout, durable sans memo (post)", 50_000, lambda i: raw.decide("login_lockout", lockouts[i % 30]))
    rate("login_lockout, Python pur", 1_000_000, lambda i: lockouts[i % 30]["failed_attempts"] >= 10)
    rate("password_policy (collect), port avec memo", 200_000,
         lambda i: memo.decide("password_policy", facts[i % len(facts)]))
    rate("password_policy (collect), durable sans memo (assert_fact)", 20_000,
         lambda i: raw.decide("password_policy", facts[i % len(facts)]))
    rate("password_policy, Python pur", 1_000_000, lambda i: plain_password(facts[i % len(facts)]))
    print("memo :", memo.stats())
    before = rss_kib()
    start = time.perf_counter()
    for i in range(args.million):
        raw.decide("login_lockout", lockouts[i % 30])
    elapsed = time.perf_counter() - start
    after = rss_kib()
    print(f"{args.million:,} décisions durable sans memo en {elapsed:.1f} s ; "
          f"RSS avant {before:,} Kio, après {after:,} Kio (écart {after - before:+,} Kio)")


if __name__ == "__main__":
    main()
