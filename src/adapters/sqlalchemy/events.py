"""The job event log in SQL: ``job_events`` rows numbered from the job row's ``event_seq``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.base import Transaction
from adapters.sqlalchemy.tables import job_events, jobs
from v3core.errors import NotFound
from v3core.events import JobEvent
from v3core.ports.storage import JobEventRepository, Page, PageRequest

JOB_EVENTS_CHANNEL = "v3_job_events"
"""The PostgreSQL ``NOTIFY`` channel of job wake-ups (payload: the job id)."""

_NEXT_SEQ = (
    sa.update(jobs)
    .where(jobs.c.id == sa.bindparam("job_id"))
    .values(event_seq=jobs.c.event_seq + 1)
    .returning(jobs.c.event_seq, jobs.c.owner_id)
)
"""Takes the job's next number on its row: on PostgreSQL the row stays locked until commit, so
a concurrent writer of the same job waits, then reads the committed number (no shared seq, no
gap); SQLite has one writer at a time anyway."""


def _event(row: Any) -> JobEvent:
    return JobEvent(
        job_id=row.job_id,
        owner_id=row.owner_id,
        seq=row.seq,
        type=row.type,
        data=row.data,
        created_at=row.created_at,
    )


class SqlAlchemyJobEventRepository(JobEventRepository):
    """Events of jobs in ``job_events``, keyed by ``(job_id, seq)``."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def append(self, job_id: str, type: str, data: Mapping[str, object], created_at: datetime) -> None:
        row = (await self._tx.execute(_NEXT_SEQ, {"job_id": job_id})).first()
        if row is None:
            raise NotFound("job", job_id)
        values = {
            "job_id": job_id,
            "seq": row.event_seq,
            "owner_id": row.owner_id,
            "type": type,
            "data": dict(data),
            "created_at": created_at,
        }
        await self._tx.execute(sa.insert(job_events).values(values))
        if self._tx.dialect == "postgresql":
            # sent by PostgreSQL at commit, and only then (once per job per transaction): a
            # process that dies between its commit and its publish loses no wake-up
            await self._tx.execute(sa.select(sa.func.pg_notify(JOB_EVENTS_CHANNEL, job_id)))

    def _mine(self, owner_id: str, job_id: str) -> tuple[sa.ColumnElement[bool], ...]:
        return (job_events.c.job_id == job_id, job_events.c.owner_id == owner_id)

    async def after(self, owner_id: str, job_id: str, seq: int, limit: int = 1000) -> Sequence[JobEvent]:
        query = (
            sa.select(job_events)
            .where(*self._mine(owner_id, job_id), job_events.c.seq > seq)
            .order_by(job_events.c.seq)
            .limit(limit)
        )
        return [_event(r) for r in await self._tx.execute(query)]

    async def page(self, owner_id: str, job_id: str, page: PageRequest) -> Page[JobEvent]:
        where = self._mine(owner_id, job_id)
        query = (
            sa.select(job_events)
            .where(*where)
            .order_by(job_events.c.seq)
            .limit(page.limit)
            .offset(page.offset)
        )
        items = [_event(r) for r in await self._tx.execute(query)]
        total = await self._tx.scalar(sa.select(sa.func.count()).select_from(job_events).where(*where))
        return Page(items=items, total=int(total))
