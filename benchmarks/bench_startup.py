"""Start-up benchmark (QUALITY.md): seconds from starting ``v3 serve`` until ``/health`` answers 200.

Prepares an existing, migrated SQLite database (``v3 users create``, so the first-user
check finds its user), then starts ``v3 serve`` ``--runs`` times on a free port and
times each start until ``GET /health`` answers 200, then stops the server (SIGTERM) and
times its shutdown too. Prints each run, the median and the machine's load average
(the machine is shared: compare figures measured side by side).

    uv run python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

BAR_SECONDS = 2.0
"""QUALITY.md: ``v3 serve`` answers ``/health`` < 2 s after start on an existing database."""


def v3_command() -> list[str]:
    """The ``v3`` console script of this environment."""
    script = Path(sys.executable).with_name("v3")
    return [str(script)] if script.exists() else [sys.executable, "-m", "entrypoints.cli"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (less sensitive to a shared machine's
    load than wall time)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def seconds_until_healthy(
    server: subprocess.Popen[bytes], base: str, start: float, timeout: float = 60.0
) -> float:
    """Seconds from ``start`` (``time.monotonic()``) until ``/health`` answers 200 (probing every 10 ms)."""
    while time.monotonic() - start < timeout:
        if server.poll() is not None:
            raise SystemExit(f"v3 serve exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.01)
    raise SystemExit("v3 serve did not answer /health")


def one_start(env: dict[str, str]) -> tuple[float, float, float]:
    """Start ``v3 serve``; seconds to the first 200 from ``/health``, the server's CPU seconds
    until then, and seconds to exit after SIGTERM."""
    port = free_port()
    started = time.monotonic()
    server = subprocess.Popen(
        [*v3_command(), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        healthy = seconds_until_healthy(server, f"http://127.0.0.1:{port}", started)
        cpu = cpu_seconds(server.pid)
    finally:
        stopping = time.monotonic()
        server.terminate()
        server.wait(timeout=30)
    return healthy, cpu, time.monotonic() - stopping


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="v3-bench-startup-") as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/v3.db", "DATA_DIR": tmp}
        subprocess.run(
            [*v3_command(), "users", "create", "bench@localhost"], env=env, capture_output=True, check=True
        )
        load = os.getloadavg()[0]
        runs = [one_start(env) for _ in range(args.runs)]
    starts = [healthy for healthy, _, _ in runs]
    median = statistics.median(starts)
    print("| run | /health 200 after (s) | server CPU until then (s) | exit after SIGTERM (s) |")
    print("| --- | ---: | ---: | ---: |")
    for number, (healthy, cpu, stopped) in enumerate(runs, 1):
        print(f"| {number} | {healthy:.2f} | {cpu:.2f} | {stopped:.2f} |")
    verdict = "met" if median < BAR_SECONDS else "not met"
    print(
        f"\nmedian {median:.2f} s (min {min(starts):.2f}, max {max(starts):.2f}) over {args.runs} runs; "
        f"median server CPU {statistics.median(cpu for _, cpu, _ in runs):.2f} s; "
        f"bar < {BAR_SECONDS:.0f} s: {verdict}; load average at the start {load:.2f}"
    )


if __name__ == "__main__":
    main()
