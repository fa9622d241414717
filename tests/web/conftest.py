"""Pages on the fakes: a client that keeps its cookies like a browser and fills in the CSRF token."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

import falcon
import falcon.testing
import pytest

from tests.http.conftest import PASSWORD, World

FORM = "application/x-www-form-urlencoded"
_CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


class PageClient:
    """A browser-like client: keeps cookies, reads the CSRF token of the last page it saw."""

    def __init__(self, app: falcon.App) -> None:
        self.client = falcon.testing.TestClient(app)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def _keep(self, result: falcon.testing.Result) -> falcon.testing.Result:
        for name, cookie in result.cookies.items():
            if cookie.value and (cookie.max_age is None or cookie.max_age > 0):
                self.cookies[name] = cookie.value
            else:
                self.cookies.pop(name, None)
        found = _CSRF.search(result.text or "")
        if found:
            self.csrf = found.group(1)
        return result

    def get(self, path: str, **kwargs: Any) -> falcon.testing.Result:
        """GET `path` (a query string may be part of it)."""
        path, _, query = path.partition("?")
        return self._keep(self.client.simulate_get(path, query_string=query or None,
                                                   cookies=dict(self.cookies), **kwargs))

    def post(self, path: str, fields: dict[str, str] | None = None, *, csrf: str | None = None,
             **kwargs: Any) -> falcon.testing.Result:
        """POST a form to `path`, with the CSRF token of the last page unless `csrf` is given."""
        body = dict(fields or {})
        body.setdefault("csrf", self.csrf if csrf is None else csrf)
        return self._keep(self.client.simulate_post(
            path, body=urlencode(body), content_type=FORM, cookies=dict(self.cookies), **kwargs
        ))

    def login(self, login: str, password: str = PASSWORD) -> falcon.testing.Result:
        """Open the login page and log in."""
        self.get("/connexion")
        result = self.post("/connexion", {"login": login, "password": password})
        assert result.status_code == 303, result.text
        return result


def text_of(result: falcon.testing.Result) -> str:
    """The page's visible text, tags removed and entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", result.text, flags=re.S)
    # Only ASCII spaces collapse: the no-break spaces of French typography (« 0,00 € ») stay.
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def browser(world: World) -> PageClient:
    return PageClient(world.app())


@pytest.fixture
def family(browser: PageClient) -> PageClient:
    """A browser logged in as the family of Marie DUPONT (two new messages, two children)."""
    browser.login("marie.dupont")
    return browser


@pytest.fixture
def agent(browser: PageClient) -> PageClient:
    """A browser logged in as an agent of the Commune de Villeneuve."""
    browser.login("agent.villeneuve")
    return browser
