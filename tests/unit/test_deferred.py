"""Deferred adapters: the real one is built once, on first use, off the event loop; closing
closes only what was built and refuses later use."""

from __future__ import annotations

import asyncio
import threading

import pytest

from adapters.fetch.deferred import DeferredFetcher
from adapters.rendering.deferred import DeferredRenderer
from v3core.ports.blobs import StagedFile
from v3core.ports.renderer import CancelCheck, ProgressCallback, RenderedVideo, RenderRequest

VIDEO = RenderedVideo("/tmp/out.mp4", 5.0, 1280, 720, 1000)


class FakeRenderer:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.closed = 0

    async def render(
        self, request: RenderRequest, progress: ProgressCallback, cancelled: CancelCheck
    ) -> RenderedVideo:
        self.requests.append(request.job_id)
        await progress(1, 1, "done")
        return VIDEO

    def close(self) -> None:
        self.closed += 1


class Builds:
    """A builder that counts its calls and remembers the threads it ran on."""

    def __init__(self) -> None:
        self.made: list[FakeRenderer] = []
        self.threads: list[int] = []

    def __call__(self) -> FakeRenderer:
        self.threads.append(threading.get_ident())
        self.made.append(FakeRenderer())
        return self.made[-1]


async def _progress(done: int, total: int, message: str) -> None:
    return None


async def test_the_renderer_is_built_once_on_the_first_renders_in_a_worker_thread() -> None:
    build = Builds()
    renderer = DeferredRenderer(build)
    assert build.made == []
    assert renderer.built is None

    videos = await asyncio.gather(
        *(renderer.render(RenderRequest(f"job-{n}", ()), _progress, lambda: False) for n in range(5))
    )

    assert videos == [VIDEO] * 5
    assert len(build.made) == 1
    assert sorted(build.made[0].requests) == [f"job-{n}" for n in range(5)]
    assert build.threads != [threading.get_ident()], "the build ran on the event loop's thread"


async def test_closing_an_unused_renderer_builds_nothing_and_refuses_later_renders() -> None:
    build = Builds()
    renderer = DeferredRenderer(build)
    renderer.close()
    with pytest.raises(RuntimeError, match="closed"):
        await renderer.render(RenderRequest("job", ()), _progress, lambda: False)
    assert build.made == []


async def test_closing_a_used_renderer_closes_the_real_one_once() -> None:
    build = Builds()
    renderer = DeferredRenderer(build)
    await renderer.render(RenderRequest("job", ()), _progress, lambda: False)
    renderer.close()
    renderer.close()
    assert build.made[0].closed == 1


class FakeFetcher:
    def __init__(self) -> None:
        self.urls: list[str] = []
        self.closed = 0

    async def fetch(self, url: str) -> StagedFile:
        self.urls.append(url)
        return StagedFile(path="/tmp/x", size=1, sha256="0" * 64, source_url=url)

    async def aclose(self) -> None:
        self.closed += 1


async def test_the_fetcher_is_built_on_the_first_fetch_and_closed_at_shutdown() -> None:
    made: list[FakeFetcher] = []

    def build() -> FakeFetcher:
        made.append(FakeFetcher())
        return made[-1]

    fetcher = DeferredFetcher(build)
    await fetcher.aclose()  # nothing built: nothing to close
    assert made == []

    fetcher = DeferredFetcher(build)
    staged = await fetcher.fetch("https://example.test/a.png")
    await fetcher.fetch("https://example.test/b.png")
    await fetcher.aclose()

    assert staged.source_url == "https://example.test/a.png"
    assert len(made) == 1
    assert made[0].urls == ["https://example.test/a.png", "https://example.test/b.png"]
    assert made[0].closed == 1
    with pytest.raises(RuntimeError, match="closed"):
        await fetcher.fetch("https://example.test/c.png")
