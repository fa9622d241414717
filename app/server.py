"""Serving the WSGI application with gunicorn (never wsgiref)."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn with its options given in code; each worker builds its own app after the fork."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from famille.bootstrap import create_wsgi_app

        return create_wsgi_app()


def serve(*, host: str = "127.0.0.1", port: int = 8000, workers: int = 2, threads: int = 1) -> None:
    """Serve the portal until stopped (Ctrl-C)."""
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "accesslog": "-",
            "errorlog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
            "proc_name": "famille",
        }
    ).run()
