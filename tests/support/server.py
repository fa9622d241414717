"""A real portal served by gunicorn in a child process (`famille serve`), for end-to-end tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def famille(*args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the `famille` command (as `python -m famille`) and fail loudly if it fails."""
    done = subprocess.run([sys.executable, "-m", "famille", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"famille {' '.join(args)} a échoué :\n{done.stdout}\n{done.stderr}")
    return done


@contextmanager
def running_portal(env: Mapping[str, str], *, workers: int = 1, threads: int = 1,
                   port: int | None = None) -> Iterator[str]:
    """Serve the portal with gunicorn on `port` (a free one if None), `workers` processes of `threads` threads;
    yield its base URL; stop it afterwards."""
    port = port or free_port()
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server.
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed in finally)
    process = subprocess.Popen(
        [sys.executable, "-m", "famille", "serve", "--port", str(port), "--workers", str(workers),
         "--threads", str(threads)],
        env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise AssertionError(f"le serveur n'a pas démarré :\n{log.read()}")
            time.sleep(0.1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@contextmanager
def running_worker(env: Mapping[str, str]) -> Iterator[subprocess.Popen[str]]:
    """Run `famille worker` (PostgreSQL) in a child process of its own group; stop it afterwards
    (unless the test killed it)."""
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed in finally)
    process = subprocess.Popen([sys.executable, "-m", "famille", "worker"], env={**os.environ, **env},
                               stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def call(method: str, url: str, body: Any = None, *, token: str | None = None,
         headers: Mapping[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    """One HTTP request with urllib: (status, headers, decoded JSON body or text)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, message, raw = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        status, message, raw = error.code, error.headers, error.read()
    head = {name.title(): value for name, value in message.items()}
    text = raw.decode("utf-8")
    kind = head.get("Content-Type", "")
    return status, head, (json.loads(text) if "json" in kind and text else text)
