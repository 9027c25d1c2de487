"""The in-memory job event log."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import datetime

from adapters.memory.state import Tables, as_stored
from v3core.errors import NotFound
from v3core.events import JobEvent
from v3core.ports.storage import JobEventRepository, Page, PageRequest


class InMemoryJobEventRepository(JobEventRepository):
    """Committed events plus this unit of work's own (numbered after the committed ones)."""

    def __init__(self, t: Tables) -> None:
        self._t = t

    async def append(self, job_id: str, type: str, data: Mapping[str, object], created_at: datetime) -> None:
        self._t.health.check()
        if self._t.jobs.get(job_id) is None:
            raise NotFound("job", job_id)
        stored = as_stored(JobEvent(job_id, "", 0, type, dict(data), created_at))
        self._t.new_events.append((job_id, type, dict(stored.data), stored.created_at))

    def _log(self, owner_id: str, job_id: str) -> list[JobEvent]:
        job = self._t.jobs.get(job_id)
        if job is None or job.owner_id != owner_id:
            return []
        log = list(self._t.store.job_events.get(job_id, []))
        mine = [e for e in self._t.new_events if e[0] == job_id]
        log += [JobEvent(job_id, owner_id, len(log) + i, *e[1:]) for i, e in enumerate(mine, 1)]
        return log

    async def after(self, owner_id: str, job_id: str, seq: int, limit: int = 1000) -> Sequence[JobEvent]:
        return copy.deepcopy([e for e in self._log(owner_id, job_id) if e.seq > seq][:limit])

    async def page(self, owner_id: str, job_id: str, page: PageRequest) -> Page[JobEvent]:
        log = self._log(owner_id, job_id)
        return Page(copy.deepcopy(log[page.offset : page.offset + page.limit]), len(log))
