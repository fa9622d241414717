"""The portal served for real: gunicorn, a real database (SQLite and PostgreSQL), real rule files, real SMTP."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from famille.rules import default_rules_dir
from tests.integration.databases import fresh_database, postgres_server_url
from tests.support.server import call, famille, running_portal
from tests.support.smtp import LocalSmtpServer

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment of a portal whose database is migrated and holds the demo data."""
    if request.param == "postgresql" and postgres_server_url() is None:
        pytest.skip("PostgreSQL tests need FAMILLE_TEST_POSTGRES_URL")
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    with fresh_database(request.param, tmp_path) as url:
        env = {"FAMILLE_DATABASE_URL": url, "FAMILLE_RULES_DIR": str(rules),
               "FAMILLE_RULES_RELOAD_SECONDS": "0.2", "FAMILLE_ARGON2_MEMORY_KIB": "8192",
               "FAMILLE_ARGON2_TIME_COST": "1", "FAMILLE_LOGIN_RATE": "1000/minute",
               "FAMILLE_ACCOUNT_RATE": "1000/minute"}
        famille("migrate", env=env)
        famille("demo", env=env)
        yield env


def _login(base: str, login: str, password: str) -> tuple[int, dict]:
    status, _, body = call("POST", f"{base}/api/v1/session", {"login": login, "password": password})
    return status, body


def test_a_family_logs_in_reads_its_home_page_and_logs_out(demo_env: dict[str, str]) -> None:
    with running_portal(demo_env, workers=2) as base:
        status, body = _login(base, "ztest", "Portail2026")
        assert status == 201, body
        token = body["token"]
        status, headers, me = call("GET", f"{base}/api/v1/me", token=token)
        assert status == 200
        assert "Server" not in headers  # no banner naming gunicorn and its version
        assert "Strict-Transport-Security" not in headers  # served over plain http here
        assert me["family_number"] == "381623867924"
        assert [c["prenom"] for c in me["children"]] == ["COMMUNE", "CRECHE", "PRINCESSE"]
        assert me["new_messages"] == 1
        assert call("DELETE", f"{base}/api/v1/session", token=token)[0] == 204
        assert call("GET", f"{base}/api/v1/me", token=token)[0] == 401


def test_an_agent_never_sees_another_organisations_family(demo_env: dict[str, str]) -> None:
    with running_portal(demo_env) as base:
        _, body = _login(base, "agent-varacieux", "Agent2026y")
        _, _, me = call("GET", f"{base}/api/v1/me", token=body["token"])
        assert me["organisation"]["code"] == "rpi-varacieux"
        assert "ZTEST" not in str(me)


def test_the_lockout_holds_across_two_server_processes(demo_env: dict[str, str]) -> None:
    with running_portal(demo_env) as first, running_portal(demo_env) as second:
        statuses = [_login(base, "ztest", "mauvais")[0] for base in [first, second] * 5]
        assert statuses[:9] == [401] * 9
        assert statuses[9] == 423
        status, body = _login(second, "ztest", "Portail2026")
        assert status == 423
        assert "Mot de passe oublié" in body["detail"]
        assert _login(first, "ztest", "Portail2026")[0] == 423


def test_a_forgotten_password_is_reset_through_a_real_email(demo_env: dict[str, str]) -> None:
    with LocalSmtpServer() as smtp:
        env = {**demo_env, "FAMILLE_SMTP_HOST": smtp.host, "FAMILLE_SMTP_PORT": str(smtp.port)}
        with running_portal(env) as base:
            for _ in range(10):
                _login(base, "ztest", "mauvais")
            assert call("POST", f"{base}/api/v1/password-reset", {"login": "ztest"})[0] == 202
            assert call("POST", f"{base}/api/v1/password-reset", {"login": "personne"})[0] == 202
            smtp.wait_for(1)
            mail = smtp.messages[0]
            assert mail["To"] == "payss@ztest.fr"
            token = re.search(r"jeton=([\w-]+)", mail.get_content()).group(1)
            status, _, _ = call("POST", f"{base}/api/v1/password-reset/confirm",
                                {"token": token, "new_password": "Rentree2027", "confirmation": "Rentree2027"})
            assert status == 204
            assert _login(base, "ztest", "Rentree2027")[0] == 201
            time.sleep(0.5)
            assert len(smtp.messages) == 1  # nothing was sent for the unknown login


THREE_ATTEMPTS = """\
policy: login_lockout
hit_policy: first
inputs:
  failed_attempts: {type: integer, min: 0, max: 1000}
outputs:
  locked: {type: boolean}
  unlock_after_minutes: {type: integer, min: 0, max: 10080}
rules:
  - id: compte-verrouille-apres-3-echecs
    when: {failed_attempts: {">=": 3}}
    then: {locked: true, unlock_after_minutes: 15}
    message: "Votre compte est verrouillé après 3 tentatives. Utilisez « Mot de passe oublié »."
  - id: compte-ouvert
    when: {}
    then: {locked: false, unlock_after_minutes: 0}
    message: "Le compte n'est pas verrouillé."
examples:
  - facts: {failed_attempts: 2}
    expect: {rule: compte-ouvert}
  - facts: {failed_attempts: 3}
    expect: {rule: compte-verrouille-apres-3-echecs}
"""


def _until_in_force(base: str, words: str, seconds: float = 20.0) -> None:
    """Wait until a wrong password for martin (another family) is answered with `words`: the changed
    login_lockout file is then in force (checked and compiled by the watcher, about a second)."""
    deadline = time.monotonic() + seconds
    while True:
        status, body = _login(base, "martin", "mauvais")
        if status == 423 and words in body["detail"]:
            return
        assert time.monotonic() < deadline, f"les nouvelles règles ne sont pas en vigueur : {status} {body}"
        time.sleep(0.2)


def test_a_running_server_takes_a_changed_rule_file_and_refuses_a_broken_one(
    demo_env: dict[str, str],
) -> None:
    lockout = Path(demo_env["FAMILLE_RULES_DIR"]) / "login_lockout.yaml"
    with running_portal(demo_env) as base:
        lockout.write_text(THREE_ATTEMPTS, encoding="utf-8")
        _until_in_force(base, "3 tentatives")
        statuses = [_login(base, "ztest", "mauvais")[0] for _ in range(3)]
        assert statuses == [401, 401, 423]
        lockout.write_text(THREE_ATTEMPTS.replace("locked: true", "locked: peut-être"), encoding="utf-8")
        time.sleep(2.0)  # a refused version changes nothing to wait for: give the watcher time to refuse it
        status, body = _login(base, "ztest", "Portail2026")
        assert status == 423 and "3 tentatives" in body["detail"], "the broken file must be refused and the previous rules stay in force"


def test_a_portal_started_with_famille_clock_lives_on_that_day_from_the_demo_to_the_server(
    tmp_path: Path,
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    with fresh_database("sqlite", tmp_path) as url:
        env = {"FAMILLE_DATABASE_URL": url, "FAMILLE_RULES_DIR": str(rules), "FAMILLE_ARGON2_MEMORY_KIB": "8192",
               "FAMILLE_ARGON2_TIME_COST": "1", "FAMILLE_CLOCK": "2025-11-24T09:00:00+01:00"}
        famille("migrate", env=env)
        famille("demo", env=env)  # enrols the children for the clock's school year, 2025-2026
        with running_portal(env) as base:
            _, body = _login(base, "ztest", "Portail2026")
            _, _, me = call("GET", f"{base}/api/v1/me", token=body["token"])
            child = next(c["id"] for c in me["children"] if c["prenom"] == "COMMUNE")
            status, _, planning = call("GET", f"{base}/api/v1/children/{child}/planning", token=body["token"])
            assert status == 200, planning
            assert planning["month"] == "2025-11"  # the clock's month, not the machine's
            assert {row["service"] for row in planning["rows"]} >= {"RESTAURATION", "GARDERIE MATIN"}


def test_a_billing_job_a_stopped_sqlite_portal_left_running_is_failed_when_the_portal_starts_again(
    tmp_path: Path,
) -> None:
    from famille.bootstrap import build
    from famille.config import Settings
    from famille.kernel.billing.jobs import ABANDONED, BillingJob, JobState

    with fresh_database("sqlite", tmp_path) as url:
        env = {"FAMILLE_DATABASE_URL": url, "FAMILLE_ARGON2_MEMORY_KIB": "8192", "FAMILLE_ARGON2_TIME_COST": "1",
               "FAMILLE_SECRET_KEY_FILE": str(tmp_path / "secret_key")}
        famille("demo", env=env)
        wiring = build(Settings.from_environ(env))
        try:
            with wiring.uow() as uow:  # the portal was running this job when it stopped
                agent = uow.accounts.by_login("agent")
                assert agent is not None
                uow.billing_jobs.add(BillingJob(id="interrompue", organisation_code=agent.organisation_code,
                                                month="2026-11", requested_by=agent.id,
                                                requested_at=wiring.portal.clock.now(), state=JobState.RUNNING))
                uow.commit()
        finally:
            wiring.engine.dispose()
        with running_portal(env) as base:
            _, body = _login(base, "agent", "Agent2026x")
            status, _, job = call("GET", f"{base}/api/v1/agent/billing/jobs/interrompue", token=body["token"])
            assert status == 200 and job["state"] == "failed" and job["errors"] == [ABANDONED], job
