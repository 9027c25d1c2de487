"""``FilesystemBlobStore``: one file per blob under ``root/ab/cd/<blob_id>``.

Writes go to a temporary file in the same directory, are fsync'ed and renamed into
place (atomic on POSIX), then the directory is fsync'ed: a crash leaves either the
whole blob or none (plus, at worst, a ``.tmp-*`` file). Reads stream in 1 MiB
chunks from a worker thread, one chunk read ahead.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from typing import BinaryIO

from v3core.errors import NotFound
from v3core.ports.blobs import BlobStore

CHUNK = 1024 * 1024
_BLOB_ID = re.compile(r"^[0-9a-f]{64}$")


class FilesystemBlobStore(BlobStore):
    """Content-addressed files below ``root`` (created when missing)."""

    def __init__(self, root: str) -> None:
        self._root = os.path.abspath(root)
        os.makedirs(self._root, exist_ok=True)

    def path_of(self, blob_id: str) -> str:
        """Where ``blob_id`` lives (the id is checked: 64 lower-case hex digits)."""
        if not _BLOB_ID.match(blob_id):
            raise NotFound("blob", blob_id)
        return os.path.join(self._root, blob_id[:2], blob_id[2:4], blob_id)

    async def put_file(self, blob_id: str, path: str, size: int) -> None:
        await asyncio.to_thread(self._put, self.path_of(blob_id), path)

    def _put(self, final: str, source: str) -> None:
        if os.path.exists(final):
            return
        directory = os.path.dirname(final)
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(directory)

    async def read(self, blob_id: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        try:
            f = await asyncio.to_thread(open, self.path_of(blob_id), "rb")
        except FileNotFoundError as exc:
            raise NotFound("blob", blob_id) from exc
        remaining = (end - start + 1) if end is not None else None
        pending: asyncio.Future[bytes] | None = None
        try:
            await asyncio.to_thread(f.seek, start)
            pending = self._next(f, remaining)
            while True:
                chunk = await pending
                pending = None
                if not chunk:
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                if remaining is None or remaining > 0:
                    pending = self._next(f, remaining)  # read ahead while the caller sends this chunk
                yield chunk
                if pending is None:
                    return
        finally:
            if pending is not None:
                await asyncio.gather(pending, return_exceptions=True)
            f.close()

    @staticmethod
    def _next(f: BinaryIO, remaining: int | None) -> asyncio.Future[bytes]:
        size = CHUNK if remaining is None else min(CHUNK, remaining)
        return asyncio.ensure_future(asyncio.to_thread(_read, f, size))

    async def exists(self, blob_id: str) -> bool:
        return await self.size(blob_id) is not None

    async def size(self, blob_id: str) -> int | None:
        try:
            return (await asyncio.to_thread(os.stat, self.path_of(blob_id))).st_size
        except (FileNotFoundError, NotFound):
            return None

    async def delete(self, blob_id: str) -> None:
        with contextlib.suppress(FileNotFoundError, NotFound):
            await asyncio.to_thread(os.unlink, self.path_of(blob_id))


def _read(f: BinaryIO, n: int) -> bytes:
    return f.read(n)


def _fsync_dir(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
