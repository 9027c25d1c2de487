"""The job read use cases bundled with the public base URL, so a read handler needs one dependency.

Litestar resolves several dependencies of one handler in a task group; for the hottest
route (``GET /jobs/{id}``) that alone cost more than the database reads.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from entrypoints.http.job_dto import JobOut, video_url
from v3core.model import Job, Scene
from v3core.services.jobs import GetJob, JobView, ListJobs


@attrs.frozen
class JobReads:
    """``GetJob``/``ListJobs`` plus how to render a job with absolute links."""

    get_job: GetJob
    list_jobs: ListJobs
    base_url: str

    async def view(self, owner_id: str, job_id: str) -> JobView:
        """The job and its scenes (``NotFound`` for another tenant's)."""
        return await self.get_job.execute(owner_id, job_id)

    def out(self, job: Job, scenes: Sequence[Scene] = ()) -> JobOut:
        """The wire shape of ``job``."""
        return JobOut.of(job, list(scenes), self.base_url)

    def video_url(self, job: Job) -> str | None:
        """The absolute URL of the job's video, once rendered."""
        return video_url(self.base_url, job)
