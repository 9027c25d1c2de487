"""The database goes away for a moment while a storyboard is being stored: the job must
not stay processing (it fails clearly and can be retried)."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import attrs
import pytest

from adapters.planners.template import TemplateScenePlanner
from entrypoints.storage import open_storage
from tests.integration.jobs.conftest import brief, fresh_sqlite
from v3core.model import JobStatus
from v3core.ports.planner import PlannerReply, PlanRequest
from v3core.ports.storage import UnitOfWork, UnitOfWorkFactory
from v3core.services.jobs import CreateJobCommand, JobActionCommand
from v3core.testing.workflow import WorkflowKit, WorkflowServices


class DatabaseDown(OSError):
    """What a driver raises when the server cannot be reached."""


class FlakyDatabase:
    """Units of work that fail to open while ``down`` is above zero (one failure each)."""

    def __init__(self, real: UnitOfWorkFactory) -> None:
        self.real = real
        self.down = 0

    def __call__(self) -> UnitOfWork:
        if self.down > 0:
            self.down -= 1
            return _Unreachable()  # type: ignore[return-value]
        return self.real()


class _Unreachable:
    async def __aenter__(self) -> Any:
        raise DatabaseDown("connection refused")

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class OutageWhilePlanning(TemplateScenePlanner):
    """Plans like the template planner; the database goes down while it thinks."""

    def __init__(self, database: FlakyDatabase, failures: int) -> None:
        super().__init__()
        self.database = database
        self.failures = failures

    async def plan(self, request: PlanRequest) -> PlannerReply:
        reply = await super().plan(request)
        self.database.down, self.failures = self.failures, 0
        return reply


async def test_a_job_whose_storyboard_could_not_be_stored_fails_and_retries(
    migrated_sqlite: Path, tmp_path: Path
) -> None:
    storage = open_storage(fresh_sqlite(migrated_sqlite, tmp_path))
    database = FlakyDatabase(storage.uow_factory)
    svc = WorkflowServices(WorkflowKit(uow=database, planner=OutageWhilePlanning(database, failures=3)))
    worker = svc.tasks.handler.__self__  # type: ignore[union-attr]
    svc.tasks.handler = attrs.evolve(worker, retry_delays=(0.01, 0.01, 0.01)).execute
    owner, client = await svc.seed_owner()
    job = (await svc.create.execute(CreateJobCommand(owner, brief(client)))).job
    try:
        with pytest.raises(DatabaseDown):
            await svc.tasks.run_all()  # the crash itself still surfaces (and is logged by the runner)
        after_outage = await svc.job(owner, job.id)
        await svc.act.execute(JobActionCommand(owner, job.id, "retry"))
        await svc.tasks.run_all()
        retried = await svc.job(owner, job.id)
    finally:
        await storage.close()

    assert after_outage.status == JobStatus.FAILED, "not left processing"
    assert after_outage.error is not None
    assert after_outage.error.code == "internal_error"
    assert retried.status == JobStatus.STORYBOARD_READY
