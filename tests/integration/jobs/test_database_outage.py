"""The database goes away while a storyboard is being planned: the step is retried with backoff
once the database is back, and the job reaches ``storyboard_ready`` — it is never failed for
an outage. Another crash whose failure cannot be recorded at once still fails the job clearly.

Real outages: PostgreSQL behind a TCP proxy on 127.0.0.1 that is stopped (connections cut,
new ones refused) and started again; SQLite locked by another connection past its busy
timeout. The app is the real container with its in-process task runner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import attrs
import pytest
from dependency_injector import providers

from adapters.planners.template import TemplateScenePlanner
from entrypoints.container import Container, build_container, close_container, start_container
from entrypoints.settings import Settings
from entrypoints.storage import open_storage
from tests.integration.jobs.conftest import brief, fresh_sqlite
from tests.integration.outages import TcpProxy, sqlite_write_lock
from v3core.model import Job, JobStatus
from v3core.ports.planner import PlannerReply, PlanRequest
from v3core.ports.storage import UnitOfWork, UnitOfWorkFactory
from v3core.services.accounts import CreateUserCommand
from v3core.services.clients import CreateClientCommand
from v3core.services.jobs import CreateJobCommand, JobActionCommand
from v3core.testing.workflow import WorkflowKit, WorkflowServices


@attrs.define
class Outage:
    """A database URL and how to make that database go away and come back."""

    url: str
    go_away: Callable[[], None]
    come_back: Callable[[], None]
    lasts: float
    """Seconds the outage lasts once it starts."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def outage(request: pytest.FixtureRequest, migrated_sqlite: Path, tmp_path: Path) -> Iterator[Outage]:
    if request.param == "postgres":
        postgres_url: str = request.getfixturevalue("postgres_url")
        proxy = TcpProxy.for_url(postgres_url)
        yield Outage(proxy.url_through(postgres_url), proxy.stop, proxy.start, lasts=1.5)
        proxy.stop()
        return
    url = fresh_sqlite(migrated_sqlite, tmp_path / "db")
    held: list[Any] = []

    def lock() -> None:
        held.append(sqlite_write_lock(url))
        held[-1].__enter__()

    def unlock() -> None:
        while held:
            held.pop().__exit__(None, None, None)

    # past the 5 s a write waits for a locked SQLite database before giving up
    yield Outage(url, lock, unlock, lasts=6.0)
    unlock()


class OutageWhilePlanning(TemplateScenePlanner):
    """Plans like the template planner; the first time, the database goes away while it thinks
    (so storing the storyboard meets the outage) and comes back ``outage.lasts`` seconds later."""

    def __init__(self, outage: Outage) -> None:
        super().__init__()
        self.outage = outage
        self.calls = 0

    async def plan(self, request: PlanRequest) -> PlannerReply:
        reply = await super().plan(request)
        self.calls += 1
        if self.calls == 1:
            self.outage.go_away()
            asyncio.get_running_loop().call_later(self.outage.lasts, self.outage.come_back)
        return reply


def _settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=data_dir, jwt_secret="test-secret-" + "x" * 32)


async def _job_after_planning(container: Container) -> Job:
    await start_container(container)
    user = await container.create_user().execute(CreateUserCommand("outage@example.test"))
    client = await container.create_client().execute(CreateClientCommand(user.id, "Acme"))
    view = await container.create_job().execute(CreateJobCommand(user.id, brief(client.id)))
    await asyncio.wait_for(container.task_runner().join(), 60)
    async with container.uow_factory()() as uow:
        job = await uow.jobs.get_any(view.job.id)
    assert job is not None
    return job


async def test_a_planning_step_that_meets_an_outage_is_retried_and_the_job_is_not_failed(
    outage: Outage, tmp_path: Path
) -> None:
    container = build_container(_settings(outage.url, tmp_path / "data"))
    planner = OutageWhilePlanning(outage)
    container.planner.override(providers.Object(planner))
    try:
        job = await _job_after_planning(container)
    finally:
        await close_container(container)

    assert job.status == JobStatus.STORYBOARD_READY, job.error
    assert job.error is None
    assert planner.calls >= 2, "the outage happened and the step ran again"


# --- a crash that is not an outage ------------------------------------------------------


class DatabaseDown(OSError):
    """An unexpected error from below the adapters (not a recognised outage)."""


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


class CrashWhilePlanning(TemplateScenePlanner):
    def __init__(self, database: FlakyDatabase, failures: int) -> None:
        super().__init__()
        self.database = database
        self.failures = failures

    async def plan(self, request: PlanRequest) -> PlannerReply:
        reply = await super().plan(request)
        self.database.down, self.failures = self.failures, 0
        return reply


async def test_an_unexpected_crash_whose_failure_is_recorded_late_fails_the_job_and_retries(
    migrated_sqlite: Path, tmp_path: Path
) -> None:
    storage = open_storage(fresh_sqlite(migrated_sqlite, tmp_path))
    database = FlakyDatabase(storage.uow_factory)
    svc = WorkflowServices(WorkflowKit(uow=database, planner=CrashWhilePlanning(database, failures=3)))
    worker = svc.tasks.handler.__self__  # type: ignore[union-attr]
    svc.tasks.handler = attrs.evolve(worker, retry_delays=(0.01, 0.01, 0.01)).execute
    owner, client = await svc.seed_owner()
    job = (await svc.create.execute(CreateJobCommand(owner, brief(client)))).job
    try:
        with pytest.raises(DatabaseDown):
            await svc.tasks.run_all()  # the crash itself still surfaces (and is logged by the runner)
        after_crash = await svc.job(owner, job.id)
        await svc.act.execute(JobActionCommand(owner, job.id, "retry"))
        await svc.tasks.run_all()
        retried = await svc.job(owner, job.id)
    finally:
        await storage.close()

    assert after_crash.status == JobStatus.FAILED, "not left processing"
    assert after_crash.error is not None
    assert after_crash.error.code == "internal_error"
    assert retried.status == JobStatus.STORYBOARD_READY
