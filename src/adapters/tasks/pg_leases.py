"""Job leases on PostgreSQL: session-level advisory locks on one connection per process
(see ``adapters.tasks.leases``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections import Counter

import psycopg

from adapters.sqlalchemy.engine import async_url
from adapters.tasks.leases import JobLeases
from v3core.errors import StorageUnavailable
from v3core.ports.tasks import TaskKind

log = logging.getLogger(__name__)

LEASE_NAMESPACE = {
    TaskKind.PLAN_STORYBOARD: 0x7633_0001,
    TaskKind.RENDER_VIDEO: 0x7633_0002,
    TaskKind.DELIVER_WEBHOOK: 0x7633_0003,
}
"""First key of the advisory lock, per kind (the second is a hash of the job or delivery id)."""


def lease_key(kind: TaskKind, job_id: str) -> tuple[int, int]:
    """The two int4 keys of the advisory lock of ``(kind, job_id)``."""
    return LEASE_NAMESPACE[kind] - (1 << 31), zlib.crc32(job_id.encode()) - (1 << 31)


class PostgresJobLeases(JobLeases):
    """Leases as session-level advisory locks on one connection of this process."""

    def __init__(self, database_url: str) -> None:
        self._conninfo = async_url(database_url).set(drivername="postgresql").render_as_string(False)
        self._connection: psycopg.AsyncConnection[tuple[bool]] | None = None
        self._lock = asyncio.Lock()
        self._held: Counter[tuple[int, int]] = Counter()

    async def claim(self, kind: TaskKind, job_id: str) -> bool:
        key = lease_key(kind, job_id)
        async with self._lock:
            granted = await self._try_lock(key)
            if granted:
                self._held[key] += 1
            return granted

    async def release(self, kind: TaskKind, job_id: str) -> None:
        key = lease_key(kind, job_id)
        async with self._lock:
            if self._held[key] <= 0:
                return
            self._held[key] -= 1
            if self._held[key] == 0:
                del self._held[key]
            connection = self._connection
            if connection is None or connection.closed:
                return  # the session that held it is gone, and the lease with it
            try:
                await connection.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except psycopg.Error as error:
                log.warning("releasing a job lease failed (%s); its session will release it", error)
                await self._drop()

    async def close(self) -> None:
        async with self._lock:
            self._held.clear()
            connection = self._connection
            if connection is not None and not connection.closed:
                with contextlib.suppress(psycopg.Error):  # ending the session releases them too
                    await connection.execute("SELECT pg_advisory_unlock_all()")
            await self._drop()

    async def _try_lock(self, key: tuple[int, int]) -> bool:
        try:
            connection = await self._connect()
            cursor = await connection.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            row = await cursor.fetchone()
        except psycopg.OperationalError as error:
            await self._drop()
            raise StorageUnavailable(reason=str(error).splitlines()[0] if str(error) else "") from error
        return bool(row and row[0])

    async def _connect(self) -> psycopg.AsyncConnection[tuple[bool]]:
        if self._connection is not None and not self._connection.closed:
            return self._connection
        connection: psycopg.AsyncConnection[tuple[bool]] = await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True
        )
        self._connection = connection
        lost = [key for key in self._held if not await self._relock(connection, key)]
        for key in lost:  # another process took these over while our session was gone
            log.warning("job lease %s was taken by another process during a lost connection", key)
        return connection

    async def _relock(self, connection: psycopg.AsyncConnection[tuple[bool]], key: tuple[int, int]) -> bool:
        cursor = await connection.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        row = await cursor.fetchone()
        return bool(row and row[0])

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(psycopg.Error):
                await connection.close()
