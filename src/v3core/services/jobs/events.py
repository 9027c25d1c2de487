"""Reading a job's event log: the history page, the live stream, and waiting for planning."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import attrs

from v3core.events import TERMINAL_EVENT_TYPES, JobEvent
from v3core.model import JobStatus
from v3core.ports.events import JobEvents
from v3core.ports.storage import Page, PageRequest, UnitOfWorkFactory
from v3core.services.jobs.common import load_job
from v3core.services.jobs.create import JobView
from v3core.services.jobs.queries import GetJob

BATCH = 500
"""Events read at once by a stream (a long log is read in several batches)."""


@attrs.frozen
class JobHistory:
    """A page of one of the owner's jobs' events, oldest first."""

    uow: UnitOfWorkFactory

    async def execute(self, owner_id: str, job_id: str, page: PageRequest) -> Page[JobEvent]:
        """The page, or ``NotFound`` for a missing or another tenant's job."""
        async with self.uow() as uow:
            await load_job(uow, owner_id, job_id)
            return await uow.job_events.page(owner_id, job_id, page)


GONE_CHECK_EVERY = 4
"""An idle stream checks every this many keep-alives (a minute at the default 15 s) that its
job still exists: a job deleted with its client leaves no event to end the stream on."""


@attrs.frozen
class FollowJobEvents:
    """Every event of a job after a given sequence number, in order, as they are committed.

    Woken by ``JobEvents`` after each commit, never by a timer: the stream subscribes first,
    then reads the log from the last number it sent, so a wake-up merged with another or
    published while the stream was busy never costs an event."""

    uow: UnitOfWorkFactory
    wakeups: JobEvents
    keepalive_seconds: float = 15.0

    async def check(self, owner_id: str, job_id: str) -> None:
        """``NotFound`` for a missing or another tenant's job (before a stream starts)."""
        async with self.uow() as uow:
            await load_job(uow, owner_id, job_id)

    async def follow(self, owner_id: str, job_id: str, after: int = 0) -> AsyncIterator[JobEvent | None]:
        """Events numbered above ``after``; ``None`` after ``keepalive_seconds`` without one. Ends
        after a terminal event, or at once when the job is already over and nothing is left."""
        async with self.wakeups.subscribe(job_id) as wakeup:
            checked = False
            while True:
                async with self.uow() as uow:
                    batch = await uow.job_events.after(owner_id, job_id, after, BATCH)
                    # read once with the first batch: a job already over ends the stream
                    job = None if checked else await uow.jobs.get(owner_id, job_id)
                for event in batch:
                    yield event
                    after = event.seq
                    if event.type in TERMINAL_EVENT_TYPES:
                        return
                if len(batch) == BATCH:
                    continue
                if not checked:
                    checked = True
                    if job is None or job.status.is_terminal:
                        return
                idle = 0
                while not await wakeup.wait(self.keepalive_seconds):
                    idle += 1
                    if idle % GONE_CHECK_EVERY == 0 and not await self._exists(owner_id, job_id):
                        return  # deleted (with its client): no event says so, the stream ends
                    yield None

    async def _exists(self, owner_id: str, job_id: str) -> bool:
        async with self.uow() as uow:
            return await uow.jobs.get(owner_id, job_id) is not None


_PLANNING = (JobStatus.PENDING, JobStatus.STORYBOARD_PROCESSING)


@attrs.frozen
class WaitForStoryboard:
    """``Prefer: wait``: the job once planning is over, woken by its events (no polling)."""

    get_job: GetJob
    wakeups: JobEvents

    async def execute(self, owner_id: str, job_id: str, seconds: float) -> JobView | None:
        """The job when it left planning within ``seconds``, else ``None``."""
        async with self.wakeups.subscribe(job_id) as wakeup:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + seconds
            while True:
                view = await self.get_job.execute(owner_id, job_id)
                if view.job.status not in _PLANNING:
                    return view
                left = deadline - loop.time()
                if left <= 0 or not await wakeup.wait(left):
                    return None
