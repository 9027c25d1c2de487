"""The blob guard across processes on PostgreSQL: a transaction-scoped advisory lock.

Several ``v3 serve``/``v3 worker`` processes share one PostgreSQL database, so the
in-process guard is not enough there. ``hold`` takes ``pg_advisory_xact_lock`` on a
connection of the guard's own engine and keeps that transaction open for the block;
ending it (or the connection dying) releases the lock, so a crash never leaves a blob
locked. The guard's pool is separate from the units of work's: a holder then waits for a
unit-of-work connection, never the other way round, so the two pools cannot deadlock.
Within one process an ``asyncio`` lock per blob is taken first, so a process spends at
most one guard connection per blob.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import make_engine
from v3core.ports.blobs import BlobGuard
from v3core.services.assets.guard import InProcessBlobGuard


def advisory_key(blob_id: str) -> int:
    """A signed 64-bit lock key for ``blob_id`` (namespaced, so no other user of advisory
    locks collides with it in practice; a collision would only serialise two blobs)."""
    digest = hashlib.sha256(f"v3-blob-guard/{blob_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresBlobGuard(BlobGuard):
    """Excludes holders of the same blob id in every process on the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._local = InProcessBlobGuard()

    @classmethod
    def for_url(cls, database_url: str, pool_size: int = 5, max_overflow: int = 20) -> PostgresBlobGuard:
        """A guard with its own small pool on ``database_url``."""
        return cls(make_engine(database_url, pool_size=pool_size, max_overflow=max_overflow))

    @asynccontextmanager
    async def hold(self, blob_id: str) -> AsyncIterator[None]:
        async with self._local.hold(blob_id), self._engine.connect() as connection:
            await connection.execute(sa.select(sa.func.pg_advisory_xact_lock(advisory_key(blob_id))))
            try:
                yield
            finally:
                await connection.rollback()

    async def close(self) -> None:
        """Close the guard's pooled connections (app shutdown)."""
        await self._engine.dispose()
