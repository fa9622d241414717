"""Planning figures: a school year booked in one request, the month grid under gunicorn, a deadline rush
on PostgreSQL, and the day's headcount as the commune grows.

Run: `.venv/bin/python bench/bench_planning.py [--part year,grid,rush,headcount] [--seconds 5]`.
The rush needs PostgreSQL (`FAMILLE_TEST_POSTGRES_URL`, by default postgresql+psycopg://postgres@127.0.0.1:5432/test).
Not a test: it prints figures. Client and server share the machine; compare with the baseline of the same run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import attrs  # noqa: E402
import falcon.testing  # noqa: E402
from sqlalchemy import event, func, insert, select  # noqa: E402

from bench.bench_http import _bare_falcon  # noqa: E402
from bench.load import KeepAlive, run  # noqa: E402
from famille.adapters.http.app import create_app  # noqa: E402
from famille.adapters.sqlalchemy import tables as t  # noqa: E402
from famille.adapters.sqlalchemy.migrate import upgrade  # noqa: E402
from famille.bootstrap import build, ready_for_requests  # noqa: E402
from famille.config import Settings  # noqa: E402
from famille.kernel.accounts.model import AuthSession, token_digest  # noqa: E402
from famille.kernel.calendar.loading import build_calendar  # noqa: E402
from famille.kernel.calendar.model import OrganisationCalendar, SchoolYear  # noqa: E402
from famille.kernel.shared.time import PARIS  # noqa: E402
from famille.rules import default_rules_dir  # noqa: E402
from tests.integration.databases import fresh_database  # noqa: E402
from tests.support.planning_world import (  # noqa: E402
    SERVICES,
    agent_principal,
    seed_families,
    seed_organisation,
)
from tests.support.server import call, famille, running_portal  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: Threads per server process on PostgreSQL, as README's deployment serves (`famille serve --threads 4`).
POSTGRES_SERVER_THREADS = 4


def _sessions(wiring: Any, account_ids: list[str]) -> list[str]:
    """Bearer tokens for these accounts, stored directly (no argon2: logins are measured elsewhere)."""
    now = wiring.settings.clock_start or datetime.now(PARIS)
    tokens = [secrets.token_urlsafe(32) for _ in account_ids]
    with wiring.uow() as uow:
        for account_id, token in zip(account_ids, tokens, strict=True):
            uow.sessions.add(AuthSession(str(uuid.uuid4()), account_id, token_digest(token), now,
                                         now + timedelta(hours=8)))
        uow.commit()
    return tokens


def _settings(url: str, rules: Path | None = None) -> Settings:
    return Settings(database_url=url, rules_dir=rules, rules_reload_seconds=0, login_rate="1000000/minute",
                    account_rate="1000000/minute")


def bench_year(folder: Path) -> tuple[float, int, float]:
    """A school year for 3 children × 4 services in one HTTP request, in-process on a SQLite file.

    The process is warmed as a server worker is when a family books: made ready at start
    (`ready_for_requests`: the holiday data read, the SQL of the common reads compiled, the months of
    the school years open to bookings computed, the objects made so far out of the collector's passes),
    and the family's planning shown once before (Falcon compiles its router and cattrs its converters at
    their first use). The booking itself runs cold: its insert statements are new.

    The whole school year, whatever today's date: the portal's clock is set to 20 August before the
    school year of today (bookings open on the 13th), and the request asks from its first day to its
    last, as a family booking the year before la rentrée does.
    """
    url = f"sqlite:///{folder / 'year.db'}"
    upgrade(url)
    school_year = SchoolYear.containing(datetime.now(PARIS).date())
    now = datetime(school_year.start.year, 8, 20, 10, tzinfo=PARIS)
    wiring = build(attrs.evolve(_settings(url), clock_start=now))
    seed_organisation(wiring.uow, "ville")
    ((_, children),) = seed_families(wiring.uow, "ville", 1, children_each=3)
    (token,) = _sessions(wiring, ["ville-acc-0"])
    ready_for_requests(wiring)  # as each server worker does before its first request (`create_wsgi_app`)
    client = falcon.testing.TestClient(create_app(wiring.portal))
    started = time.perf_counter()
    shown = client.simulate_get(f"/api/v1/children/{children[0]}/planning",
                                headers={"Authorization": f"Bearer {token}"})
    assert shown.status_code == 200, shown.text
    print(f"Année scolaire : le planning affiché d'abord (premier appel du processus) en "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    body = {"children": children, "services": list(SERVICES), "from": school_year.start.isoformat(),
            "to": school_year.end.isoformat()}
    statements: list[int] = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    reference = _python_loop_ms()  # how fast this machine runs Python right now
    event.listen(wiring.engine, "before_cursor_execute", count)
    started = time.perf_counter()
    answer = client.simulate_post("/api/v1/bookings", json=body, headers={"Authorization": f"Bearer {token}"})
    elapsed = time.perf_counter() - started
    event.remove(wiring.engine, "before_cursor_execute", count)
    assert answer.status_code == 200, answer.text
    done = sum(len(r["done"]) for r in answer.json["reports"])
    skipped = sum(len(r["skipped"]) for r in answer.json["reports"])
    with wiring.engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(t.bookings)).scalar_one()
    print(f"Année scolaire, 3 enfants × 4 services, une requête : {elapsed * 1000:.0f} ms, "
          f"{statements[0]} instructions SQL, {done} cases réservées ({stored} en base), {skipped} ignorées "
          f"(vacances, mercredis, délais) — {body['from']} → {body['to']} ; boucle de référence {reference:.0f} ms")
    wiring.engine.dispose()
    return elapsed * 1000, statements[0], reference


def _python_loop_ms() -> float:
    """A fixed loop of plain Python (a million additions of squares), timed: on a shared machine the same code
    runs up to twice as slow from one minute to the next, and this says how fast it ran just now."""
    started = time.perf_counter()
    total = 0
    for n in range(1_000_000):
        total += n * n
    return (time.perf_counter() - started) * 1000


def bench_grid(folder: Path, seconds: float, threads: int, workers: int) -> tuple[float, float]:
    """Planning month requests per second under gunicorn, beside a bare Falcon resource."""
    from famille.demo import _id

    bare, bare_base = _bare_falcon(workers)
    try:
        baseline = run("Falcon nu : GET / (référence)", bare_base, lambda i: ("GET", "/", None, {}),
                       threads=threads, seconds=seconds)
    finally:
        os.killpg(bare.pid, 15)
        bare.wait()
    print(baseline.line())
    env = {"FAMILLE_DATABASE_URL": f"sqlite:///{folder}/grid.db", "FAMILLE_LOGIN_RATE": "1000000/minute", "FAMILLE_ACCOUNT_RATE": "1000000/minute",
           "FAMILLE_RULES_RELOAD_SECONDS": "0"}
    famille("migrate", env=env)
    famille("demo", env=env)
    child = _id("child:ztest:COMMUNE")
    month = datetime.now(PARIS).date() + timedelta(days=10)
    with running_portal(env, workers=workers) as base:
        _, _, session = call("POST", f"{base}/api/v1/session", {"login": "ztest", "password": "Portail2026"})
        bearer = {"Authorization": f"Bearer {session['token']}"}
        call("POST", f"{base}/api/v1/children/{child}/bookings", {
            "services": list(SERVICES), "from": month.replace(day=1).isoformat(),
            "to": (month.replace(day=28)).isoformat()}, token=session["token"])
        path = f"/api/v1/children/{child}/planning?month={month:%Y-%m}"
        result = run("famille : GET planning du mois (SQLite)", base, lambda i: ("GET", path, None, bearer),
                     threads=threads, seconds=seconds)
    print(result.line() + f"   ({result.per_second / baseline.per_second:.1%} de la référence)")
    return result.per_second, baseline.per_second


def _rush_rules(folder: Path, monday: date, cutoff: datetime) -> Path:
    """A copy of the rules whose deadlines for the week of `monday` all fall at `cutoff`.

    `monday` must come after the cut-off's day: each day's `days` is then at least 1, as
    `calendar_days_before` requires (the rules check refuses 0).
    """
    assert monday > cutoff.date(), (monday, cutoff)
    rules = folder / "rules"
    shutil.copytree(default_rules_dir(), rules, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    names = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
    lines = ["policy: booking_deadlines", "description: délais du banc d'essai « ruée »", "hit_policy: first",
             "inputs:", "  service: {type: enum, values: [RESTAURATION, GARDERIE MATIN, GARDERIE MIDI, GARDERIE SOIR]}",
             "  weekday: {type: enum, values: [lundi, mardi, mercredi, jeudi, vendredi, samedi, dimanche]}",
             "  action: {type: enum, values: [reservation, annulation]}",
             "  reason: {type: enum, values: [AUCUNE], values_from: absence_reasons, default: AUCUNE}",
             "outputs:", "  bookable: {type: boolean}",
             "  kind: {type: enum, values: [calendar_days_before, working_days_before, same_day]}",
             "  days: {type: integer}", "  at: {type: time}", "  needs_validation: {type: boolean}", "rules:",
             "  - id: pas-d-accueil-le-week-end", "    when: {weekday: [samedi, dimanche]}",
             "    then: {bookable: false}", "    message: \"Pas d'accueil le week-end.\""]
    for n, name in enumerate(names):
        days = (monday + timedelta(n) - cutoff.date()).days
        lines += [f"  - id: ruee-{name}", f"    when: {{weekday: {name}}}",
                  f"    then: {{bookable: true, kind: calendar_days_before, days: {days}, "
                  f"at: \"{cutoff:%H:%M}\", needs_validation: false}}",
                  f"    message: \"Délai de la ruée pour le {name}.\""]
    lines += ["examples:", "  - facts: {service: RESTAURATION, weekday: samedi, action: reservation}",
              "    expect: {rule: pas-d-accueil-le-week-end, then: {bookable: false}}",
              "  - facts: {service: RESTAURATION, weekday: lundi, action: reservation}",
              "    expect: {rule: ruee-lundi}"]
    (rules / "booking_deadlines.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rules


def _rush_week(wiring: Any, code: str, after: date) -> date:
    """The Monday of the first week after `after` whose five days are school days of organisation `code`.

    Read with the calendar the portal builds (its holiday data, the organisation's zone and services):
    no public holiday, no school holiday, every service open on its weekdays.
    """
    with wiring.uow() as uow:
        organisation = uow.organisations.get(code)
        services = list(uow.organisations.services(code))
    assert organisation is not None, code
    calendars: dict[SchoolYear, OrganisationCalendar] = {}

    def open_for_all(day: date) -> bool:
        year = SchoolYear.containing(day)
        if year not in calendars:
            calendars[year] = build_calendar(wiring.calendar, organisation, services, (), year)
        return all(calendars[year].is_bookable(day, s.code) for s in services if day.weekday() in s.weekdays)

    monday = after + timedelta(days=7 - after.weekday())
    for _ in range(53):
        if all(open_for_all(monday + timedelta(n)) for n in range(5)):
            return monday
        monday += timedelta(7)
    raise RuntimeError(f"aucune semaine entière d'école pour {code} dans l'année qui suit le {after}")


def bench_rush(folder: Path, families: int, threads: int, workers: int) -> dict[str, float]:
    """500 families book a school week in the last minutes before the cut-off, on PostgreSQL.

    The week is the first after the cut-off's day whose five days are school days of the organisation
    (`_rush_week`): every deadline is then at least one calendar day before its day, whatever the hour,
    and no cell is refused as a holiday.
    """
    os.environ.setdefault("FAMILLE_TEST_POSTGRES_URL", PG_DEFAULT)
    now = datetime.now(PARIS)
    cutoff = (now + timedelta(minutes=4)).replace(second=0, microsecond=0)
    with fresh_database("postgresql", folder) as url:
        wiring = build(_settings(url))  # seeds and counts only: the servers read the rush rules
        seed_organisation(wiring.uow, "ville")
        monday = _rush_week(wiring, "ville", cutoff.date())
        rules = _rush_rules(folder, monday, cutoff)
        started = time.perf_counter()
        made = seed_families(wiring.uow, "ville", families)
        tokens = _sessions(wiring, [f"ville-acc-{n}" for n in range(families)])
        print(f"Ruée : {families} familles créées en {time.perf_counter() - started:.1f} s ; "
              f"échéance {cutoff:%H:%M} (dans {(cutoff - datetime.now(PARIS)).seconds} s), semaine du {monday}")
        body = {"services": list(SERVICES), "from": monday.isoformat(), "to": (monday + timedelta(4)).isoformat()}
        env = {"FAMILLE_DATABASE_URL": url, "FAMILLE_RULES_DIR": str(rules), "FAMILLE_RULES_RELOAD_SECONDS": "0"}
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        with running_portal(env, workers=workers, threads=POSTGRES_SERVER_THREADS) as base:
            def family_worker(indexes: list[int]) -> None:
                client = KeepAlive(base)  # one browser's connection, kept open between its requests
                for n in indexes:
                    for _ in range(2):  # each family clicks twice, as people do when the portal is slow
                        begun = time.perf_counter()
                        status, answer = client.call("POST", f"/api/v1/children/{made[n][1][0]}/bookings", body,
                                                     token=tokens[n])
                        with lock:
                            latencies.append((time.perf_counter() - begun) * 1000)
                            if status != 200:
                                errors.append(f"{status} {str(answer)[:200]}")
                client.close()
            chunks = [list(range(k, families, threads)) for k in range(threads)]
            pool = [threading.Thread(target=family_worker, args=(chunk,)) for chunk in chunks]
            reference = _python_loop_ms()  # the machine's speed just now, the server waiting
            begun = time.perf_counter()
            for thread in pool:
                thread.start()
            for thread in pool:
                thread.join()
            elapsed = time.perf_counter() - begun
        finished = datetime.now(PARIS)
        with wiring.engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(t.bookings)).scalar_one()
            doubled = connection.execute(select(func.count()).select_from(
                select(t.bookings.c.child_id, t.bookings.c.service_code, t.bookings.c.day)
                .group_by(t.bookings.c.child_id, t.bookings.c.service_code, t.bookings.c.day)
                .having(func.count() > 1).subquery())).scalar_one()
        wiring.engine.dispose()
        expected_cells = families * sum(len([s for s in SERVICES if (s == "GARDERIE MATIN" or n != 2)])
                                        for n in range(5))
        ordered = sorted(latencies)
        p = (lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))])  # noqa: E731
        print(f"Ruée : {len(latencies)} requêtes ({threads} clients, {workers} workers × "
              f"{POSTGRES_SERVER_THREADS} fils) en {elapsed:.1f} s, {len(latencies) / elapsed:.0f} req/s, "
              f"p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms, "
              f"erreurs {len(errors)}, terminé {'avant' if finished < cutoff else 'APRÈS'} l'échéance")
        print(f"Ruée : {stored} réservations en base pour {expected_cells} attendues, {doubled} en double")
        for line in errors[:3]:
            print("   erreur :", line)
    return {"p99": p(0.99), "p50": p(0.5), "errors": len(errors), "lost": max(0, expected_cells - stored),
            "doubled": doubled, "loop": reference}


def bench_headcount(folder: Path, sizes: list[int]) -> dict[int, float]:
    """The day's headcount for a commune of N children (bulk-loaded), SQLite and in-process."""
    medians = {}
    for size in sizes:
        url = f"sqlite:///{folder / f'head-{size}.db'}"
        upgrade(url)
        wiring = build(_settings(url))
        seed_organisation(wiring.uow, "ville")
        day = date(2026, 12, 7)
        now = datetime.now(PARIS)
        with wiring.engine.begin() as connection:
            connection.execute(insert(t.families), [
                {"id": f"f{n}", "organisation_code": "ville", "number": str(n), "responsable_nom": f"N{n}",
                 "responsable_prenom": "P", "responsable_autorisation_courriel": False,
                 "responsable_autorisation_sms": False} for n in range(size)])
            connection.execute(insert(t.children), [
                {"id": f"c{n}", "organisation_code": "ville", "nom": f"N{n}", "prenom": "E", "sexe": "F",
                 "date_naissance": date(2018, 1, 1)} for n in range(size)])
            connection.execute(insert(t.child_families), [
                {"child_id": f"c{n}", "family_id": f"f{n}", "position": 0} for n in range(size)])
            rows = []
            for n in range(size):
                for service in SERVICES:
                    if (n + len(service)) % 5:  # about 4 children in 5 booked in each service
                        rows.append({"id": str(uuid.uuid4()), "organisation_code": "ville", "child_id": f"c{n}",
                                     "service_code": service, "day": day, "status": "accepted",
                                     "requested_by": "x", "requested_at": now, "in_time": True, "batch_id": "b"})
            connection.execute(insert(t.bookings), rows)
            connection.execute(insert(t.child_records), [
                {"child_id": f"c{n}", "autorisations": [], "complementaires": {},
                 "pratique": {"libelle": "Sans porc", "commentaire": None}, "allergies": [], "photo_id": None}
                for n in range(0, size, 10)])
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            counts = wiring.portal.planning_agent.headcounts(agent_principal("ville"), day)
            timings.append((time.perf_counter() - started) * 1000)
        canteen = next(c for c in counts if c.service_code == "RESTAURATION")
        print(f"Effectifs d'un jour, {size:>6} enfants ({len(rows)} réservations) : médiane "
              f"{statistics.median(timings):7.1f} ms — cantine {canteen.expected} repas {dict(canteen.meals)}")
        wiring.engine.dispose()
        medians[size] = statistics.median(timings)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--part", default="year,grid,rush,headcount")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--families", type=int, default=500)
    parser.add_argument("--sizes", default="1000,10000,30000")
    args = parser.parse_args()
    parts = set(args.part.split(","))
    print(f"# {os.cpu_count()} cœurs ; client et serveur sur la même machine")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if "year" in parts:
            bench_year(folder)
        if "grid" in parts:
            bench_grid(folder, args.seconds, args.threads, args.workers)
        if "rush" in parts:
            bench_rush(folder, args.families, max(args.threads, 16), args.workers)
        if "headcount" in parts:
            bench_headcount(folder, [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
