"""``DatabaseBlobStore``: blob bytes in the ``asset_blobs`` table, 1 MiB per row.

``put_file`` inserts every chunk of a blob in one transaction, so a blob is either
wholly stored or absent; a concurrent put of the same blob loses the primary-key race
and is treated as done. Reads fetch one chunk per query with a short-lived connection
(no connection is held while a slow client downloads), so memory stays at one chunk.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.tables import asset_blobs
from v3core.errors import NotFound
from v3core.ports.blobs import BlobStore

CHUNK = 1 << 20


class DatabaseBlobStore(BlobStore):
    """Blob bytes in the database behind ``engine``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def put_file(self, blob_id: str, path: str, size: int) -> None:
        if await self.exists(blob_id):
            return
        try:
            async with self._engine.begin() as conn:
                with open(path, "rb") as f:  # noqa: ASYNC230 - reads happen in a worker thread below
                    await self._insert_chunks(conn, blob_id, f)
        except IntegrityError:
            if not await self.exists(blob_id):
                raise

    async def _insert_chunks(self, conn: AsyncConnection, blob_id: str, f: BinaryIO) -> None:
        seq = 0
        while True:
            data = await asyncio.to_thread(f.read, CHUNK)
            if not data and seq > 0:
                return
            await conn.execute(sa.insert(asset_blobs).values(blob_id=blob_id, seq=seq, data=data))
            seq += 1
            if len(data) < CHUNK:
                return

    async def read(self, blob_id: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        seq = start // CHUNK
        offset = start - seq * CHUNK
        remaining = None if end is None else end - start + 1
        while remaining is None or remaining > 0:
            data = await self._chunk(blob_id, seq)
            if data is None:
                if seq == start // CHUNK and seq == 0:
                    raise NotFound("blob", blob_id)
                return
            piece = data[offset:] if remaining is None else data[offset : offset + remaining]
            if piece:
                yield piece
            if remaining is not None:
                remaining -= len(piece)
            if len(data) < CHUNK:
                return
            seq, offset = seq + 1, 0

    async def _chunk(self, blob_id: str, seq: int) -> bytes | None:
        query = sa.select(asset_blobs.c.data).where(
            asset_blobs.c.blob_id == blob_id, asset_blobs.c.seq == seq
        )
        async with self._engine.connect() as conn:
            data = (await conn.execute(query)).scalar_one_or_none()
        return None if data is None else bytes(data)

    async def exists(self, blob_id: str) -> bool:
        query = sa.select(asset_blobs.c.seq).where(asset_blobs.c.blob_id == blob_id, asset_blobs.c.seq == 0)
        async with self._engine.connect() as conn:
            return (await conn.execute(query)).first() is not None

    async def size(self, blob_id: str) -> int | None:
        query = sa.select(sa.func.count(), sa.func.sum(sa.func.length(asset_blobs.c.data))).where(
            asset_blobs.c.blob_id == blob_id
        )
        async with self._engine.connect() as conn:
            count, total = (await conn.execute(query)).one()
        return None if not count else int(total or 0)

    async def delete(self, blob_id: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(sa.delete(asset_blobs).where(asset_blobs.c.blob_id == blob_id))
