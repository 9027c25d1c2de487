"""Asset use cases wired to real staging, inspection and thumbnails, in-memory storage."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from adapters.blobs.memory import InMemoryBlobStore
from adapters.fetch.httpx_fetcher import HttpxBlobFetcher
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from adapters.ingest.thumbnails import PillowThumbnailer
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.system import SystemUtcClock, Uuid4Generator
from tests.contract.builders import a_client, a_user
from tests.integration.assets.server import SourceServer, running_source_server
from v3core.services.assets import AssetContext

CAP = 2 * 1024 * 1024


@pytest.fixture(scope="session")
def source() -> Iterator[SourceServer]:
    with running_source_server() as server:
        yield server


@pytest.fixture
def staging_dir(tmp_path: Path) -> Path:
    return tmp_path / "staging"


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def blobs() -> InMemoryBlobStore:
    return InMemoryBlobStore()


@pytest.fixture
async def ctx(
    store: InMemoryStore, blobs: InMemoryBlobStore, staging_dir: Path
) -> AsyncIterator[AssetContext]:
    stager = TempFileStager(CAP, str(staging_dir))
    fetcher = HttpxBlobFetcher(stager, timeout_seconds=1.0, allow_private_networks=True)
    yield AssetContext(
        uow=InMemoryUnitOfWork.factory(store),
        blobs=blobs,
        stager=stager,
        inspector=MediaContentInspector(max_image_pixels=4_000_000),
        clock=SystemUtcClock(),
        ids=Uuid4Generator(),
        fetcher=fetcher,
        thumbnailer=PillowThumbnailer(str(staging_dir)),
    )
    await fetcher.aclose()


@pytest.fixture
async def owner(ctx: AssetContext) -> str:
    user = a_user()
    async with ctx.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user.id


@pytest.fixture
async def client_id(ctx: AssetContext, owner: str) -> str:
    client = a_client(owner)
    async with ctx.uow() as uow:
        await uow.clients.add(client)
        await uow.commit()
    return client.id


def leftovers(directory: Path) -> list[str]:
    """Files left in the staging directory (there should be none after a use case)."""
    return sorted(os.listdir(directory)) if directory.exists() else []
