"""``TempFileStager``: stream bytes to a private temporary file, hashing as they arrive.

Chunks are gathered into a ~1 MiB buffer that a worker thread writes and hashes, so
the event loop never blocks on disk and memory stays at about one buffer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import AsyncIterable
from typing import BinaryIO

from v3core.errors import PayloadTooLarge, ValidationFailed
from v3core.ports.blobs import FileStager, StagedFile

FLUSH_BYTES = 1 << 20


class TempFileStager(FileStager):
    """Stages into ``directory`` (the system temp dir by default), at most ``max_size`` bytes."""

    def __init__(self, max_size: int, directory: str | None = None) -> None:
        self._max_size = max_size
        self._dir = directory
        if directory:
            os.makedirs(directory, exist_ok=True)

    def remove_stale(self, older_than_seconds: float = 3600.0) -> int:
        """Delete staged files left by a crashed process (older than the given age); how many."""
        if not self._dir or not os.path.isdir(self._dir):
            return 0
        removed = 0
        cutoff = time.time() - older_than_seconds
        for entry in os.scandir(self._dir):
            if entry.name.startswith(("v3-stage-", "v3-thumb-")) and entry.stat().st_mtime < cutoff:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
        return removed

    @property
    def max_size(self) -> int:
        return self._max_size

    async def stage(self, chunks: AsyncIterable[bytes], filename: str | None = None) -> StagedFile:
        fd, path = tempfile.mkstemp(prefix="v3-stage-", dir=self._dir)
        try:
            with os.fdopen(fd, "wb") as out:
                size, digest = await self._copy(chunks, out)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            raise
        if size == 0:
            os.unlink(path)
            raise ValidationFailed.at(("file",), "the file is empty")
        return StagedFile(path=path, size=size, sha256=digest, filename=filename)

    async def _copy(self, chunks: AsyncIterable[bytes], out: BinaryIO) -> tuple[int, str]:
        hasher = hashlib.sha256()
        buffer = bytearray()
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            if size > self._max_size:
                raise PayloadTooLarge(f"the content exceeds the limit of {self._max_size} bytes")
            buffer += chunk
            if len(buffer) >= FLUSH_BYTES:
                await asyncio.to_thread(_write, out, hasher, bytes(buffer))
                buffer.clear()
        if buffer:
            await asyncio.to_thread(_write, out, hasher, bytes(buffer))
        return size, hasher.hexdigest()

    async def discard(self, staged: StagedFile) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(staged.path)


def _write(out: BinaryIO, hasher: hashlib._Hash, data: bytes) -> None:
    hasher.update(data)
    out.write(data)
