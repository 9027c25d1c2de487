"""Asset streaming benchmark (QUALITY.md): memory of imports/uploads and speed of ``/data``.

Starts ``v3 serve`` on a fresh SQLite database, once per blob store (filesystem and
database), with a plain ``http.server`` subprocess as the remote source, and measures:

- URL import of a 100 MB file and multipart upload of another 100 MB file: wall time
  and the server's peak RSS growth (bar: < 32 MB for the filesystem store);
- ``GET /assets/{id}/data`` of a 50 MB blob: the server's RSS growth (bar: < 16 MB) and
  throughput, against reading the same blob from the same store directly in-process
  (bar: >= 50 %). Medians of ``--runs`` runs.

Peak RSS comes from ``VmHWM`` (reset through ``/proc/PID/clear_refs`` before each step)
and from sampling ``VmRSS`` every 5 ms; the larger is reported.

    uv run python benchmarks/bench_assets.py [--runs 3] [--stores filesystem,database]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import httpx

from adapters.blobs.database import DatabaseBlobStore
from adapters.blobs.filesystem import FilesystemBlobStore
from adapters.sqlalchemy import make_engine
from v3core.ports.blobs import BlobStore

MB = 1024 * 1024


CEILING_CHUNK = b"\0" * MB


async def ceiling_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A bare ASGI app streaming 50 preallocated 1 MiB chunks: the server stack's ceiling."""
    if scope["type"] != "http":
        return
    length = str(50 * MB).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", length)]})
    for i in range(50):
        await send({"type": "http.response.body", "body": CEILING_CHUNK, "more_body": i < 49})


def measure_ceiling(port: int, runs: int) -> tuple[str, ...]:
    """Throughput of ``ceiling_app`` under uvicorn (uvloop + httptools, like ``v3 serve``)."""
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(Path(__file__).parent),
        "bench_assets:ceiling_app",
    ]
    server = subprocess.Popen([*command, "--port", str(port), "--log-level", "warning"])
    try:
        wait_until_up(f"http://127.0.0.1:{port}")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": "-"}) as client:
            seconds = statistics.median(read_over_http(client, "/") for _ in range(runs))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return ("-", "bare ASGI app, 50 x 1 MiB preallocated (stack ceiling)", f"{50 / seconds:.0f} MB/s", "-")


def v3_command() -> list[str]:
    script = Path(sys.executable).with_name("v3")
    return [str(script)] if script.exists() else [sys.executable, "-m", "entrypoints.cli"]


def make_wav(path: Path, size: int) -> None:
    """A valid 8-bit mono WAV of about ``size`` bytes of noise."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(44100)
        for _ in range(size // MB):
            w.writeframes(os.urandom(MB))


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


class RssWatch:
    """Peak RSS growth of ``pid`` while the ``with`` block runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> RssWatch:
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        self.base = _status(self.pid, "VmRSS")
        self.peak = self.base
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _status(self.pid, "VmRSS"))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self._gc_was_enabled:
            gc.enable()
        self.peak = max(self.peak, _status(self.pid, "VmHWM"))

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / MB


def wait_until_up(base: str) -> None:
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("server did not start")


class HealthProbe:
    """``GET /health`` every 10 ms from a thread while the block runs; ``p99`` latency.

    The probing process's own cyclic GC is off meanwhile: a full collection here holds the
    GIL for tens of milliseconds and would be counted as the server's latency.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._gc_was_enabled = gc.isenabled()

    def __enter__(self) -> HealthProbe:
        gc.disable()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as client:
            while not self._stop.wait(0.01):
                start = time.perf_counter()
                client.get("/health")
                self.latencies.append(time.perf_counter() - start)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def p99(self) -> str:
        if len(self.latencies) < 2:
            return "-"
        return (
            f"{1000 * statistics.quantiles(self.latencies, n=100)[98]:.0f} ms ({len(self.latencies)} probes)"
        )


def timed(pid: int, work: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, seconds, peak RSS growth in MB) of ``work()``."""
    with RssWatch(pid) as watch:
        start = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - start
    return result, seconds, watch.growth_mb


def read_over_http(client: httpx.Client, url: str) -> float:
    """Seconds to download ``url`` (curl's own transfer time when curl is installed, so that
    process start-up is not counted and a Python client does not measure itself)."""
    curl = shutil.which("curl")
    if curl:
        auth = f"Authorization: {client.headers['Authorization']}"
        command = [
            curl,
            "-sf",
            "-o",
            "/dev/null",
            "-w",
            "%{time_total}",
            "-H",
            auth,
            f"{client.base_url}{url}",
        ]
        return float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    start = time.perf_counter()
    with client.stream("GET", url) as response:
        response.raise_for_status()
        for _ in response.iter_raw(1024 * 1024):
            pass
    return time.perf_counter() - start


async def read_direct(store: BlobStore, blob_id: str) -> int:
    return sum([len(chunk) async for chunk in store.read(blob_id)])


@attrs.frozen
class Pair:
    """One HTTP download and one direct read of the same blob, back to back."""

    http_seconds: float
    direct_seconds: float
    rss_growth_mb: float
    server_cpu: float
    direct_cpu: float


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def serve_vs_direct(
    pid: int,
    client: httpx.Client,
    url: str,
    store: BlobStore,
    blob_id: str,
    runs: int,
    close: Callable[[], Any],
) -> list[Pair]:
    """``runs`` interleaved pairs, so both sides see the same machine noise."""
    pairs = []
    for _ in range(runs):
        cpu0 = cpu_seconds(pid)
        with RssWatch(pid) as watch:
            http_seconds = await asyncio.to_thread(read_over_http, client, url)
        server_cpu = cpu_seconds(pid) - cpu0
        cpu0, start = time.process_time(), time.perf_counter()
        await read_direct(store, blob_id)
        direct = time.perf_counter() - start
        pairs.append(Pair(http_seconds, direct, watch.growth_mb, server_cpu, time.process_time() - cpu0))
    await _maybe(close())
    return pairs


def direct_store(kind: str, tmp: Path, db_url: str) -> tuple[BlobStore, Callable[[], Any]]:
    if kind == "filesystem":
        return FilesystemBlobStore(str(tmp / "blobs")), lambda: None
    engine = make_engine(db_url)
    return DatabaseBlobStore(engine), engine.dispose


def bench_store(kind: str, runs: int, port: int) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory(prefix="v3-bench-assets-") as name:
        tmp = Path(name)
        (tmp / "src").mkdir()
        for label, size in (("import", 100 * MB), ("upload", 100 * MB), ("serve", 50 * MB), ("warm", MB)):
            make_wav(tmp / "src" / f"{label}.wav", size)
        db_url = f"sqlite:///{tmp}/v3.db"
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "DATA_DIR": str(tmp),
            "BLOB_STORAGE_TYPE": kind,
            "BLOB_STORAGE_PATH": str(tmp / "blobs"),
            "ASSET_ALLOW_PRIVATE_NETWORKS": "true",
            "MAX_ASSET_DOWNLOAD_SIZE_MB": "200",
            "MAX_UPLOAD_SIZE_MB": "200",
            "ASSET_DOWNLOAD_TIMEOUT_SECONDS": "300",
        }
        made = subprocess.run(
            [*v3_command(), "users", "create", "bench@localhost"], env=env, capture_output=True, text=True
        )
        if made.returncode:
            raise SystemExit(f"v3 users create failed:\n{made.stderr}")
        key = made.stdout.strip().splitlines()[-1]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        source_command = [sys.executable, "-m", "http.server", str(port + 1), "-b", "127.0.0.1"]
        src = subprocess.Popen([*source_command, "-d", str(tmp / "src")], **quiet)  # type: ignore[call-overload]
        server = subprocess.Popen(
            [*v3_command(), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base)
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=base, headers=headers, timeout=600) as client:

                def import_(file: str) -> dict[str, Any]:
                    body = {"url": f"http://127.0.0.1:{port + 1}/{file}"}
                    response = client.post("/api/v3/assets/from-url", json=body)
                    response.raise_for_status()
                    return dict(response.json()["data"])

                def upload(file: str) -> dict[str, Any]:
                    with open(tmp / "src" / file, "rb") as f:
                        response = client.post("/api/v3/assets", files={"file": (file, f, "audio/wav")})
                    response.raise_for_status()
                    return dict(response.json()["data"])

                warm = upload("warm.wav")
                read_over_http(client, f"/api/v3/assets/{warm['id']}/data")
                import_("warm.wav")
                with HealthProbe(base) as probe:
                    _, secs, growth = timed(server.pid, lambda: import_("import.wav"))
                rows.append((kind, "URL import 100 MB", f"{secs:.2f} s", f"{growth:.1f} MB", probe.p99))
                with HealthProbe(base) as probe:
                    _, secs, growth = timed(server.pid, lambda: upload("upload.wav"))
                rows.append((kind, "multipart upload 100 MB", f"{secs:.2f} s", f"{growth:.1f} MB", probe.p99))
                served = upload("serve.wav")
            store, close = direct_store(kind, tmp, db_url)
            url = f"/api/v3/assets/{served['id']}/data"
            with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
                pairs = asyncio.run(
                    serve_vs_direct(server.pid, client, url, store, served["blobId"], runs, close)
                )
            size = served["size"] / MB
            http_secs = statistics.median(p.http_seconds for p in pairs)
            direct_secs = statistics.median(p.direct_seconds for p in pairs)
            growth = max(p.rss_growth_mb for p in pairs)
            ratio = statistics.median(p.direct_seconds / p.http_seconds for p in pairs)
            cpu = statistics.median(p.direct_cpu / p.server_cpu for p in pairs if p.server_cpu > 0)
            rows.append(
                (kind, "GET /data 50 MB (curl)", f"{size / http_secs:.0f} MB/s", f"{growth:.1f} MB (max)")
            )
            rows.append((kind, "store.read 50 MB in-process", f"{size / direct_secs:.0f} MB/s", "-"))
            efficiency = f"{100 * cpu:.0f} % CPU efficiency"
            rows.append(
                (kind, "served / direct (median of pairs)", f"{100 * ratio:.0f} % throughput", efficiency)
            )
        finally:
            for process in (server, src):
                process.terminate()
                process.wait(timeout=10)
    return rows


async def _maybe(value: Any) -> None:
    if asyncio.iscoroutine(value):
        await value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stores", default="filesystem,database")
    parser.add_argument("--port", type=int, default=8775)
    args = parser.parse_args()
    rows = [row for kind in args.stores.split(",") for row in bench_store(kind.strip(), args.runs, args.port)]
    rows.append(measure_ceiling(args.port + 2, args.runs))
    print("| blob store | operation | time / throughput | server peak RSS growth | /health p99 meanwhile |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join((*row, "-", "-", "-")[:5]) + " |")


if __name__ == "__main__":
    main()
