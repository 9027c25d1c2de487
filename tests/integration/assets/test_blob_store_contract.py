"""One contract for every blob store: in memory, filesystem, database on SQLite and PostgreSQL, S3."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.blobs.database import DatabaseBlobStore
from adapters.blobs.filesystem import FilesystemBlobStore
from adapters.blobs.memory import InMemoryBlobStore
from adapters.sqlalchemy import make_engine
from tests.integration.assets.s3_server import s3_blob_store_fixture, s3_server_fixture  # noqa: F401
from v3core.ports.blobs import BlobStore

KINDS = ["memory", "filesystem", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "s3"]
DATA = os.urandom(2 * 1024 * 1024 + 12345)  # crosses the database store's 1 MiB chunks
BLOB = hashlib.sha256(DATA).hexdigest()


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BlobStore]:
    kind = request.param
    if kind == "memory":
        yield InMemoryBlobStore()
    elif kind == "filesystem":
        yield FilesystemBlobStore(str(tmp_path / "blobs"))
    elif kind == "s3":
        s3: BlobStore = request.getfixturevalue("s3_blob_store")
        yield s3
        await s3.delete(BLOB)
    else:
        engine = make_engine(request.getfixturevalue(f"{kind}_url"))
        yield DatabaseBlobStore(engine)
        await DatabaseBlobStore(engine).delete(BLOB)
        await engine.dispose()


@pytest.fixture
def source(tmp_path: Path) -> str:
    path = tmp_path / "source.bin"
    path.write_bytes(DATA)
    return str(path)


async def read(store: BlobStore, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in store.read(BLOB, start, end)])


async def test_stores_and_streams_back_the_exact_bytes(store: BlobStore, source: str) -> None:
    await store.put_file(BLOB, source, len(DATA))
    assert await read(store) == DATA
    assert await store.exists(BLOB)
    assert await store.size(BLOB) == len(DATA)


@pytest.mark.parametrize(
    ("start", "end"),
    [(0, 0), (1, 99), (1024 * 1024 - 5, 1024 * 1024 + 5), (2 * 1024 * 1024, None), (len(DATA) - 100, None)],
)
async def test_reads_byte_ranges_inclusive(
    store: BlobStore, source: str, start: int, end: int | None
) -> None:
    await store.put_file(BLOB, source, len(DATA))
    stop = len(DATA) if end is None else end + 1
    assert await read(store, start, end) == DATA[start:stop]


async def test_streams_in_bounded_chunks(store: BlobStore, source: str) -> None:
    await store.put_file(BLOB, source, len(DATA))
    sizes = [len(chunk) async for chunk in store.read(BLOB)]
    assert max(sizes) <= 1024 * 1024
    assert sum(sizes) == len(DATA)


async def test_putting_the_same_blob_twice_is_harmless(store: BlobStore, source: str) -> None:
    await store.put_file(BLOB, source, len(DATA))
    await store.put_file(BLOB, source, len(DATA))
    assert await store.size(BLOB) == len(DATA)


async def test_deletes_bytes_and_tolerates_deleting_again(store: BlobStore, source: str) -> None:
    await store.put_file(BLOB, source, len(DATA))
    await store.delete(BLOB)
    await store.delete(BLOB)
    assert not await store.exists(BLOB)
    assert await store.size(BLOB) is None


async def test_an_unknown_blob_does_not_exist(store: BlobStore) -> None:
    assert not await store.exists("0" * 64)
    assert await store.size("0" * 64) is None
