"""After a restart: no job stays in a processing state."""

from __future__ import annotations

import attrs

from v3core.model import JobStatus
from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.tasks import TaskKind, TaskRunner

RESUMABLE: dict[JobStatus, TaskKind] = {
    JobStatus.PENDING: TaskKind.PLAN_STORYBOARD,
    JobStatus.STORYBOARD_PROCESSING: TaskKind.PLAN_STORYBOARD,
    JobStatus.VIDEO_PROCESSING: TaskKind.RENDER_VIDEO,
}


@attrs.frozen
class ResumeUnfinishedJobs:
    """Resubmits the work of every job left pending or processing (each step is idempotent)."""

    uow: UnitOfWorkFactory
    tasks: TaskRunner

    async def execute(self) -> int:
        """How many jobs were resubmitted."""
        async with self.uow() as uow:
            jobs = await uow.jobs.list_in_status(list(RESUMABLE))
        for job in jobs:
            await self.tasks.submit(RESUMABLE[job.status], job.id)
        return len(jobs)
