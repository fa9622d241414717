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

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None) -> tuple[int, Any]:
        """(status, decoded JSON answer); the connection is opened again if the server closed it."""
        headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
        data = None if body is None else json.dumps(body)
        try:
            self._connection.request(method, path, body=data, headers=headers)
            answer = self._connection.getresponse()
        except (OSError, http.client.HTTPException):
            self._connection.close()  # reconnects at the next request
            self._connection.request(method, path, body=data, headers=headers)
            answer = self._connection.getresponse()
        raw = answer.read()
        if answer.getheader("Connection", "").lower() == "close":
            self._connection.close()
        return answer.status, (json.loads(raw) if raw else None)

    def close(self) -> None:
        self._connection.close()


def run(name: str, base: str, make_request: Request, *, threads: int = 8, seconds: float = 5.0,
        ok: tuple[int, ...] = (200, 201)) -> Result:
    """Fire requests from `threads` threads for `seconds`; `make_request(i)` gives (method, path, body, headers)."""
    parts = urlsplit(base)
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = 0
    count = 0
    lock = threading.Lock()

    def worker(index: int) -> None:
        nonlocal errors, count
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine: list[float] = []
        my_errors = 0
        i = index
        while time.monotonic() < stop:
            method, path, body, headers = make_request(i)
            i += threads
            data = None if body is None else json.dumps(body)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=data, headers={"Content-Type": "application/json",
                                                                     **headers})
                answer = connection.getresponse()
                answer.read()
                if answer.status not in ok:
                    my_errors += 1
                if answer.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                my_errors += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            mine.append((time.perf_counter() - started) * 1000)
        connection.close()
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
