"""Pages answer with strict security headers, no inline script or style, and never a stack trace."""

from __future__ import annotations

import re

import falcon.testing
import pytest

from tests.http.conftest import World
from tests.web.conftest import PageClient, text_of

PUBLIC_PAGES = ["/connexion", "/mot-de-passe-oublie", "/mot-de-passe/nouveau?jeton=abc"]
FAMILY_PAGES = ["/accueil", "/messages", "/messages/msg-a1", "/mot-de-passe", "/mon-compte", "/enfants",
                "/enfants/enf-a1", "/releve-de-compte", "/demandes"]


def _assert_page_headers(result: falcon.testing.Result) -> None:
    csp = result.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert result.headers["X-Content-Type-Options"] == "nosniff"
    assert result.headers["X-Frame-Options"] == "DENY"
    assert result.headers["Referrer-Policy"] in {"same-origin", "no-referrer"}
    assert result.headers["Cache-Control"] == "no-store"


def _assert_no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"<style\b", html), "inline <style>"
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_the_security_headers_and_no_inline_code(browser: PageClient, path: str) -> None:
    result = browser.get(path)

    _assert_page_headers(result)
    _assert_no_inline_code(result.text)


@pytest.mark.parametrize("path", FAMILY_PAGES)
def test_family_pages_carry_the_security_headers_and_no_inline_code(family: PageClient, path: str) -> None:
    result = family.get(path)

    assert result.status_code == 200, path
    _assert_page_headers(result)
    _assert_no_inline_code(result.text)


def test_the_reset_page_never_leaks_its_token_as_a_referer(browser: PageClient) -> None:
    assert browser.get("/mot-de-passe/nouveau?jeton=abc").headers["Referrer-Policy"] == "no-referrer"


def test_the_stylesheet_and_script_are_served_from_the_package(browser: PageClient) -> None:
    page = browser.get("/connexion")
    css = re.search(r'href="(/static/portail\.css)\?v=\w+"', page.text)
    js = re.search(r'src="(/static/portail\.js)\?v=\w+"', page.text)
    assert css and js

    stylesheet = browser.get(css.group(1))
    script = browser.get(js.group(1))

    assert stylesheet.status_code == 200 and stylesheet.headers["Content-Type"].startswith("text/css")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert stylesheet.headers["Cache-Control"].startswith("public")
    assert stylesheet.headers["X-Content-Type-Options"] == "nosniff"


def test_the_api_keeps_answering_problems_in_json(world: World) -> None:
    client = falcon.testing.TestClient(world.app())

    result = client.simulate_get("/api/v1/me")

    assert result.status_code == 401
    assert result.headers["Content-Type"] == "application/problem+json"
    assert "Content-Security-Policy" not in result.headers


def test_an_unknown_address_in_a_browser_is_a_french_page(browser: PageClient) -> None:
    result = browser.get("/nulle-part", headers={"Accept": "text/html,application/xhtml+xml"})

    assert result.status_code == 404
    assert "Page introuvable" in text_of(result)
    _assert_page_headers(result)


def test_an_unexpected_failure_is_a_french_page_without_details(
    world: World, family: PageClient, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(principal: object) -> None:
        raise RuntimeError("secret interne")

    world.portal.home.page = broken  # type: ignore[method-assign]

    result = family.get("/accueil")

    assert result.status_code == 500
    assert "Erreur interne" in text_of(result)
    assert "secret interne" not in result.text and "Traceback" not in result.text
    assert "secret interne" in caplog.text


def test_an_agent_is_refused_a_family_page_with_a_french_page(agent: PageClient) -> None:
    result = agent.get("/mon-compte")

    assert result.status_code == 403
    assert "Cette page est réservée aux familles." in text_of(result)


def test_an_https_portal_tells_browsers_to_keep_to_https_on_pages_and_api(world: World) -> None:
    from famille.config import Settings

    settings = Settings.from_environ({"FAMILLE_PORTAL_URL": "https://portail.example.fr"})
    client = falcon.testing.TestClient(world.app(hsts=settings.https))

    for result in (client.simulate_get("/connexion"), client.simulate_get("/api/v1/me"),
                   client.simulate_get("/static/portail.css")):
        assert result.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_plain_http_portal_sends_no_hsts(world: World) -> None:
    from famille.config import Settings

    assert not Settings.from_environ({"FAMILLE_PORTAL_URL": "http://127.0.0.1:8000"}).https
    result = falcon.testing.TestClient(world.app()).simulate_get("/connexion")

    assert "Strict-Transport-Security" not in result.headers
