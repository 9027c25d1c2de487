"""``/health`` while a render runs (QUALITY.md: p99 < 50 ms): the real server, the real renderer.

Starts ``v3 serve`` on a fresh SQLite file, creates a 30 s 16:9 job over HTTP, approves it
and probes ``GET /health`` every 10 ms until the job is completed. Reports the probes'
median, p99 and maximum latency and the render's wall time, for ``--runs`` renders.

    uv run python benchmarks/bench_render_health.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time

import httpx
from bench_assets import HealthProbe, v3_command, wait_until_up
from bench_http import free_port

BRIEF = {
    "adBasics": {
        "product": "Trail shoe",
        "targetAudience": "Runners",
        "keyMessage": "Grip",
        "callToAction": "Buy",
    },
    "creative": {"direction": {"style": "energetic"}, "videoSpecs": {"duration": 30, "format": "16:9"}},
    "advanced": {"sceneCount": 5},
}


def render_once(api: httpx.Client, base: str, client_id: str) -> tuple[float, list[float]]:
    """Seconds from approval to completion, and the /health latencies meanwhile."""
    created = api.post(
        "/api/v3/jobs", json={"context": {"clientId": client_id}, **BRIEF}, headers={"Prefer": "wait=30"}
    )
    job = created.json()["data"]
    if job["status"] != "storyboard_ready":
        raise SystemExit(f"job not ready: {job['status']}")
    with HealthProbe(base) as probe:
        started = time.perf_counter()
        api.post(f"/api/v3/jobs/{job['id']}/actions", json={"action": "approve"})
        while (status := api.get(f"/api/v3/jobs/{job['id']}").json()["data"]["status"]) != "completed":
            if status == "failed":
                raise SystemExit("the render failed")
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    return elapsed, probe.latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="v3-render-health-") as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/v3.db", "DATA_DIR": tmp}
        made = subprocess.run(
            [*v3_command(), "users", "create", "bench@localhost"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        key = made.stdout.strip().splitlines()[-1]
        server = subprocess.Popen(
            [*v3_command(), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base)
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as api:
                client_id = api.post("/api/v3/clients", json={"name": "Bench"}).json()["data"]["id"]
                runs = [render_once(api, base, client_id) for _ in range(args.runs)]
        finally:
            server.terminate()
            server.wait(timeout=10)
    print("| render | wall (s) | /health probes | p50 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for number, (wall, latencies) in enumerate(runs, start=1):
        ms = sorted(1000 * x for x in latencies)
        p99 = statistics.quantiles(ms, n=100)[98]
        print(
            f"| {number} | {wall:.2f} | {len(ms)} | {statistics.median(ms):.1f} | {p99:.1f} | {ms[-1]:.1f} |"
        )
    print(f"\ncommand: uv run python benchmarks/bench_render_health.py --runs {args.runs}")


if __name__ == "__main__":
    main()
