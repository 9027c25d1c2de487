"""Job leases: several ``v3 serve`` processes with the in-process runner on one PostgreSQL share
the unfinished jobs instead of each running all of them.

Before a step of a job runs, the runner claims the lease of ``(kind, job_id)``; a claim
held by another process means that process runs the step, so this one skips it. On
PostgreSQL the lease is a session-level advisory lock (``pg_try_advisory_lock``) taken on
one dedicated connection per process: the claim is atomic, and a process that dies (or
loses its connection) releases its leases with its session — no expiry to tune, no
heartbeat, no table. Leases are per kind, so a render may start in one process while
another is still releasing the planning step that led to it.

SQLite and the in-memory store are single-process (the embedded default): every claim is
granted (``LocalJobLeases``). The PostgreSQL leases live in ``pg_leases`` (psycopg is imported
only when they are used).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from v3core.ports.tasks import TaskKind

log = logging.getLogger(__name__)


class JobLeases(Protocol):
    """Which process runs a job's step right now."""

    async def claim(self, kind: TaskKind, job_id: str) -> bool:
        """True when this process may run ``kind`` for ``job_id`` (until ``release``)."""
        ...

    async def release(self, kind: TaskKind, job_id: str) -> None:
        """Give the lease back (best effort: a lost connection has released it already)."""
        ...

    async def close(self) -> None:
        """Release everything (shutdown)."""
        ...


class LocalJobLeases(JobLeases):
    """One process owns the database: every claim is granted."""

    async def claim(self, kind: TaskKind, job_id: str) -> bool:
        return True

    async def release(self, kind: TaskKind, job_id: str) -> None:
        return None

    async def close(self) -> None:
        return None


async def run_leased(
    leases: JobLeases, kind: TaskKind, job_id: str, handler: Callable[[TaskKind, str], Awaitable[None]]
) -> None:
    """Run ``handler(kind, job_id)`` under the step's lease; skip it when another process holds
    the lease (that process runs the step). Both task runners run every step through this."""
    if not await leases.claim(kind, job_id):
        log.info("task %s for job %s runs in another process: skipped here", kind.value, job_id)
        return
    try:
        await handler(kind, job_id)
    finally:
        await leases.release(kind, job_id)
