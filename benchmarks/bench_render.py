"""Offline-default render speed: a 30 s 16:9 storyboard of 5 scenes, rendered 3 times.

Three scenes have nothing assigned (procedural brand backgrounds), two show 1920x1080
photos moved by their shot type (push-in, pan); captions on every scene and the call to
action over the last.

Run: ``uv run python benchmarks/bench_render.py``. Prints a markdown table with the
median wall time, the speed relative to real time (bar: >= 5x on 2 cores), CPU
seconds per render, and how late an asyncio ticker woke up while rendering (the
event loop must stay responsive). The adapter renders in a worker thread; the same
frames encoded in a warm child process are measured alongside for comparison.
"""

from __future__ import annotations

import asyncio
import io
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from PIL import Image

from adapters.blobs.memory import InMemoryBlobStore
from adapters.rendering import AnimaticRenderer, pipeline
from adapters.rendering.encoder import available_codec
from v3core.ports.renderer import RenderAsset, RenderRequest, RenderScene

RUNS = 3
TICK = 0.005


def photo(seed: int) -> bytes:
    """A 1920x1080 JPEG with gradients and noise, so it is not trivially compressible."""
    size = (1920, 1080)
    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    blue = Image.effect_noise(size, 40 + seed * 10)
    out = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(out, "JPEG", quality=88)
    return out.getvalue()


def storyboard(blobs: InMemoryBlobStore) -> RenderRequest:
    blobs.blobs["photo-1"], blobs.blobs["photo-2"] = photo(1), photo(2)
    first = RenderAsset("a1", "photo-1", "image", "image/jpeg", 1920, 1080)
    second = RenderAsset("a2", "photo-2", "image", "image/jpeg", 1920, 1080)
    lines = [
        ("Dawn over the city; a runner laces up", "Every morning starts with a choice.", "dissolve", None),
        ("The new shoe, close on the sole", "Cushioning that gives back every step.", "fade", first),
        ("Runners crossing a bridge at speed", "Built for the long run, made to last.", "dissolve", None),
        ("Product hero shot on a plinth", "Light. Fast. Yours.", "fade", second),
        ("Logo end card with the offer", "Shop now at example.com - free returns for 30 days.", "fade", None),
    ]
    shots = ("establishing", "close-up", "wide", "product", "medium")
    scenes = tuple(
        RenderScene(number, 6.0, description, script, shot, transition, visual)
        for number, ((description, script, transition, visual), shot) in enumerate(
            zip(lines, shots, strict=True), start=1
        )
    )
    return RenderRequest(
        "bench",
        scenes,
        "16:9",
        title="Runner",
        brand_colors=("#0f766e", "#facc15"),
        call_to_action="Shop now at example.com",
    )


class Ticker:
    """Measures how late the event loop wakes a task sleeping ``TICK`` seconds."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def __enter__(self) -> Ticker:
        self._task = asyncio.create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    async def _tick(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            self.lags.append(now - last - TICK)
            last = now


async def no_progress(done: int, total: int, message: str) -> None:
    return None


async def in_thread(renderer: AnimaticRenderer, request: RenderRequest) -> tuple[float, float, list[float]]:
    """The adapter as shipped: visuals copied, frames encoded in a worker thread."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with Ticker() as ticker:
        video = await renderer.render(request, no_progress, lambda: False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    os.unlink(video.path)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, ticker.lags


def render_in_child(job: pipeline.RenderJob) -> float:
    """Runs in the child process; returns the CPU seconds the render took there."""
    started = time.process_time()
    pipeline.run(job, lambda done, message: None, threading.Event())
    return time.process_time() - started


async def in_process(
    pool: ProcessPoolExecutor, request: RenderRequest, work: Path
) -> tuple[float, float, list[float]]:
    """For comparison: the same frames encoded in a warm child process."""
    scenes = tuple(
        pipeline.SceneJob(
            scene.number,
            scene.duration,
            scene.script,
            scene.shot_type,
            scene.transition,
            scene.visual.type if scene.visual else "procedural",
            str(work / scene.visual.blob_id) if scene.visual else None,
        )
        for scene in request.scenes
    )
    output = work / "child.mp4"
    job = pipeline.RenderJob(
        scenes, (1280, 720), 24, available_codec(), str(output), request.brand_colors, request.call_to_action
    )
    started = time.perf_counter()
    with Ticker() as ticker:
        cpu = await asyncio.get_running_loop().run_in_executor(pool, render_in_child, job)
    wall = time.perf_counter() - started
    output.unlink()
    return wall, cpu, ticker.lags


def row(label: str, total: float, results: list[tuple[float, float, list[float]]]) -> str:
    walls = sorted(wall for wall, _, _ in results)
    lags = sorted(lag for _, _, run in results for lag in run)
    median = statistics.median(walls)
    cpu = statistics.median(cpu for _, cpu, _ in results)
    p99, worst = 1000 * lags[int(len(lags) * 0.99)], 1000 * lags[-1]
    return (
        f"| {label} | {len(results)} | {median:.2f} s ({walls[0]:.2f}-{walls[-1]:.2f}) | "
        f"{total / median:.1f}x | {cpu:.2f} | {p99:.1f} / {worst:.1f} ms |"
    )


async def main() -> None:
    blobs = InMemoryBlobStore()
    request = storyboard(blobs)
    total = sum(scene.duration for scene in request.scenes)
    threaded: list[tuple[float, float, list[float]]] = []
    child: list[tuple[float, float, list[float]]] = []
    with tempfile.TemporaryDirectory() as folder, ProcessPoolExecutor(1, get_context("spawn")) as pool:
        work = Path(folder)
        for blob_id, data in blobs.blobs.items():
            (work / blob_id).write_bytes(data)
        await asyncio.get_running_loop().run_in_executor(pool, available_codec)
        renderer = AnimaticRenderer(blobs, work / "renders")
        for _ in range(RUNS):
            threaded.append(await in_thread(renderer, request))
            child.append(await in_process(pool, request, work))
        renderer.close()
    print(f"`uv run python benchmarks/bench_render.py`: {os.cpu_count()} cores, {renderer.codec}, ", end="")
    print(f"{total:.0f} s 16:9 1280x720 storyboard, 5 scenes, 24 fps, load {os.getloadavg()[0]:.1f}\n")
    print(
        "| worker | runs | median wall (min-max) | speed vs real time | CPU s / render | loop lag p99 / max |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    print(row("thread (AnimaticRenderer)", total, threaded))
    print(row("child process (comparison)", total, child))
    sys.exit(0 if total / statistics.median(wall for wall, _, _ in threaded) >= 5 else 1)


if __name__ == "__main__":
    asyncio.run(main())
