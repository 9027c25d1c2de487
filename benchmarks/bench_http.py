"""HTTP benchmark (QUALITY.md): authenticated ``GET /api/v3/clients/{id}`` and ``/jobs/{id}`` vs a bare route.

Starts ``v3 serve`` on a fresh SQLite database (one user, one API key, one client), drives
it with ``wrk`` (installed with apt-get when missing: a Python load generator would
measure itself), and reports req/s, p50/p99 latency and the server's CPU time per request
(utime+stime of the server process from /proc, divided by the requests served).

    uv run python benchmarks/bench_http.py [--duration 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import attrs

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@attrs.frozen
class Result:
    """One wrk run and the server CPU it cost."""

    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_seconds: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.cpu_seconds / max(self.requests, 1)


def ensure_wrk() -> str:
    """The wrk binary, installed from Debian's packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not available and could not be installed")
    return found


def v3_command() -> list[str]:
    """The ``v3`` console script of this environment."""
    script = Path(sys.executable).with_name("v3")
    return [str(script)] if script.exists() else [sys.executable, "-m", "entrypoints.cli"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(base: str, timeout: float = 30.0) -> float:
    """Seconds until ``/health`` answers 200."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.05)
    raise SystemExit("server did not start")


def create_client(base: str, key: str) -> str:
    """POST a client; its id."""
    request = urllib.request.Request(
        f"{base}/api/v3/clients",
        data=json.dumps({"name": "Bench Co", "brandGuidelines": {"colors": ["#000"]}}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return str(json.load(response)["data"]["id"])


def create_job(base: str, key: str, client_id: str) -> str:
    """POST a job with a five-scene storyboard (waiting for planning); its id."""
    body = {
        "context": {"clientId": client_id},
        "adBasics": {"product": "P", "targetAudience": "A", "keyMessage": "M", "callToAction": "C"},
        "creative": {"direction": {"style": "S"}},
        "advanced": {"sceneCount": 5},
    }
    request = urllib.request.Request(
        f"{base}/api/v3/jobs",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Prefer": "wait=30"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        data = json.load(response)["data"]
    if len(data["scenes"]) != 5:
        raise SystemExit(f"expected a 5-scene storyboard, got {data['status']} with {len(data['scenes'])}")
    return str(data["id"])


def _ms(text: str) -> float:
    """wrk's latency text (``812.00us``, ``3.52ms``, ``1.20s``, ``1.00m``) in milliseconds."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if found is None:
        raise SystemExit(f"cannot read wrk latency {text!r}")
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[found.group(2)]


def run_wrk(wrk: str, name: str, url: str, pid: int, args: argparse.Namespace, headers: list[str]) -> Result:
    """One measured wrk run."""
    command = [wrk, "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--latency", url]
    for header in headers:
        command += ["-H", header]
    before = cpu_seconds(pid)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    used = cpu_seconds(pid) - before
    total = re.search(r"(\d+) requests in ([\d.]+)(s|m)", output)
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE)
    if not (total and p50 and p99) or "Non-2xx" in output:
        raise SystemExit(f"unexpected wrk output for {name}:\n{output}")
    seconds = float(total.group(2)) * (60 if total.group(3) == "m" else 1)
    return Result(name, int(total.group(1)), seconds, _ms(p50.group(1)), _ms(p99.group(1)), used)


def table(results: list[Result], bare: Result, connections: int) -> str:
    """The markdown report."""
    lines = [
        f"| route ({connections} connections, SQLite, 1 process) | req/s | p50 ms | p99 ms "
        "| server CPU ms/request | throughput vs bare |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
            f"| {r.cpu_ms_per_request:.3f} | {100 * r.rps / bare.rps:.0f}% |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=0, help="0 = any free port")
    args = parser.parse_args()
    wrk = ensure_wrk()
    args.port = args.port or free_port()
    with tempfile.TemporaryDirectory(prefix="v3-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/v3.db",
            "DATA_DIR": tmp,
            "ENABLE_BENCH_ROUTE": "true",
        }
        created = subprocess.run(
            [*v3_command(), "users", "create", "bench@localhost"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        key = created.stdout.strip().splitlines()[-1]
        server = subprocess.Popen(
            [*v3_command(), "serve", "--port", str(args.port)], env=env, stdout=subprocess.DEVNULL
        )
        try:
            base = f"http://127.0.0.1:{args.port}"
            startup = wait_until_up(base)
            client_id = create_client(base, key)
            job_id = create_job(base, key, client_id)
            auth = [f"Authorization: Bearer {key}"]
            targets = [
                ("GET /bench/hello (bare)", f"{base}/bench/hello", []),
                ("GET /api/v3/clients/{id} (API key)", f"{base}/api/v3/clients/{client_id}", auth),
                ("GET /api/v3/jobs/{id} (5 scenes, API key)", f"{base}/api/v3/jobs/{job_id}", auth),
            ]
            warm = argparse.Namespace(connections=args.connections, duration=2)
            for name, url, headers in targets:
                run_wrk(wrk, name, url, server.pid, warm, headers)
            results = [run_wrk(wrk, name, url, server.pid, args, headers) for name, url, headers in targets]
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"server answered /health {startup:.2f} s after start\n")
    print(table(results, results[0], args.connections))
    print(
        f"\ncommand: uv run python benchmarks/bench_http.py --duration {args.duration} "
        f"--connections {args.connections}"
    )


if __name__ == "__main__":
    main()
