"""How a render behaves around the event loop: progress, cancellation, failures, responsiveness."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from adapters.rendering import AnimaticRenderer
from v3core.errors import UnsupportedMediaType
from v3core.ports.renderer import RenderAsset, RenderCancelled, RenderRequest, RenderScene

from .conftest import FakeBlobStore, leftovers, png, read_bytes


def storyboard(count: int, duration: float, visual: RenderAsset | None = None) -> RenderRequest:
    scenes = tuple(
        RenderScene(number, duration, f"Scene {number}", f"Script {number}", "wide", "dissolve", visual)
        for number in range(1, count + 1)
    )
    return RenderRequest("job-control", scenes)


def never() -> bool:
    return False


async def test_progress_is_reported_once_per_scene_in_order(renderer: AnimaticRenderer) -> None:
    reports: list[tuple[int, int]] = []

    async def progress(done: int, total: int, message: str) -> None:
        reports.append((done, total))

    await renderer.render(storyboard(4, 0.5), progress, never)

    assert reports == [(1, 4), (2, 4), (3, 4), (4, 4)]


async def test_cancelling_mid_render_raises_and_leaves_no_files(blobs: FakeBlobStore, work_dir: Path) -> None:
    renderer = AnimaticRenderer(blobs, work_dir, fps=24)
    visual = RenderAsset("a", blobs.add(png((200, 40, 40))), "image", "image/png")
    reports: list[int] = []

    async def progress(done: int, total: int, message: str) -> None:
        reports.append(done)

    with pytest.raises(RenderCancelled):
        await renderer.render(storyboard(6, 3.0, visual), progress, lambda: bool(reports))
    renderer.close()

    assert reports[0] == 1
    assert reports[-1] < 6
    assert leftovers(work_dir) == []


async def test_cancelling_while_fetching_visuals_stops_before_encoding(
    renderer: AnimaticRenderer, blobs: FakeBlobStore, work_dir: Path
) -> None:
    visual = RenderAsset("a", blobs.add(png((10, 10, 10))), "image", "image/png")
    reports: list[int] = []

    async def progress(done: int, total: int, message: str) -> None:
        reports.append(done)

    with pytest.raises(RenderCancelled):
        await renderer.render(storyboard(3, 1.0, visual), progress, lambda: True)

    assert reports == []
    assert leftovers(work_dir) == []


async def test_an_undecodable_asset_fails_the_render_and_leaves_no_files(
    renderer: AnimaticRenderer, blobs: FakeBlobStore, work_dir: Path
) -> None:
    visual = RenderAsset("bad", blobs.add(b"not really a png"), "image", "image/png")

    with pytest.raises(UnsupportedMediaType):
        await renderer.render(storyboard(2, 1.0, visual), _ignore, never)

    assert leftovers(work_dir) == []


async def test_a_failing_progress_callback_stops_the_render_and_cleans_up(
    renderer: AnimaticRenderer, work_dir: Path
) -> None:
    async def progress(done: int, total: int, message: str) -> None:
        raise RuntimeError("job store unavailable")

    with pytest.raises(RuntimeError, match="job store unavailable"):
        await renderer.render(storyboard(3, 1.0), progress, never)

    assert leftovers(work_dir) == []


async def test_the_event_loop_keeps_ticking_during_a_render(blobs: FakeBlobStore, work_dir: Path) -> None:
    renderer = AnimaticRenderer(blobs, work_dir, fps=24)
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    started = time.perf_counter()
    video = await renderer.render(storyboard(3, 2.0), _ignore, never)
    elapsed = time.perf_counter() - started
    ticking.cancel()
    renderer.close()

    assert read_bytes(video.path)[4:8] == b"ftyp"
    assert max(gaps) < min(0.25, elapsed / 3)
    assert len(gaps) > elapsed / 0.1


async def _ignore(done: int, total: int, message: str) -> None:
    return None
