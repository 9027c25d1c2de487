"""Runs one background task of a job, so that even an unexpected crash fails the job clearly
(while a database outage is left to the task runner to retry)."""

from __future__ import annotations

import asyncio

import attrs

from v3core.errors import StorageUnavailable
from v3core.lifecycle import FailedStep
from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.system import Clock
from v3core.ports.tasks import TaskKind
from v3core.services.jobs.common import fail_job
from v3core.services.jobs.planning import PlanStoryboard
from v3core.services.jobs.rendering import RenderVideo

_STEP = {
    TaskKind.PLAN_STORYBOARD: FailedStep.STORYBOARD_GENERATION,
    TaskKind.RENDER_VIDEO: FailedStep.VIDEO_RENDERING,
}

FAIL_RETRY_DELAYS: tuple[float, ...] = (0.5, 2.0, 5.0)
"""Seconds between attempts to record a crash: the crash may be the database going away."""


@attrs.frozen
class RunJobTask:
    """Dispatches a task kind to its use case; a crash becomes a failed job, never a stuck one."""

    uow: UnitOfWorkFactory
    clock: Clock
    plan: PlanStoryboard
    render: RenderVideo
    retry_delays: tuple[float, ...] = FAIL_RETRY_DELAYS

    async def execute(self, kind: TaskKind, job_id: str) -> None:
        """Run the task; unexpected errors fail the job with code ``internal_error``.

        ``StorageUnavailable`` (the database went away mid-step) does not fail the job: it
        propagates so the task runner retries the step with backoff (steps re-read the job's
        status, so re-running one is safe). Recording a real failure is retried after each
        of ``retry_delays``.
        """
        try:
            if kind == TaskKind.PLAN_STORYBOARD:
                await self.plan.execute(job_id)
            else:
                await self.render.execute(job_id)
        except StorageUnavailable:
            raise
        except Exception as error:
            message = f"unexpected error in {kind.value}: {type(error).__name__}"
            await self._fail(job_id, _STEP[kind], message)
            raise

    async def _fail(self, job_id: str, step: FailedStep, message: str) -> None:
        for delay in self.retry_delays:
            try:
                await fail_job(self.uow, self.clock, job_id, step, "internal_error", message)
                return
            except Exception:
                await asyncio.sleep(delay)
        await fail_job(self.uow, self.clock, job_id, step, "internal_error", message)
