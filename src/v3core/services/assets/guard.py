"""The blob guard of a single process: one ``asyncio.Lock`` per blob id, kept while in use."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from v3core.ports.blobs import BlobGuard


class InProcessBlobGuard(BlobGuard):
    """Excludes holders of the same blob id within this process (enough for the in-memory
    store and SQLite, which one process serves); a lock lives only while someone waits on
    or holds it, so memory does not grow with the number of blobs ever guarded."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, blob_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(blob_id, (asyncio.Lock(), 0))
        self._locks[blob_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[blob_id]
            if users == 1:
                del self._locks[blob_id]
            else:
                self._locks[blob_id] = (lock, users - 1)

    @property
    def in_use(self) -> int:
        """How many blob ids have a holder or a waiter (for tests)."""
        return len(self._locks)
