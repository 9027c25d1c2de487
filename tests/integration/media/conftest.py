"""Fake provider servers (session-wide, reset per test) and the ingestion ports for outputs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from adapters.fetch.httpx_fetcher import HttpxBlobFetcher
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from adapters.media.outputs import OutputStaging
from tests.integration.media.fake_gemini import FakeGemini
from tests.integration.media.fake_http import FakeHttpServer, running
from tests.integration.media.fake_openai_images import FakeOpenAIImages
from tests.integration.media.fake_replicate import FakeReplicate

CAP = 4 * 1024 * 1024


@pytest.fixture(scope="session")
def replicate_fake() -> Iterator[tuple[FakeReplicate, FakeHttpServer]]:
    fake = FakeReplicate()
    with running(fake.handle) as server:
        fake.base_url = server.base_url
        yield fake, server


@pytest.fixture
def replicate_server(replicate_fake: tuple[FakeReplicate, FakeHttpServer]) -> Iterator[FakeHttpServer]:
    fake, server = replicate_fake
    fake.reset()
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def replicate_api(
    replicate_fake: tuple[FakeReplicate, FakeHttpServer], replicate_server: FakeHttpServer
) -> FakeReplicate:
    return replicate_fake[0]


@pytest.fixture
def staging_dir(tmp_path: Path) -> Path:
    return tmp_path / "staging"


@pytest.fixture
async def staging(staging_dir: Path) -> AsyncIterator[OutputStaging]:
    """Outputs on 127.0.0.1 are reachable only because private networks are allowed here."""
    stager = TempFileStager(CAP, str(staging_dir))
    fetcher = HttpxBlobFetcher(stager, timeout_seconds=5.0, allow_private_networks=True)
    yield OutputStaging(fetcher, stager, MediaContentInspector())
    await fetcher.aclose()


@pytest.fixture
async def small_staging(staging_dir: Path) -> AsyncIterator[OutputStaging]:
    """Staging capped at 1 000 bytes: every clip of the fakes (about 2 kB) is over it."""
    stager = TempFileStager(1000, str(staging_dir))
    fetcher = HttpxBlobFetcher(stager, timeout_seconds=5.0, allow_private_networks=True)
    yield OutputStaging(fetcher, stager, MediaContentInspector())
    await fetcher.aclose()


def staged_files(staging_dir: Path) -> list[Path]:
    """What is left in the staging folder (failed calls must leave nothing)."""
    return sorted(staging_dir.iterdir()) if staging_dir.exists() else []


@pytest.fixture(scope="session")
def openai_fake() -> Iterator[tuple[FakeOpenAIImages, FakeHttpServer]]:
    fake = FakeOpenAIImages()
    with running(fake.handle) as server:
        yield fake, server


@pytest.fixture
def openai_server(openai_fake: tuple[FakeOpenAIImages, FakeHttpServer]) -> Iterator[FakeHttpServer]:
    fake, server = openai_fake
    fake.reset()
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def openai_api(
    openai_fake: tuple[FakeOpenAIImages, FakeHttpServer], openai_server: FakeHttpServer
) -> FakeOpenAIImages:
    return openai_fake[0]


async def until(condition: Callable[[], object], seconds: float = 10.0) -> None:
    """Wait (polling every 10 ms) until ``condition()`` holds; fail the test past ``seconds``."""
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


@pytest.fixture(scope="session")
def gemini_fake() -> Iterator[tuple[FakeGemini, FakeHttpServer]]:
    fake = FakeGemini()
    with running(fake.handle) as server:
        yield fake, server


@pytest.fixture
def gemini_server(gemini_fake: tuple[FakeGemini, FakeHttpServer]) -> Iterator[FakeHttpServer]:
    fake, server = gemini_fake
    fake.reset()
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def gemini_api(gemini_fake: tuple[FakeGemini, FakeHttpServer], gemini_server: FakeHttpServer) -> FakeGemini:
    return gemini_fake[0]
