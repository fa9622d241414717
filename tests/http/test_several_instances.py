"""Two portal instances (gunicorn) and one `famille worker` on the same PostgreSQL and Redis.

A session opened on one works on the other; a closure declared through one shows at once in the
other's month grid (its cached month keys on the closures read from the database); a changed rule
file is taken by both; a billing job asked on one is run by the worker and read as done on both.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from famille.rules import default_rules_dir
from tests.integration.databases import empty_database, postgres_server_url
from tests.support.server import call, famille, running_portal, running_worker

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CLOCK = "2026-12-07T09:00:00+01:00"  # a Monday; the demo's filled month is November
CLOSED = "2026-12-18"
THURSDAY = "2026-12-17"  # its canteen deadline: Tuesday 15 at 23:59 (cantine-jeudi-mardi-23h59)
RELOAD = 0.5


@pytest.fixture
def shared_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """One PostgreSQL database (migrated, demo loaded), one Redis, one rules folder, one secret key."""
    if postgres_server_url() is None:
        pytest.skip("PostgreSQL tests need FAMILLE_TEST_POSTGRES_URL")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("needs a Redis server on 127.0.0.1:6379")
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    with empty_database("postgresql", tmp_path) as url:
        env = {"FAMILLE_DATABASE_URL": url, "FAMILLE_RULES_DIR": str(rules), "FAMILLE_CLOCK": CLOCK,
               "FAMILLE_RULES_RELOAD_SECONDS": str(RELOAD), "FAMILLE_RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379",
               "FAMILLE_SECRET_KEY_FILE": str(tmp_path / "secret_key"), "FAMILLE_ARGON2_MEMORY_KIB": "8192",
               "FAMILLE_ARGON2_TIME_COST": "1", "FAMILLE_LOGIN_RATE": "1000/minute",
               "FAMILLE_ACCOUNT_RATE": "1000/minute", "FAMILLE_WORKER_HEARTBEAT_SECONDS": "0.5"}
        famille("migrate", env=env)
        famille("demo", env=env)
        yield env


def _token(base: str, login: str, password: str) -> str:
    status, _, body = call("POST", f"{base}/api/v1/session", {"login": login, "password": password})
    assert status == 201, body
    return str(body["token"])


def _cell(base: str, token: str, child: str, day: str) -> dict[str, Any]:
    status, _, grid = call("GET", f"{base}/api/v1/children/{child}/planning?month={day[:7]}", token=token)
    assert status == 200, grid
    meals = next(row for row in grid["rows"] if row["service"] == "RESTAURATION")
    return dict(next(cell for cell in meals["cells"] if cell["date"] == day))


def _eventually(check: Callable[[], Any], seconds: float, what: str) -> Any:
    """`check()` once it is true (rule files are read again every RELOAD seconds)."""
    deadline = time.monotonic() + seconds
    while not (result := check()):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)
    return result


def test_two_portals_and_a_worker_share_sessions_closures_rules_and_billing_jobs(
        shared_env: dict[str, str]) -> None:
    # threaded, as README's PostgreSQL deployment serves
    with (running_portal(shared_env, threads=4) as first, running_portal(shared_env, threads=4) as second,
          running_worker(shared_env)):
        # a session opened on the first works on the second (and the other way)
        family = _token(first, "ztest", "Portail2026")
        status, _, me = call("GET", f"{second}/api/v1/me", token=family)
        assert status == 200 and me["family_number"] == "381623867924"
        agent = _token(second, "agent", "Agent2026x")
        assert call("GET", f"{first}/api/v1/agent/today", token=agent)[0] == 200
        child = next(c["id"] for c in me["children"] if c["prenom"] == "COMMUNE")

        # a closure declared through the first is in the second's month grid at once (cached before)
        before = _cell(second, family, child, CLOSED)
        assert before["status"]["slug"] != "ferme", before
        status, _, closure = call("POST", f"{first}/api/v1/agent/closures", token=agent,
                                  body={"date": CLOSED, "service": None, "reason": "Grève du personnel"})
        assert status == 201, closure
        after = _cell(second, family, child, CLOSED)
        assert after["status"] != before["status"] and after["actions"] == [], after
        assert _cell(first, family, child, CLOSED) == after

        # a rule file changed: both portals take it within the reload interval
        deadline_before = _cell(first, family, child, THURSDAY)["deadline"]
        assert deadline_before["instant"].endswith("T23:59:00+01:00"), deadline_before
        deadlines = Path(shared_env["FAMILLE_RULES_DIR"]) / "booking_deadlines.yaml"
        text = deadlines.read_text(encoding="utf-8")
        thursday = ('then: {bookable: true, kind: calendar_days_before, days: 2, weekday: mardi, at: "23:59", '
                    'needs_validation: false}')
        assert thursday in text
        deadlines.write_text(text.replace(thursday, thursday.replace('"23:59"', '"12:00"')), encoding="utf-8")
        for base in (first, second):
            changed = _eventually(lambda base=base: _cell(base, family, child, THURSDAY)["deadline"]["instant"]
                                  .endswith("T12:00:00+01:00"), 20 * RELOAD + 10, f"{base} garde l'ancienne règle")
            assert changed

        # a billing job asked on the second is run by the worker, and read as done on both
        status, headers, job = call("POST", f"{second}/api/v1/agent/billing/runs", token=agent,
                                    body={"month": "2026-11"})
        assert status == 202 and job["state"] == "pending", job
        location = headers["Location"]

        def done_on(base: str) -> dict[str, Any] | None:
            answer = call("GET", f"{base}{location}", token=agent)[2]
            return answer if answer["state"] in ("done", "failed") else None

        finished = _eventually(lambda: done_on(first), 120, "le worker n'a pas fait la facturation")
        assert finished["state"] == "done" and finished["errors"] == [], finished
        assert finished["children_done"] == finished["children_total"] and finished["attempts"] == 1
        assert call("GET", f"{second}{location}", token=agent)[2] == finished
        status, _, run = call("GET", f"{first}{finished['run']}", token=agent)
        assert status == 200 and run["month"] == "2026-11" and run["status"] == "draft"
        other = _token(first, "agent-varacieux", "Agent2026y")
        assert call("GET", f"{second}{location}", token=other)[0] == 404
