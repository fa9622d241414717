"""`/api/v1/health` and `/openapi.json`: public, no data of anyone."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import falcon

from famille.adapters.http.auth import PUBLIC


class HealthResource:
    """Answers while the process serves requests (for load balancers and supervisors)."""

    auth = PUBLIC

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """`{"status": "ok"}`."""
        resp.media = {"status": "ok"}


class OpenApiResource:
    """The OpenAPI document of this API, as JSON.

    `fill`, when given, completes the document at each request with what the rule files in force
    declare (the enum of the absence reasons), so that a reload of the rules shows at once.
    """

    auth = PUBLIC

    def __init__(self, document: dict[str, Any],
                 fill: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> None:
        self._document = document
        self._fill = fill

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The document."""
        document = self._fill(copy.deepcopy(self._document)) if self._fill else self._document
        resp.content_type = falcon.MEDIA_JSON
        resp.text = json.dumps(document, ensure_ascii=False)
        resp.set_header("Cache-Control", "public, max-age=300")
