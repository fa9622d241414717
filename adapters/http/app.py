"""The Falcon application: routes, middleware and error handlers wired on a given `Portal`.

`create_app` only wires what it is given; the composition root
(`famille.bootstrap.create_wsgi_app`) decides what that is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import falcon
import falcon.media
import yaml

from famille.adapters.http import errors, schemas
from famille.adapters.http.accounts.password import (
    PasswordResetConfirmResource,
    PasswordResetResource,
    PasswordResource,
)
from famille.adapters.http.accounts.session import SessionResource
from famille.adapters.http.auth import AuthMiddleware
from famille.adapters.http.billing.online import add_online_payment_routes
from famille.adapters.http.billing.resources import add_billing_routes
from famille.adapters.http.billing.setup import add_billing_setup_routes
from famille.adapters.http.families.inbox import InboxReadResource, InboxResource
from famille.adapters.http.families.records import add_record_routes
from famille.adapters.http.hooks import BeforeRequest, SecurityHeaders
from famille.adapters.http.planning.calendar import add_calendar_routes
from famille.adapters.http.planning.resources import add_planning_routes
from famille.adapters.http.portal.back_office import add_back_office_routes
from famille.adapters.http.portal.home import HomeResource
from famille.adapters.http.portal.meta import HealthResource, OpenApiResource
from famille.adapters.http.portal.onboarding import add_onboarding_routes
from famille.adapters.http.throttle import Network, ThrottleMiddleware
from famille.adapters.http.views import json_text
from famille.kernel.planning.rules import absence_reasons
from famille.ports.http import Application

API = "/api/v1"


def load_openapi(absence_reasons: Sequence[str] | None = None) -> dict[str, Any]:
    """The OpenAPI document: the hand-kept prose of openapi.yaml, with the schemas of the record
    sections generated from their classes (`famille.adapters.http.schemas`) and, when given, the
    enum of the absence reasons (declared by the rule file `absence_reasons`, never here)."""
    text = resources.files("famille.adapters.http").joinpath("openapi.yaml").read_text("utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    if absence_reasons is not None:
        with_reasons(document, absence_reasons)
    return schemas.merged(document)


def with_reasons(document: dict[str, Any], absence_reasons: Sequence[str]) -> dict[str, Any]:
    """`document` with the enum of the absence reasons of `AbsenceRequest` set to `absence_reasons`."""
    request = document["components"]["schemas"]["AbsenceRequest"]["allOf"][1]
    request["properties"]["reason"]["enum"] = list(absence_reasons)
    return document


def _json_handlers() -> dict[str, falcon.media.BaseHandler]:
    handler = falcon.media.JSONHandler(dumps=json_text)
    return {falcon.MEDIA_JSON: handler, errors.PROBLEM_JSON: handler}


def create_app(
    portal: Application,
    *,
    rate_limit_storage: str = "memory://",
    login_rate: str = "30/minute",
    account_rate: str = "10/minute",
    trusted_proxies: Sequence[Network] = (),
    secure_cookies: bool = False,
    hsts: bool = False,
    on_request: Callable[[], object] | None = None,
) -> falcon.App[falcon.Request, falcon.Response]:
    """The WSGI application serving `portal` under `/api/v1` and its pages under `/`.

    Logins and reset requests (resources declaring `throttle`, API and pages alike)
    are limited to `login_rate` per client address and `account_rate` per login;
    `hsts` adds Strict-Transport-Security (the portal is served over https).
    """
    middleware: list[Any] = []
    if on_request is not None:
        middleware.append(BeforeRequest(on_request))
    middleware += [
        SecurityHeaders(hsts=hsts),
        ThrottleMiddleware(rate_limit_storage, login_rate, account_rate, trusted_proxies=trusted_proxies),
        AuthMiddleware(portal.callers),
    ]
    app = falcon.App(middleware=middleware)
    app.req_options.media_handlers.update(_json_handlers())
    app.resp_options.media_handlers.update(_json_handlers())
    errors.install(app)

    auth = portal.authentication
    app.add_route(f"{API}/session", SessionResource(auth, portal.clock, secure_cookies=secure_cookies))
    app.add_route(f"{API}/me", HomeResource(portal.home))
    app.add_route(f"{API}/password", PasswordResource(auth))
    app.add_route(f"{API}/password-reset", PasswordResetResource(auth))
    app.add_route(f"{API}/password-reset/confirm", PasswordResetConfirmResource(auth))
    app.add_route(f"{API}/inbox", InboxResource(portal.inbox))
    app.add_route(f"{API}/inbox/{{message_id}}/read", InboxReadResource(portal.inbox))
    app.add_route(f"{API}/health", HealthResource())
    add_record_routes(app, portal)  # records, requests and agents' decisions
    add_planning_routes(app, portal)  # planning, bookings, absences, attendance, headcounts
    add_calendar_routes(app, portal.calendars)  # private calendar feeds of the booked days
    add_onboarding_routes(app, portal.onboarding)  # agents create families and send activation links
    add_billing_routes(app, portal)  # invoices, statement, runs, payments, credit notes, SEPA
    add_billing_setup_routes(app, portal.billing_setup)  # shares, residence, mandates, SEPA creditor
    add_online_payment_routes(app, portal.payments)  # paying invoices online (PayFIP)
    add_back_office_routes(app, portal)  # agents: family list and search, family file, the day
    document = OpenApiResource(load_openapi(), lambda d: with_reasons(d, absence_reasons(portal.rules, None)))
    app.add_route("/openapi.json", document)

    from famille.adapters.web import add_pages  # the web portal's pages, under `/`

    add_pages(app, portal, secure_cookies=secure_cookies)
    return app
