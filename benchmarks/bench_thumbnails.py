"""Thumbnail memory (QUALITY.md, issue 9 item 7): the server's peak RSS growth while it makes
previews of very large media, and how much of it stays after.

Starts ``v3 serve`` on a fresh SQLite file (filesystem blob store), uploads clips and a
picture made here with PyAV and Pillow (nothing downloaded), then, each on a fresh asset:

- the upload of a 7680x4320 H.264 clip (its inspection decodes a frame);
- three concurrent ``GET /thumbnail`` of one 7680x4320 H.264 clip (bar: peak growth < 100 MB);
- one ``GET /thumbnail`` each of three different 8K clips, all at once;
- ``GET /thumbnail`` of a 7000x7000 RGB PNG and of a 7000x7000 RGBA PNG (decoded band by
  band, decision 0122; ``--png`` runs only these two);
- ``GET /thumbnail`` of a 7000x7000 WebP, lossy RGB, lossy with alpha and lossless (decoded by
  FFmpeg and scaled by swscale, decision 0122; ``--webp`` runs only these three).

Peak RSS is ``VmHWM`` (reset through ``/proc/PID/clear_refs``) and ``VmRSS`` sampled every
5 ms; "kept" is ``VmRSS`` 1 s after the answers minus before. Medians of ``--runs`` runs, each
run on new bytes so nothing is cached.

    uv run python benchmarks/bench_thumbnails.py [--runs 3] [--png | --webp]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import av
import httpx
from bench_assets import MB, v3_command, wait_until_up
from bench_http import free_port
from PIL import Image, ImageDraw


def rss(pid: int, field: str = "VmRSS") -> int:
    """``VmRSS`` (or ``VmHWM``) of ``pid`` in bytes, from ``/proc``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


class PeakRss:
    """Peak RSS of ``pid`` while the ``with`` block runs: VmHWM (reset on entry) and 5 ms samples."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._stop = threading.Event()

    def __enter__(self) -> PeakRss:
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        self.base = self.peak = rss(self.pid)
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss(self.pid))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss(self.pid, "VmHWM"))

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / MB


def eight_k_clip(seed: int) -> bytes:
    """One second of 7680x4320 H.264 at 2 fps, coloured by ``seed`` (new bytes each time)."""
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=2)
        stream.width, stream.height, stream.pix_fmt = 7680, 4320, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "35"}
        for i in range(2):
            frame = av.VideoFrame(7680, 4320, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([(seed * 37 + i * 40 + 60) % 256]) * plane.buffer_size)
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return buf.getvalue()


def stripes(seed: int, mode: str) -> Image.Image:
    """7000x7000 (49 megapixels) of stripes, RGB or RGBA (half-transparent stripes)."""
    img = Image.new(mode, (7000, 7000), (30, 90, (seed * 53) % 256, 255))
    draw = ImageDraw.Draw(img)
    for y in range(0, 7000, 250):
        draw.line([(0, y), (7000, 7000 - y)], fill=(200, y % 255, 40, 128), width=9)
    return img


def big_png(seed: int, mode: str = "RGB") -> bytes:
    """A 7000x7000 PNG of stripes (small file), RGB or RGBA."""
    buf = io.BytesIO()
    stripes(seed, mode).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def big_webp(seed: int, mode: str = "RGB", lossless: bool = False) -> bytes:
    """A 7000x7000 WebP of stripes, lossy (RGB or RGBA) or lossless, encoded fast."""
    buf = io.BytesIO()
    stripes(seed, mode).save(
        buf, format="WEBP", method=0, lossless=lossless, quality=80 if not lossless else 0
    )
    return buf.getvalue()


def upload(client: httpx.Client, name: str, data: bytes) -> str:
    response = client.post("/api/v3/assets", files={"file": (name, data, "application/octet-stream")})
    response.raise_for_status()
    return str(response.json()["data"]["id"])


def thumbnails_at_once(client: httpx.Client, asset_ids: list[str]) -> list[int]:
    def one(asset_id: str) -> int:
        answer = client.get(f"/api/v3/assets/{asset_id}/thumbnail")
        answer.raise_for_status()
        return len(answer.content)

    with ThreadPoolExecutor(len(asset_ids)) as pool:
        return list(pool.map(one, asset_ids))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` (all its threads), from ``/proc/PID/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(pid: int, work: Callable[[], object]) -> tuple[float, float, float, float]:
    """(seconds, peak RSS growth MB, RSS kept MB, server CPU seconds) of ``work()`` (requests
    to the server; the CPU time is the figure that stays comparable on a loaded machine)."""
    before, cpu = rss(pid), cpu_seconds(pid)
    with PeakRss(pid) as watch:
        start = time.perf_counter()
        work()
        seconds = time.perf_counter() - start
    cpu = cpu_seconds(pid) - cpu
    time.sleep(1.0)
    return seconds, watch.growth_mb, (rss(pid) - before) / MB, cpu


Figures = tuple[float, float, float, float]


def png_cases(pid: int, client: httpx.Client, run: int) -> list[tuple[str, Figures]]:
    png = upload(client, f"7k-{run}.png", big_png(run))
    picture = measure(pid, partial(thumbnails_at_once, client, [png]))
    rgba = upload(client, f"7k-{run}-rgba.png", big_png(run, "RGBA"))
    transparent = measure(pid, partial(thumbnails_at_once, client, [rgba]))
    return [
        ("thumbnail of a 7000x7000 PNG", picture),
        ("thumbnail of a 7000x7000 RGBA PNG", transparent),
    ]


def webp_cases(pid: int, client: httpx.Client, run: int) -> list[tuple[str, Figures]]:
    found = []
    for case, name, data in [
        ("thumbnail of a 7000x7000 lossy WebP", "lossy", big_webp(run)),
        ("thumbnail of a 7000x7000 lossy WebP with alpha", "alpha", big_webp(run, "RGBA")),
        ("thumbnail of a 7000x7000 lossless WebP", "lossless", big_webp(run, lossless=True)),
    ]:
        asset = upload(client, f"7k-{run}-{name}.webp", data)
        found.append((case, measure(pid, partial(thumbnails_at_once, client, [asset]))))
    return found


def one_run(pid: int, client: httpx.Client, run: int) -> list[tuple[str, Figures]]:
    """Every case once, on bytes made for this run."""
    data, ids = eight_k_clip(run), []
    uploaded = measure(pid, lambda: ids.append(upload(client, f"8k-{run}.mp4", data)))
    same = measure(pid, partial(thumbnails_at_once, client, [ids[0]] * 3))
    clips = [upload(client, f"8k-{run}-{i}.mp4", eight_k_clip(100 + 3 * run + i)) for i in range(3)]
    different = measure(pid, partial(thumbnails_at_once, client, clips))
    return [
        ("upload of an 8K clip (inspection probes a frame)", uploaded),
        ("3 concurrent thumbnails of one 8K clip", same),
        ("thumbnails of 3 different 8K clips at once", different),
        *png_cases(pid, client, run),
        *webp_cases(pid, client, run),
    ]


def bench(runs: int, only: str | None = None) -> list[tuple[str, ...]]:
    cases: dict[str, list[Figures]] = {}
    with tempfile.TemporaryDirectory(prefix="v3-bench-thumbs-") as name:
        tmp, port = Path(name), free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/v3.db",
            "DATA_DIR": str(tmp),
            "BLOB_STORAGE_TYPE": "filesystem",
            "BLOB_STORAGE_PATH": str(tmp / "blobs"),
        }
        made = subprocess.run(
            [*v3_command(), "users", "create", "bench@localhost"], env=env, capture_output=True, text=True
        )
        if made.returncode:
            raise SystemExit(f"v3 users create failed:\n{made.stderr}")
        key = made.stdout.strip().splitlines()[-1]
        server = subprocess.Popen(
            [*v3_command(), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base)
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
                warm = upload(client, "warm.png", _small_png())
                thumbnails_at_once(client, [warm])
                for run in range(runs):
                    cases_of = {"png": png_cases, "webp": webp_cases}.get(only or "", one_run)
                    for case, figures in cases_of(server.pid, client, run):
                        cases.setdefault(case, []).append(figures)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return [
        (
            case,
            f"{statistics.median(m[0] for m in measured):.2f} s",
            f"{statistics.median(m[1] for m in measured):.1f} MB",
            f"{max(m[1] for m in measured):.1f} MB",
            f"{statistics.median(m[2] for m in measured):.1f} MB",
            f"{statistics.median(m[3] for m in measured):.2f} s",
        )
        for case, measured in cases.items()
    ]


def _small_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 20, 30)).save(buf, format="PNG")
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--png", action="store_const", const="png", dest="only", help="only the two PNG cases")
    only.add_argument(
        "--webp", action="store_const", const="webp", dest="only", help="only the three WebP cases"
    )
    args = parser.parse_args()
    rows = bench(args.runs, args.only)
    print(f"server: v3 serve, SQLite + filesystem blobs; medians of {args.runs} runs on new bytes each\n")
    print(
        "| case | wall time | peak RSS growth (median) | peak RSS growth (max) | RSS kept after 1 s "
        "| server CPU |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
