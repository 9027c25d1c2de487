"""Appends a row to a job's event log the way the event log's writer does (in its own unit of
work), for tests of webhook dispatch and recovery written before that writer exists here."""

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
            uow.store.job_events.setdefault(event.job_id, []).append(event)
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
        await uow._tx.execute(sa.insert(job_events).values(row))
        await uow.commit()
