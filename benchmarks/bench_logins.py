"""Failed-login burst (issue 9, item 8): 40 concurrent wrong passwords at ``POST /auth/login``.

For each case starts ``v3 serve`` with a user that has a password, then sends 40 failed logins
at once (40 threads, one account each, one client address) while probing ``GET /health`` every
10 ms. Reports the answers by status, the wall time, the server's peak RSS growth (from
``/proc``) and the probes' p99. Cases: a fresh SQLite file (budgets in process memory, the
embedded default), and a fresh PostgreSQL database (127.0.0.1:5432) with the budgets in the
database (its default) and with ``RATE_LIMIT_STORAGE_URL=memory://`` (the old default). Before
the throttle every answer was a 401 after an argon2 hash each (64 MiB, unbounded concurrency).

Then the throttle's own cost per login, in process, without the HTTP stack or argon2: the
median of ``--calls`` sequential successful logins' ``acquire`` + ``succeeded`` (what a correct
password pays) and of failed logins' ``acquire`` (what a wrong one pays), budgets in memory
and in the PostgreSQL database.

    uv run python benchmarks/bench_logins.py [--runs 1] [--calls 500]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import sqlalchemy as sa
from bench_assets import HealthProbe, v3_command, wait_until_up
from bench_http import free_port
from bench_thumbnails import PeakRss
from sqlalchemy.ext.asyncio import AsyncEngine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.scratch_db import scratch_postgres

from adapters.login_throttle import LimitsLoginThrottle
from adapters.sqlalchemy.engine import make_engine
from adapters.sqlalchemy.login_failures import PostgresLoginThrottle
from v3core.ports.security import LoginThrottle


def burst(base: str, run: int) -> tuple[collections.Counter[int], float]:
    def guess(i: int) -> int:
        body = {"email": f"nobody-{run}-{i}@example.test", "password": f"guess {i}"}
        return httpx.post(f"{base}/api/v3/auth/login", json=body, timeout=120).status_code

    start = time.perf_counter()
    with ThreadPoolExecutor(40) as pool:
        statuses = collections.Counter(pool.map(guess, range(40)))
    return statuses, time.perf_counter() - start


def bursts(label: str, env: dict[str, str], runs: int) -> list[tuple[str, ...]]:
    """``runs`` bursts at one ``v3 serve`` process started with ``env``."""
    rows = []
    env = {**os.environ, **env}
    subprocess.run(
        [*v3_command(), "users", "create", f"u-{secrets.token_hex(3)}@localhost", "--password", "x" * 12],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    command = [*v3_command(), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base)
        for run in range(runs):
            time.sleep(61 if run else 0)  # a fresh per-address window for every run
            with HealthProbe(base) as probe, PeakRss(server.pid) as rss:
                statuses, seconds = burst(base, run)
            answers = ", ".join(f"{n} x {s}" for s, n in sorted(statuses.items()))
            rows.append((label, answers, f"{seconds:.2f} s", f"{rss.growth_mb:.1f} MB", probe.p99))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return rows


async def throttle_cost(throttle: LoginThrottle, calls: int) -> tuple[float, float]:
    """Median µs of a successful login's ``acquire`` + ``succeeded`` and of a failed one's ``acquire``."""
    success, failure = [], []
    for n in range(calls):
        start = time.perf_counter()
        await throttle.acquire("someone@example.test", "127.0.0.1")
        await throttle.succeeded("someone@example.test", "127.0.0.1")
        success.append(time.perf_counter() - start)
        start = time.perf_counter()
        await throttle.acquire(f"nobody-{n}@example.test", f"10.0.{n // 250}.{n % 250}")
        failure.append(time.perf_counter() - start)
    return statistics.median(success) * 1e6, statistics.median(failure) * 1e6


async def select_one(engine: AsyncEngine, calls: int) -> float:
    """Median µs of a ``SELECT 1`` round trip: what the machine's load makes of any statement."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


async def costs(database_url: str, calls: int) -> list[tuple[str, ...]]:
    rows = []
    memory = LimitsLoginThrottle("1000000/minute", "1000000/minute")
    engine = make_engine(database_url)
    try:
        database = PostgresLoginThrottle(engine, "1000000/minute", "1000000/minute")
        for label, throttle in (("memory://", memory), ("database (PostgreSQL)", database)):
            await throttle_cost(throttle, 20)  # warm: imports, first connection
            success, failure = await throttle_cost(throttle, calls)
            rows.append((label, f"{success:.0f} µs", f"{failure:.0f} µs"))
        round_trip = await select_one(engine, calls)
        rows.append(("(`SELECT 1` on the same engine, for scale)", f"{round_trip:.0f} µs", ""))
    finally:
        await engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="bursts per case (61 s apart)")
    parser.add_argument("--calls", type=int, default=500, help="sequential logins for the throttle's cost")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="v3-bench-logins-") as tmp, scratch_postgres("v3logins") as pg:
        sqlite = {"DATABASE_URL": f"sqlite:///{tmp}/v3.db", "DATA_DIR": f"{tmp}/sqlite"}
        rows += bursts("SQLite, budgets in memory", sqlite, args.runs)
        postgres = {"DATABASE_URL": pg, "DATA_DIR": f"{tmp}/pg"}
        rows += bursts("PostgreSQL, budgets in the database", postgres, args.runs)
        rows += bursts(
            "PostgreSQL, `memory://`", {**postgres, "RATE_LIMIT_STORAGE_URL": "memory://"}, args.runs
        )
        cost_rows = asyncio.run(costs(pg, args.calls))
    print("| 40 concurrent failed logins | answers | wall | server peak RSS growth | /health p99 |")
    print("| --- | --- | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print(f"| throttle, {args.calls} sequential logins (median) | success: acquire + succeeded", end="")
    print(" | failure: acquire |")
    print("| --- | ---: | ---: |")
    for row in cost_rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
