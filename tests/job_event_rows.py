"""Puts a given event (its own ``seq`` and time) into a job's event log, in its own unit of work,
for tests of webhook dispatch and recovery. The journal numbers real events itself (creating the
job already logged ``job.created`` as seq 1), so an event given here replaces the one logged
under its number."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.memory import InMemoryUnitOfWork
from adapters.sqlalchemy import SqlAlchemyUnitOfWork
from adapters.sqlalchemy.tables import job_events
from v3core.events import JobEvent
from v3core.ports.storage import UnitOfWorkFactory


async def append_job_event(uow_factory: UnitOfWorkFactory, event: JobEvent) -> None:
    """Commit ``event`` to the log (memory or SQL)."""
    async with uow_factory() as uow:
        if isinstance(uow, InMemoryUnitOfWork):
            log = [e for e in uow.store.job_events.get(event.job_id, []) if e.seq != event.seq]
            uow.store.job_events[event.job_id] = sorted([*log, event], key=lambda e: e.seq)
            return
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        row = {
            "job_id": event.job_id,
            "seq": event.seq,
            "owner_id": event.owner_id,
            "type": event.type,
            "data": dict(event.data),
            "created_at": event.created_at,
        }
        same = (job_events.c.job_id == event.job_id, job_events.c.seq == event.seq)
        await uow._tx.execute(sa.delete(job_events).where(*same))
        await uow._tx.execute(sa.insert(job_events).values(row))
        await uow.commit()
