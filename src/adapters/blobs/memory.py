"""``InMemoryBlobStore``: the fake blob store, for unit tests and the library's quick start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from v3core.ports.blobs import BlobStore

CHUNK = 64 * 1024


class InMemoryBlobStore(BlobStore):
    """Keeps every blob as ``bytes`` in a dict (``blobs``, inspectable by tests)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    async def put_file(self, blob_id: str, path: str, size: int) -> None:
        if blob_id not in self.blobs:
            data = await asyncio.to_thread(Path(path).read_bytes)
            self.blobs[blob_id] = data[:size]

    async def read(self, blob_id: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        data = self.blobs[blob_id]
        stop = len(data) if end is None else min(end + 1, len(data))
        for offset in range(start, stop, CHUNK):
            yield data[offset : min(offset + CHUNK, stop)]

    async def exists(self, blob_id: str) -> bool:
        return blob_id in self.blobs

    async def size(self, blob_id: str) -> int | None:
        data = self.blobs.get(blob_id)
        return None if data is None else len(data)

    async def delete(self, blob_id: str) -> None:
        self.blobs.pop(blob_id, None)
