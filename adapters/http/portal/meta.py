"""`/api/v1/health` and `/openapi.json`: public, no data of anyone."""

from __future__ import annotations

import json
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
    """The OpenAPI document of this API, as JSON."""

    auth = PUBLIC

    def __init__(self, document: dict[str, Any]) -> None:
        self._text = json.dumps(document, ensure_ascii=False)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The document."""
        resp.content_type = falcon.MEDIA_JSON
        resp.text = self._text
        resp.set_header("Cache-Control", "public, max-age=300")
