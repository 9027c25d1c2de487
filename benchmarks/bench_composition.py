"""Composition with real footage: speed and peak memory of a 30 s 16:9 render from source clips.

Run: ``uv run python benchmarks/bench_composition.py [--runs 3]``. Three storyboards of five
6 s scenes, rendered by ``AnimaticRenderer`` at 1280x720, 24 fps:

- ``1080p footage``: five 1920x1080 H.264 clips (24 fps, 6 s, moving content), one per scene;
- ``8K footage``: five 7680x4320 H.264 clips (1 s at 6 fps, looped to fill each scene);
- ``offline default``: three procedural brand backgrounds and two 1920x1080 photos.

The source clips are made with PyAV first (not timed). Each render runs in a fresh child
process that reports its wall time, CPU seconds and peak RSS growth (``VmHWM`` after the
render minus ``VmRSS`` before it). Bars (QUALITY.md, "composition with real footage"):
>= 3x real time on 2 cores for the 1080p sources, peak RSS growth < 300 MB for all.
Exits 1 when a bar is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image

SCENES = 5
SCENE_SECONDS = 6.0
RSS_BAR_MB = 300.0
SPEED_BAR = 3.0


def make_clip(path: Path, size: tuple[int, int], fps: int, frames: int, seed: int) -> None:
    """An H.264 clip of moving, not trivially compressible content (a drifting noisy gradient)."""
    width, height = size
    tile_w, tile_h = width // 8, height // 8
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:tile_h, 0:tile_w].astype(np.float32)
    base = rng.integers(0, 60, (tile_h, tile_w, 3), dtype=np.uint8)
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": "ultrafast", "crf": "23"})
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        for index in range(frames):
            phase = index / fps
            wave = (np.sin(xs / 9 + phase * 2 + seed) + np.cos(ys / 7 - phase)) * 60 + 120
            tile = np.clip(base + wave[..., None] * np.array([1.0, 0.7, 0.4]), 0, 255).astype(np.uint8)
            small = av.VideoFrame.from_ndarray(tile, format="rgb24")
            frame = small.reformat(width=width, height=height, format="yuv420p", interpolation="BICUBIC")
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def photo(path: Path, seed: int) -> None:
    size = (1920, 1080)
    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    blue = Image.effect_noise(size, 40 + seed * 10)
    out = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(out, "JPEG", quality=88)
    path.write_bytes(out.getvalue())


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def timed_render(blobs: Any, folder: str, request: Any) -> tuple[float, float, float]:
    """Renders ``request`` with the animatic renderer (blobs from ``blobs``) in this process;
    (wall s, CPU s, peak RSS growth MB). The video is deleted."""
    from adapters.rendering import AnimaticRenderer

    renderer = AnimaticRenderer(blobs, Path(folder) / "renders")

    async def nothing(done: int, total: int, message: str) -> None:
        return None

    before = _rss_kb("VmRSS")
    cpu_before = time.process_time()
    started = time.perf_counter()
    video = asyncio.run(renderer.render(request, nothing, lambda: False))
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    peak = _rss_kb("VmHWM")
    renderer.close()
    os.unlink(video.path)
    return wall, cpu, (peak - before) / 1024


Visuals = list[tuple[str, str | None, str]]
"""(kind, file name or None, shot type) per scene."""


def render_once(folder: str, visuals: Visuals) -> tuple[float, float, float]:
    """Runs in a fresh child: renders the storyboard; returns (wall s, CPU s, peak RSS growth MB)."""
    from adapters.blobs.memory import InMemoryBlobStore
    from v3core.ports.renderer import RenderAsset, RenderRequest, RenderScene

    blobs = InMemoryBlobStore()
    scenes = []
    for number, (kind, name, shot) in enumerate(visuals, start=1):
        visual = None
        if name is not None:
            blobs.blobs[name] = (Path(folder) / name).read_bytes()
            visual = RenderAsset(name, name, kind, "video/mp4" if kind == "video" else "image/jpeg")
        script = f"Scene {number}: a line of the voiceover, on screen."
        scenes.append(RenderScene(number, SCENE_SECONDS, "", script, shot, "dissolve", visual))
    request = RenderRequest(
        "bench", tuple(scenes), "16:9", brand_colors=("#0f766e", "#facc15"), call_to_action="Shop now"
    )
    return timed_render(blobs, folder, request)


def measure(folder: str, visuals: Visuals, runs: int) -> list[tuple[float, float, float]]:
    results = []
    for _ in range(runs):
        with ProcessPoolExecutor(1, get_context("spawn")) as pool:
            results.append(pool.submit(render_once, folder, visuals).result())
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["1080p", "8K", "offline"], action="append")
    parser.add_argument("--sources", help="folder to keep the generated clips in (reused when present)")
    options = parser.parse_args()
    runs = options.runs
    total = SCENES * SCENE_SECONDS
    shots = ["establishing", "close-up", "medium", "product", "wide"]
    rows: list[str] = []
    passed = True
    with tempfile.TemporaryDirectory() as scratch:
        folder = options.sources or scratch
        work = Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        for index in range(SCENES):
            if not (work / f"hd-{index}.mp4").exists():
                make_clip(work / f"hd-{index}.mp4", (1920, 1080), 24, int(24 * SCENE_SECONDS), index)
            if not (work / f"8k-{index}.mp4").exists():
                make_clip(work / f"8k-{index}.mp4", (7680, 4320), 6, 6, index)
        photo(work / "photo-1.jpg", 1)
        photo(work / "photo-2.jpg", 2)
        print(f"(sources made in {time.perf_counter() - started:.0f} s)", file=sys.stderr)
        cases = {
            "1080p footage (5 clips 1920x1080 24 fps)": [
                ("video", f"hd-{i}.mp4", shots[i]) for i in range(SCENES)
            ],
            "8K footage (5 clips 7680x4320 6 fps, looped)": [
                ("video", f"8k-{i}.mp4", shots[i]) for i in range(SCENES)
            ],
            "offline default (3 procedural, 2 photos)": [
                ("procedural", None, shots[0]),
                ("image", "photo-1.jpg", shots[1]),
                ("procedural", None, shots[2]),
                ("image", "photo-2.jpg", shots[3]),
                ("procedural", None, shots[4]),
            ],
        }
        for label, visuals in cases.items():
            if options.only and not any(label.startswith(name) for name in options.only):
                continue
            results = measure(folder, visuals, runs)
            walls = sorted(wall for wall, _, _ in results)
            wall = statistics.median(walls)
            cpu = statistics.median(cpu for _, cpu, _ in results)
            rss = max(growth for _, _, growth in results)
            speed = total / wall
            rows.append(
                f"| {label} | {runs} | {wall:.2f} s ({walls[0]:.2f}-{walls[-1]:.2f}) | {speed:.1f}x | "
                f"{cpu:.1f} | {rss:.0f} MB |"
            )
            passed &= rss < RSS_BAR_MB
            if label.startswith("1080p"):
                passed &= speed >= SPEED_BAR
    print(
        f"`uv run python benchmarks/bench_composition.py --runs {runs}`: {os.cpu_count()} cores, "
        f"{total:.0f} s 16:9 1280x720 24 fps, load {os.getloadavg()[0]:.1f}\n"
    )
    print("| sources | runs | median wall (min-max) | speed vs real time | CPU s | peak RSS growth (max) |")
    print("| --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
