"""Job events (QUALITY.md: a change reaches an SSE listener < 50 ms after its commit, p99; 500 idle
streams cost < 1 % CPU): real ``v3 serve`` processes, a real SSE client.

Latency: a job in review is edited ``--edits`` times (``PUT /scenes/1``, one at a time) while
an SSE stream of the job is open; each edit's event carries the server's ``createdAt`` (taken
before the commit), so arrival time minus ``createdAt`` bounds the commit-to-client latency
(same machine, same clock). SQLite: one process. PostgreSQL: the stream is on process A and
the edits go through process B, so every event crosses processes through LISTEN/NOTIFY.

Idle streams: ``--streams`` SSE streams of one job are opened on the SQLite server, then its
CPU time (``/proc/PID/stat``) is read over ``--idle`` seconds with nothing happening.

    uv run python benchmarks/bench_events.py [--edits 200] [--streams 500] [--idle 30]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import msgspec
import psycopg
from bench_assets import cpu_seconds, v3_command, wait_until_up
from bench_http import free_port

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
BRIEF = {
    "adBasics": {
        "product": "Trail shoe",
        "targetAudience": "Runners",
        "keyMessage": "Grip",
        "callToAction": "Buy",
    },
    "creative": {"direction": {"style": "energetic"}, "videoSpecs": {"duration": 10}},
}


@contextlib.contextmanager
def serving(env: dict[str, str], count: int = 1) -> Iterator[list[tuple[str, int]]]:
    """``count`` ``v3 serve`` processes on ``env``'s database: (base URL, pid) each."""
    servers = []
    try:
        for _ in range(count):
            port = free_port()
            process = subprocess.Popen(
                [*v3_command(), "serve", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.append((process, f"http://127.0.0.1:{port}"))
            wait_until_up(servers[-1][1])
        yield [(base, process.pid) for process, base in servers]
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(30)


def new_key(env: dict[str, str]) -> str:
    made = subprocess.run(
        [*v3_command(), "users", "create", f"bench-{secrets.token_hex(4)}@localhost"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip().splitlines()[-1]


async def ready_job(api: httpx.AsyncClient) -> str:
    client = (await api.post("/api/v3/clients", json={"name": "Bench"})).json()["data"]
    body = {"context": {"clientId": client["id"]}, **BRIEF}
    job = (await api.post("/api/v3/jobs", json=body, headers={"Prefer": "wait=30"})).json()["data"]
    if job["status"] != "storyboard_ready":
        raise SystemExit(f"job not ready: {job['status']}")
    return str(job["id"])


async def latencies(listen: str, edit: str, key: str, edits: int) -> list[float]:
    """Milliseconds from each edit's event ``createdAt`` to its arrival on a stream on ``listen``."""
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx.AsyncClient(base_url=edit, headers=headers, timeout=60) as api,
        httpx.AsyncClient(base_url=listen, headers=headers, timeout=None) as sse,
    ):
        job_id = await ready_job(api)
        arrived: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()

        async def read() -> None:
            async with sse.stream("GET", f"/api/v3/jobs/{job_id}/events") as stream:
                async for line in stream.aiter_lines():
                    if line.startswith("data: "):
                        arrived.put_nowait((time.time(), msgspec.json.decode(line[6:])))

        reader = asyncio.create_task(read())
        while (await arrived.get())[1]["type"] != "job.storyboard_ready":
            pass
        result = []
        for n in range(edits):
            await api.put(f"/api/v3/jobs/{job_id}/scenes/1", json={"script": f"take {n}"})
            when, event = await asyncio.wait_for(arrived.get(), 10)
            created = datetime.fromisoformat(event["createdAt"]).timestamp()
            result.append((when - created) * 1000)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        return result


async def idle_cpu(base: str, pid: int, key: str, streams: int, seconds: float) -> float:
    """The server's CPU % while ``streams`` SSE streams of one job stay open and idle."""
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=streams + 10, max_keepalive_connections=streams + 10)
    async with (
        httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as api,
        httpx.AsyncClient(base_url=base, headers=headers, timeout=None, limits=limits) as sse,
    ):
        job_id = await ready_job(api)
        opened = asyncio.Semaphore(0)

        async def hold() -> None:
            async with sse.stream("GET", f"/api/v3/jobs/{job_id}/events") as stream:
                opened.release()
                async for _ in stream.aiter_bytes():
                    pass

        tasks = [asyncio.create_task(hold()) for _ in range(streams)]
        for _ in range(streams):
            await opened.acquire()
        await asyncio.sleep(2)  # every stream has read the log and waits
        before, started = cpu_seconds(pid), time.monotonic()
        await asyncio.sleep(seconds)
        used, wall = cpu_seconds(pid) - before, time.monotonic() - started
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return 100 * used / wall


def row(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"| {name} | {len(values)} | {statistics.median(values):.1f} | {p99:.1f} | {max(values):.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--idle", type=float, default=30.0)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="v3-events-") as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/v3.db", "DATA_DIR": tmp}
        subprocess.run([*v3_command(), "db", "upgrade"], env=env, check=True, capture_output=True)
        key = new_key(env)
        with serving(env) as [(base, pid)]:
            rows.append(row("SQLite, one process", asyncio.run(latencies(base, base, key, args.edits))))
            cpu = asyncio.run(idle_cpu(base, pid, key, args.streams, args.idle))
        name = f"v3bench_{secrets.token_hex(4)}"
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            pg = {**env, "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}"}
            subprocess.run([*v3_command(), "db", "upgrade"], env=pg, check=True, capture_output=True)
            key = new_key(pg)
            with serving(pg, 2) as [(a, _), (b, _)]:
                rows.append(
                    row("PostgreSQL, stream on A, edits via B", asyncio.run(latencies(a, b, key, args.edits)))
                )
        finally:
            with psycopg.connect(ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("| commit → SSE client | events | median ms | p99 ms | max ms |")
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    print(f"\n{args.streams} idle SSE streams (SQLite server, {args.idle:g} s): server CPU {cpu:.2f} %")


if __name__ == "__main__":
    main()
