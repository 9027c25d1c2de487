"""Failed-login burst (issue 9, item 8): 40 concurrent wrong passwords at ``POST /auth/login``.

Starts ``v3 serve`` on a fresh SQLite file with a user that has a password, then sends 40
failed logins at once (40 threads, one account each, one client address) while probing
``GET /health`` every 10 ms. Reports the answers by status, the wall time, the server's peak
RSS growth (from ``/proc``) and the probes' p99. Before the change every answer was a 401
after an argon2 hash each (64 MiB, unbounded concurrency).

    uv run python benchmarks/bench_logins.py [--runs 3]
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from bench_assets import HealthProbe, v3_command, wait_until_up
from bench_http import free_port
from bench_thumbnails import PeakRss


def burst(base: str, run: int) -> tuple[collections.Counter[int], float]:
    def guess(i: int) -> int:
        body = {"email": f"nobody-{run}-{i}@example.test", "password": f"guess {i}"}
        return httpx.post(f"{base}/api/v3/auth/login", json=body, timeout=120).status_code

    start = time.perf_counter()
    with ThreadPoolExecutor(40) as pool:
        statuses = collections.Counter(pool.map(guess, range(40)))
    return statuses, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="v3-bench-logins-") as tmp:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/v3.db", "DATA_DIR": tmp}
        subprocess.run(
            [*v3_command(), "users", "create", "u@localhost", "--password", "x" * 12], env=env, check=True
        )
        server = subprocess.Popen(
            [*v3_command(), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base)
            for run in range(args.runs):
                time.sleep(61 if run else 0)  # a fresh per-address window for every run
                with HealthProbe(base) as probe, PeakRss(server.pid) as rss:
                    statuses, seconds = burst(base, run)
                answers = ", ".join(f"{n} x {s}" for s, n in sorted(statuses.items()))
                rows.append((answers, f"{seconds:.2f} s", f"{rss.growth_mb:.1f} MB", probe.p99))
        finally:
            server.terminate()
            server.wait(timeout=10)
    print("| 40 concurrent failed logins: answers | wall | server peak RSS growth | /health p99 |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
