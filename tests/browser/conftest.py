"""Playwright driving Debian's Chromium against the real portal (gunicorn, SQLite, demo data).

The portal runs on a clock the walks set (`FAMILLE_CLOCK` = `CLOCK`), never on the machine's:
Monday 24 November 2025, the guide's school year, so December and the month billed are the same
on every run.

Needs: `apt-get install -y chromium` (/usr/bin/chromium), the `playwright` pip package
(its driver only: never `playwright install`), and `npm ci` for axe-core. Without
Chromium or Playwright the tests are skipped, saying why; without axe-core only
the accessibility checks are.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from famille.kernel.shared.time import PARIS
from famille.rules import default_rules_dir
from tests.integration.databases import fresh_database
from tests.support.server import famille, free_port, running_portal

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: The instant the portal's clock starts at in every walk (a Monday of the guide's school year).
CLOCK = datetime(2025, 11, 24, 9, 0, tzinfo=PARIS)

EXPECTED_STATUS_LOG = "Failed to load resource: the server responded with a status of 4"

#: The two sizes every walk runs at.
DEVICES: dict[str, dict[str, Any]] = {
    "bureau": {"viewport": {"width": 1280, "height": 800}},
    "telephone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                  "device_scale_factor": 2},
}

def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder is a browser test, and skipped with a reason when it cannot run."""
    reason = None
    if not CHROMIUM.exists():
        reason = "Chromium absent (/usr/bin/chromium) : apt-get install -y chromium"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Playwright absent : pip install -e '.[test]'"
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
            if reason and os.environ.get("FAMILLE_REQUIRE_BROWSER"):
                raise pytest.UsageError(f"FAMILLE_REQUIRE_BROWSER est défini mais {reason}")
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def port() -> int:
    """The port the portal will listen on, known before it starts (the e-mails' links name it)."""
    return free_port()


@pytest.fixture
def demo_env(tmp_path: Path, port: int) -> Iterator[dict[str, str]]:
    """A migrated SQLite database with the demo data; the portal's public address is its own."""
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    with fresh_database("sqlite", tmp_path) as url:
        env = {"FAMILLE_DATABASE_URL": url, "FAMILLE_RULES_DIR": str(rules),
               "FAMILLE_ARGON2_MEMORY_KIB": "8192", "FAMILLE_ARGON2_TIME_COST": "1",
               "FAMILLE_LOGIN_RATE": "1000/minute", "FAMILLE_ACCOUNT_RATE": "1000/minute", "FAMILLE_CLOCK": CLOCK.isoformat(),
               "FAMILLE_PORTAL_URL": f"http://127.0.0.1:{port}"}
        famille("migrate", env=env)
        famille("demo", env=env)
        yield env


@pytest.fixture
def portal(demo_env: dict[str, str], port: int) -> Iterator[str]:
    """The base address of a running portal on the demo data."""
    with running_portal(demo_env, port=port) as base:
        yield base


@pytest.fixture(params=sorted(DEVICES))
def device(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Visit:
    """One browser context at one size: pages, screenshots, accessibility checks, console errors."""

    def __init__(self, context: Any, device: str) -> None:
        self.context = context
        self.device = device
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _console(self, message: Any) -> None:
        # A refused form answers 401/422/423 on purpose; Chromium logs each such answer.
        if message.type == "error" and not message.text.startswith(EXPECTED_STATUS_LOG):
            self.errors.append(message.text)

    def check(self, name: str) -> None:
        """Screenshot the page (`artifacts/screenshots/<device>-<name>.png`) and assert axe finds
        nothing serious or critical on it."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.device}-{name}.png"),
                             full_page=True)
        if not AXE.exists():
            return
        violations = self.page.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ['violations']});
                return result.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
            }"""
        )
        assert violations == [], f"axe sur « {name} » ({self.device}) :\n" + "\n".join(violations)


@pytest.fixture
def visit(chromium: Any, device: str) -> Iterator[Visit]:
    """A fresh browser context (no cookies) at the `device` size, French and in Paris."""
    context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris", **DEVICES[device])
    if AXE.exists():
        # An init script, not add_script_tag: the portal's CSP refuses inline scripts, and must stay on.
        context.add_init_script(path=str(AXE))
    context.set_default_timeout(15_000)
    visit = Visit(context, device)
    yield visit
    context.close()
    assert visit.errors == [], f"erreurs dans la console du navigateur : {visit.errors}"
