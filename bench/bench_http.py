"""HTTP figures under gunicorn: logins per second and authenticated reads, beside a bare Falcon resource.

Run: `.venv/bin/python bench/bench_http.py [--workers 2] [--seconds 5] [--threads 8]`.
Prints requests per second and latencies; the bare Falcon JSON resource served by
the same gunicorn in the same run is the framework's limit on this machine.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import run  # noqa: E402
from tests.support.server import call, famille, free_port, running_portal  # noqa: E402


def _bare_falcon(workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """The bare Falcon resource served as `famille serve` serves the portal (the same gunicorn settings: worker
    class, access log written to a file as `running_portal` writes the portal's), so that the ratio measures
    the portal's own work, not a difference of server settings."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (the server's stdout; closed with the process)
    process = subprocess.Popen(
        [sys.executable, "-c", "from famille.server import serve; "
         f"serve(port={port}, workers={workers}, application='bench.bare_app:app')"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    return process, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    print(f"# gunicorn sync, {args.workers} workers, {args.threads} client threads, {args.seconds:.0f} s chacun, "
          f"{os.cpu_count()} cœurs (client et serveur sur la même machine)")

    bare, bare_base = _bare_falcon(args.workers)
    try:
        baseline = run("Falcon nu : GET / (référence)", bare_base, lambda i: ("GET", "/", None, {}),
                       threads=args.threads, seconds=args.seconds)
    finally:
        os.killpg(bare.pid, signal.SIGTERM)
        bare.wait()
    print(baseline.line())

    with tempfile.TemporaryDirectory() as folder:
        env = {"FAMILLE_DATABASE_URL": f"sqlite:///{folder}/bench.db", "FAMILLE_LOGIN_RATE": "1000000/minute",
               "FAMILLE_ACCOUNT_RATE": "1000000/minute"}
        famille("migrate", env=env)
        famille("demo", env=env)
        with running_portal(env, workers=args.workers) as base:
            _, _, body = call("POST", f"{base}/api/v1/session", {"login": "ztest", "password": "Portail2026"})
            bearer = {"Authorization": f"Bearer {body['token']}"}
            results = [
                run("famille : GET /api/v1/health", base, lambda i: ("GET", "/api/v1/health", None, {}),
                    threads=args.threads, seconds=args.seconds),
                run("famille : GET /api/v1/me (SQLite, authentifié)", base,
                    lambda i: ("GET", "/api/v1/me", None, bearer), threads=args.threads, seconds=args.seconds),
                run("famille : POST /api/v1/session (argon2id 19 Mio)", base,
                    lambda i: ("POST", "/api/v1/session", {"login": "ztest", "password": "Portail2026"}, {}),
                    threads=args.threads, seconds=args.seconds),
            ]
    for result in results:
        print(result.line() + f"   ({result.per_second / baseline.per_second:.1%} de la référence)")


if __name__ == "__main__":
    main()
