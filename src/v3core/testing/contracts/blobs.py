"""The blob store port's contract (``v3core.ports.blobs.BlobStore``) as a pytest base class.

Subclass ``BlobStoreContract`` and supply a ``blob_store`` fixture returning your store.
The blob used is larger than 2 MiB (it crosses chunk boundaries of 1 MiB); the contract
deletes it after each test, so one store may serve many tests.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from v3core.ports.blobs import BlobStore

DATA = os.urandom(2 * 1024 * 1024 + 12345)
BLOB = hashlib.sha256(DATA).hexdigest()
CHUNK_LIMIT = 1024 * 1024
"""The largest chunk a read may yield: memory stays bounded whatever the blob's size."""


async def read(store: BlobStore, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in store.read(BLOB, start, end)])


class BlobStoreContract:
    """Every blob store test; needs the fixture ``blob_store``."""

    @pytest_asyncio.fixture
    async def store(self, blob_store: BlobStore) -> AsyncIterator[BlobStore]:
        """The subclass's store, with the contract's blob removed afterwards."""
        yield blob_store
        await blob_store.delete(BLOB)

    @pytest.fixture
    def source(self, tmp_path: Path) -> str:
        path = tmp_path / "source.bin"
        path.write_bytes(DATA)
        return str(path)

    @pytest.mark.asyncio
    async def test_stores_and_streams_back_the_exact_bytes(self, store: BlobStore, source: str) -> None:
        await store.put_file(BLOB, source, len(DATA))
        assert await read(store) == DATA
        assert await store.exists(BLOB)
        assert await store.size(BLOB) == len(DATA)

    @pytest.mark.asyncio
    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (0, 0),
            (1, 99),
            (1024 * 1024 - 5, 1024 * 1024 + 5),
            (2 * 1024 * 1024, None),
            (len(DATA) - 100, None),
            (len(DATA) - 1, len(DATA) - 1),
        ],
    )
    async def test_reads_byte_ranges_inclusive(
        self, store: BlobStore, source: str, start: int, end: int | None
    ) -> None:
        await store.put_file(BLOB, source, len(DATA))
        stop = len(DATA) if end is None else end + 1
        assert await read(store, start, end) == DATA[start:stop]

    @pytest.mark.asyncio
    async def test_streams_in_bounded_chunks(self, store: BlobStore, source: str) -> None:
        await store.put_file(BLOB, source, len(DATA))
        sizes = [len(chunk) async for chunk in store.read(BLOB)]
        assert max(sizes) <= CHUNK_LIMIT
        assert sum(sizes) == len(DATA)

    @pytest.mark.asyncio
    async def test_putting_the_same_blob_twice_is_harmless(self, store: BlobStore, source: str) -> None:
        await store.put_file(BLOB, source, len(DATA))
        await store.put_file(BLOB, source, len(DATA))
        assert await store.size(BLOB) == len(DATA)
        assert await read(store) == DATA

    @pytest.mark.asyncio
    async def test_the_stored_bytes_do_not_follow_the_source_file(
        self, store: BlobStore, source: str
    ) -> None:
        await store.put_file(BLOB, source, len(DATA))
        await asyncio.to_thread(Path(source).write_bytes, b"changed afterwards")
        assert await read(store) == DATA

    @pytest.mark.asyncio
    async def test_deletes_bytes_and_tolerates_deleting_again(self, store: BlobStore, source: str) -> None:
        await store.put_file(BLOB, source, len(DATA))
        await store.delete(BLOB)
        await store.delete(BLOB)
        assert not await store.exists(BLOB)
        assert await store.size(BLOB) is None

    @pytest.mark.asyncio
    async def test_an_unknown_blob_does_not_exist(self, store: BlobStore) -> None:
        assert not await store.exists("0" * 64)
        assert await store.size("0" * 64) is None
        await store.delete("0" * 64)
