"""Serving the WSGI application with gunicorn (never wsgiref)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn with its options given in code; the app is built once, before the fork (`preload_app`),
    and each worker does what `famille.bootstrap.preload_wsgi_app` says after it (`post_fork`)."""

    def __init__(self, options: dict[str, Any], application: str | None = None) -> None:
        self._options = options
        self._application = application
        self._in_worker: Callable[[int], None] = lambda threads: None
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)
        self.cfg.set("preload_app", True)
        self.cfg.set("post_fork", lambda _server, worker: self._in_worker(worker.cfg.threads))

    def load(self) -> Any:
        if self._application is not None:  # another WSGI application under the same server (benchmarks)
            from gunicorn.util import import_app

            return import_app(self._application)
        from famille.bootstrap import preload_wsgi_app

        app, self._in_worker = preload_wsgi_app()
        return app


def _without_server_banner() -> None:
    """gunicorn writes `Server: gunicorn` on every answer, with no setting to drop it: drop that line.

    Naming the server and its version only helps whoever looks for a known flaw.
    """
    from gunicorn.http import wsgi

    original = wsgi.Response.default_headers
    if getattr(original, "without_banner", False):
        return

    def default_headers(self: Any) -> list[str]:
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers.without_banner = True  # type: ignore[attr-defined]
    wsgi.Response.default_headers = default_headers


def serve(*, host: str = "127.0.0.1", port: int = 8000, workers: int = 2, threads: int = 1,
          application: str | None = None) -> None:
    """Serve the portal until stopped (Ctrl-C): `workers` processes of `threads` threads each.

    More than one thread: gunicorn's threaded worker, where a request waiting on the database
    (most of a PostgreSQL request's time) leaves its process free to serve another.
    `application` ("module:name"): serve that WSGI application instead, with the same settings (the
    benchmarks' bare baseline).
    """
    _without_server_banner()
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "accesslog": "-",
            "errorlog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
            "proc_name": "famille",
        },
        application,
    ).run()
