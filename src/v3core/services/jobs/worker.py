"""Runs one background task of a job, so that even an unexpected crash fails the job clearly."""

from __future__ import annotations

import attrs

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


@attrs.frozen
class RunJobTask:
    """Dispatches a task kind to its use case; a crash becomes a failed job, never a stuck one."""

    uow: UnitOfWorkFactory
    clock: Clock
    plan: PlanStoryboard
    render: RenderVideo

    async def execute(self, kind: TaskKind, job_id: str) -> None:
        """Run the task; unexpected errors fail the job with code ``internal_error``."""
        try:
            if kind == TaskKind.PLAN_STORYBOARD:
                await self.plan.execute(job_id)
            else:
                await self.render.execute(job_id)
        except Exception as error:
            message = f"unexpected error in {kind.value}: {type(error).__name__}"
            await fail_job(self.uow, self.clock, job_id, _STEP[kind], "internal_error", message)
            raise
