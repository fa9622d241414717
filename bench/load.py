"""A small closed-loop HTTP load generator (threads with keep-alive connections) for the benchmarks.

It runs on the same 2 cores as the server, so absolute figures are low; compare
each figure with the baseline measured in the same run.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import attrs


@attrs.frozen
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: tuple[float, ...]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def line(self) -> str:
        return (f"{self.name:<44} {self.per_second:9.1f} req/s   p50 {self.percentile(50):7.1f} ms   "
                f"p99 {self.percentile(99):7.1f} ms   erreurs {self.errors}")


Request = Callable[[int], tuple[str, str, Any, dict[str, str]]]


class KeepAlive:
    """One client's HTTP/1.1 connection, kept open between its requests as a browser keeps it."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def send(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
             ) -> tuple[int, bytes]:
        """(status, raw answer) of one attempt; on a network error the connection is closed (the next
        request opens it again) and the error raised."""
        data = None if body is None else json.dumps(body)
        try:
            self._connection.request(method, path, body=data,
                                     headers={"Content-Type": "application/json", **(headers or {})})
            answer = self._connection.getresponse()
            raw = answer.read()
        except (OSError, http.client.HTTPException):
            self._connection.close()
            raise
        if answer.getheader("Connection", "").lower() == "close":
            self._connection.close()
        return answer.status, raw

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None) -> tuple[int, Any]:
        """(status, decoded JSON answer), asked again once if the server had closed the connection."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            status, raw = self.send(method, path, body, headers)
        except (OSError, http.client.HTTPException):
            status, raw = self.send(method, path, body, headers)
        return status, (json.loads(raw) if raw else None)

    def close(self) -> None:
        self._connection.close()


def run(name: str, base: str, make_request: Request, *, threads: int = 8, seconds: float = 5.0,
        ok: tuple[int, ...] = (200, 201)) -> Result:
    """Fire requests from `threads` threads for `seconds`; `make_request(i)` gives (method, path, body, headers)."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = 0
    count = 0
    lock = threading.Lock()

    def worker(index: int) -> None:
        nonlocal errors, count
        client = KeepAlive(base)
        mine: list[float] = []
        my_errors = 0
        i = index
        while time.monotonic() < stop:
            method, path, body, headers = make_request(i)
            i += threads
            started = time.perf_counter()
            try:
                status, _ = client.send(method, path, body, headers)
                if status not in ok:
                    my_errors += 1
            except (OSError, http.client.HTTPException):
                my_errors += 1
            mine.append((time.perf_counter() - started) * 1000)
        client.close()
        with lock:
            latencies.extend(mine)
            errors += my_errors
            count += len(mine)

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return Result(name, count, errors, time.monotonic() - started, tuple(latencies))


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
