"""Reading jobs."""

from __future__ import annotations

import attrs

from v3core.model import Asset, Job
from v3core.ports.storage import Page, PageRequest, UnitOfWorkFactory
from v3core.services.jobs.common import load_job
from v3core.services.jobs.create import JobView


@attrs.frozen
class JobFilters:
    """Optional filters of ``GET /jobs``."""

    client_id: str | None = None
    campaign_id: str | None = None
    status: str | None = None


@attrs.frozen
class GetJob:
    """One of the owner's jobs with its scenes."""

    uow: UnitOfWorkFactory

    async def execute(self, owner_id: str, job_id: str) -> JobView:
        """The job and its ordered scenes, or ``NotFound``."""
        async with self.uow() as uow:
            job = await load_job(uow, owner_id, job_id)
            scenes = tuple(await uow.scenes.list_for_job(job.id))
            return JobView(job=job, scenes=scenes, created=False)


@attrs.frozen
class ListJobs:
    """A page of the owner's jobs, newest first."""

    uow: UnitOfWorkFactory

    async def execute(self, owner_id: str, page: PageRequest, filters: JobFilters) -> Page[Job]:
        """Jobs matching the filters."""
        async with self.uow() as uow:
            return await uow.jobs.list(
                owner_id,
                page,
                client_id=filters.client_id,
                campaign_id=filters.campaign_id,
                status=filters.status,
            )


@attrs.frozen
class ListJobAssets:
    """The assets a job made: URL imports, generated frames and clips, the rendered video."""

    uow: UnitOfWorkFactory

    async def execute(self, owner_id: str, job_id: str) -> tuple[Asset, ...]:
        """Oldest first; ``NotFound`` for a job that is not the owner's."""
        async with self.uow() as uow:
            job = await load_job(uow, owner_id, job_id)
            return tuple(await uow.assets.list_for_job(owner_id, job.id))
