"""Job fan-out benchmark (QUALITY.md): 100 jobs created at once against an AI answering in 1 s.

Starts ``v3 serve`` on a fresh SQLite database with ``AI_PROVIDER=openai`` pointed at the
fake provider of the test suite (``tests/integration/ai/fake_provider.py``, on 127.0.0.1,
every chat completion answered after ``--delay`` seconds), creates ``--jobs`` jobs
concurrently over HTTP (httpx, at most ``--connections`` connections), polls until every
one is ``storyboard_ready`` and reports the wall time from the first POST, the median of
``--runs`` runs, as a markdown table. Bar: all ready in < 5 s.

    uv run python benchmarks/bench_fanout.py [--jobs 100] [--delay 1] [--runs 3] [--worker-concurrency N]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import attrs
import httpx

from entrypoints.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.ai.fake_provider import OPENAI_PATH, FakeProvider, openai_completion  # noqa: E402

BAR_SECONDS = 5.0
KEY_BANNER = "Its API key (shown once):"


@attrs.frozen
class Run:
    """One fan-out: when the POSTs were all answered and when the last job was ready."""

    created_s: float
    ready_s: float
    failed: int
    server_cpu_s: float


def storyboard_reply(delay: float) -> Any:
    scenes = [
        {"duration": 7.5, "description": f"Scene {n}", "script": f"Line {n}", "shotType": "wide"}
        for n in range(1, 5)
    ]
    return dataclasses.replace(openai_completion(json.dumps({"scenes": scenes})), delay=delay)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """``v3 serve`` on a free port; collects its output and yields the first API key."""

    def __init__(self, workdir: Path, env: dict[str, str], port: int) -> None:
        self.port = port
        self.lines: list[str] = []
        script = Path(sys.executable).with_name("v3")
        self.process = subprocess.Popen(
            [str(script), "serve", "--port", str(port)],
            cwd=workdir,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_ready(self, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("v3 serve exited:\n" + "\n".join(self.lines))
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code == 200:
                    return next(
                        self.lines[i + 1] for i, line in enumerate(self.lines) if line.endswith(KEY_BANNER)
                    )
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise SystemExit("v3 serve did not start:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def brief(client_id: str, n: int) -> dict[str, Any]:
    return {
        "context": {"clientId": client_id},
        "adBasics": {
            "product": f"Smart Watch {n}",
            "targetAudience": "Tech enthusiasts",
            "keyMessage": "Stay connected",
            "callToAction": "Buy Now",
        },
        "creative": {"direction": {"style": "Modern and sleek"}},
    }


async def fan_out(base: str, headers: dict[str, str], jobs: int, connections: int, pid: int) -> Run:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(
        base_url=f"{base}/api/v3", headers=headers, limits=limits, timeout=30
    ) as http:
        client = (await http.post("/clients", json={"name": "Fan-out"})).json()["data"]["id"]
        cpu0 = cpu_seconds(pid)
        start = time.monotonic()
        responses = await asyncio.gather(*(http.post("/jobs", json=brief(client, n)) for n in range(jobs)))
        created = time.monotonic() - start
        assert all(r.status_code == 202 for r in responses), [
            r.text for r in responses if r.status_code != 202
        ]
        while True:
            ready = await _count(http, client, "storyboard_ready")
            failed = await _count(http, client, "failed")
            if ready + failed >= jobs:
                return Run(created, time.monotonic() - start, failed, cpu_seconds(pid) - cpu0)
            if time.monotonic() - start > 120:
                raise SystemExit(f"only {ready} of {jobs} jobs ready after 120 s")
            await asyncio.sleep(0.05)


async def _count(http: httpx.AsyncClient, client_id: str, status: str) -> int:
    response = await http.get("/jobs", params={"clientId": client_id, "status": status, "limit": 1})
    total: int = response.json()["meta"]["total"]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--delay", type=float, default=1.0, help="seconds the fake AI takes per answer")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--worker-concurrency", type=int, default=None, help="WORKER_CONCURRENCY (default: the app's)"
    )
    args = parser.parse_args()

    fake = FakeProvider().start()
    fake.script(OPENAI_PATH, storyboard_reply(args.delay))
    workdir = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'v3.db'}",
        "DATA_DIR": str(workdir / "data"),
        "BLOB_STORAGE_PATH": str(workdir / "data" / "blobs"),
        "AI_PROVIDER": "openai",
        "AI_BASE_URL": f"{fake.base_url}/v1",
        "AI_API_KEY": "bench",
        "AI_MAX_RETRIES": "0",
    }
    if args.worker_concurrency is not None:
        env["WORKER_CONCURRENCY"] = str(args.worker_concurrency)
    server = Server(workdir, env, free_port())
    try:
        key = server.wait_ready()
        headers = {"Authorization": f"Bearer {key}"}
        runs = [
            asyncio.run(
                fan_out(
                    f"http://127.0.0.1:{server.port}",
                    headers,
                    args.jobs,
                    args.connections,
                    server.process.pid,
                )
            )
            for _ in range(args.runs)
        ]
    finally:
        server.stop()
        fake.stop()
    report(
        args,
        runs,
        env.get("WORKER_CONCURRENCY", f"default ({default_concurrency()})"),
        len(fake.requests_to(OPENAI_PATH)),
    )


def default_concurrency() -> int:
    """The app's ``WORKER_CONCURRENCY`` default."""
    return Settings.model_fields["worker_concurrency"].default  # type: ignore[no-any-return]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def report(args: argparse.Namespace, runs: list[Run], concurrency: str, ai_calls: int) -> None:
    """The runs and their median as a markdown table."""
    print(
        f"\n{args.jobs} jobs, fake AI answering in {args.delay:g} s, {args.connections} HTTP connections, "
        f"WORKER_CONCURRENCY={concurrency}, {ai_calls} AI calls in all, SQLite\n"
    )
    print("| run | all POSTs answered (s) | all storyboard_ready (s) | failed | server CPU (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for n, run in enumerate(runs, 1):
        print(f"| {n} | {run.created_s:.2f} | {run.ready_s:.2f} | {run.failed} | {run.server_cpu_s:.2f} |")
    median = statistics.median(r.ready_s for r in runs)
    verdict = "meets" if median < BAR_SECONDS and not any(r.failed for r in runs) else "MISSES"
    print(
        f"| median | {statistics.median(r.created_s for r in runs):.2f} | **{median:.2f}** | | "
        f"{statistics.median(r.server_cpu_s for r in runs):.2f} |"
    )
    print(f"\n{verdict} the bar (< {BAR_SECONDS:g} s wall)")


if __name__ == "__main__":
    main()
