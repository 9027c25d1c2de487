"""Resubmission for jobs that have no queued or running task (the recovery scans' runner)."""

from __future__ import annotations

import logging
from typing import Protocol

from v3core.ports.tasks import TaskKind, TaskRunner

log = logging.getLogger(__name__)


class KnowsActiveTasks(TaskRunner, Protocol):
    """A task runner that can tell whether a job has work queued or running."""

    async def has_active_task(self, job_id: str) -> bool: ...


class SubmitWhenIdle(TaskRunner):
    """Submits only for jobs with no queued or running task; counts what it submitted."""

    def __init__(self, runner: KnowsActiveTasks) -> None:
        self._runner = runner
        self.submitted = 0

    async def submit(self, kind: TaskKind, job_id: str, *, delay: float = 0.0) -> None:
        if not await self._runner.has_active_task(job_id):
            log.warning("%s had no queued or running task: resubmitting %s", job_id, kind.value)
            await self._runner.submit(kind, job_id, delay=delay)
            self.submitted += 1

    async def cancel(self, job_id: str) -> None:
        await self._runner.cancel(job_id)
