"""Fixtures for the procrastinate runner: an API-side container and worker containers on the
session's throw-away PostgreSQL database, each with its own runner and connection pool (as
separate processes would have)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest
from dependency_injector import providers

from adapters.tasks.procrastinate_runner import ProcrastinateTaskRunner
from entrypoints.container import Container, build_container, close_container, start_container
from entrypoints.settings import Settings, TaskRunnerKind
from entrypoints.worker import run_workers
from tests.conftest import migrated_postgres
from tests.sealed import SealedSettings
from v3core.model import Job, JobStatus
from v3core.ports.tasks import TaskKind
from v3core.services.accounts import CreateUserCommand
from v3core.services.clients import CreateClientCommand
from v3core.services.jobs import CreateJobCommand

FAST = {"fetch_job_polling_interval": 0.2, "abort_job_polling_interval": 0.2}
_tenants = itertools.count(1)


def queue_settings(database_url: str, data_dir: Path, **fields: Any) -> Settings:
    """Scale-out settings: PostgreSQL, procrastinate, template planner (``fields`` added)."""
    return SealedSettings(
        database_url=database_url,
        data_dir=data_dir,
        jwt_secret="test-secret-" + "x" * 32,
        task_runner=TaskRunnerKind.PROCRASTINATE,
        **fields,
    )


def runner_of(container: Container) -> ProcrastinateTaskRunner:
    runner = container.task_runner()
    assert isinstance(runner, ProcrastinateTaskRunner)
    return runner


@attrs.define
class Run:
    kind: TaskKind
    job_id: str
    worker: str
    started: float
    ended: float | None = None
    outcome: str = "running"


@attrs.define
class RecordingTasks:
    """Stands in for ``RunJobTask``: records every run; ``hold_back`` keeps a job's runs waiting."""

    runs: list[Run] = attrs.Factory(list)
    gates: dict[str, asyncio.Event] = attrs.Factory(dict)
    duration: float = 0.05

    def hold_back(self, job_id: str) -> None:
        self.gates[job_id] = asyncio.Event()

    def release(self, job_id: str) -> None:
        self.gates[job_id].set()

    def for_worker(self, name: str) -> _WorkerView:
        return _WorkerView(self, name)

    def of(self, job_id: str) -> list[Run]:
        return [run for run in self.runs if run.job_id == job_id]


@attrs.frozen
class _WorkerView:
    log: RecordingTasks
    name: str

    async def execute(self, kind: TaskKind, job_id: str) -> None:
        run = Run(kind, job_id, self.name, time.monotonic())
        self.log.runs.append(run)
        try:
            await asyncio.sleep(self.log.duration)
            if job_id in self.log.gates:
                await self.log.gates[job_id].wait()
            run.outcome = "done"
        except asyncio.CancelledError:
            run.outcome = "cancelled"
            raise
        finally:
            run.ended = time.monotonic()


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 15.0) -> None:
    """Polls ``check`` until it holds; fails after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.05)


@attrs.define
class Cluster:
    """The API-side container plus a way to start worker containers."""

    api: Container
    database_url: str
    data_dir: Path

    @property
    def runner(self) -> ProcrastinateTaskRunner:
        return runner_of(self.api)

    async def job(self, job_id: str) -> Job:
        async with self.api.uow_factory()() as uow:
            job = await uow.jobs.get_any(job_id)
        assert job is not None
        return job

    async def status(self, job_id: str) -> JobStatus:
        return (await self.job(job_id)).status

    async def new_job(self) -> tuple[str, str]:
        """A job created through the use case (pending, planning queued); (owner id, job id)."""
        user = await self.api.create_user().execute(CreateUserCommand(f"tasks-{next(_tenants)}@example.test"))
        client = await self.api.create_client().execute(CreateClientCommand(user.id, "Acme"))
        body = {
            "context": {"clientId": client.id},
            "adBasics": {
                "product": "Smart Watch",
                "targetAudience": "Tech enthusiasts",
                "keyMessage": "Stay connected",
                "callToAction": "Buy Now",
            },
            "creative": {"direction": {"style": "Modern and sleek"}},
        }
        view = await self.api.create_job().execute(CreateJobCommand(user.id, body))
        return user.id, view.job.id

    async def task_statuses(self, job_id: str) -> list[str]:
        """procrastinate's statuses of the tasks queued for ``job_id``, oldest first."""
        return [t.status for t in await self.runner.app.job_manager.list_jobs_async(lock=job_id)]

    @asynccontextmanager
    async def worker(
        self, recording: RecordingTasks | None = None, name: str = "w", **options: Any
    ) -> AsyncIterator[Container]:
        """A worker container running ``run_workers`` until the block ends (graceful stop)."""
        container = build_container(queue_settings(self.database_url, self.data_dir))
        if recording is not None:
            container.run_job_task.override(providers.Object(recording.for_worker(name)))
        stop = asyncio.Event()
        options = {**FAST, "concurrency": 4, **options}
        task = asyncio.create_task(run_workers(container, stop, **options))
        try:
            yield container
        finally:
            stop.set()
            try:
                await asyncio.wait_for(task, 15)
            finally:
                await close_container(container)


@pytest.fixture(scope="module")
def queue_database() -> Iterator[str]:
    """A database of this module's own: a worker starting on the session's shared one would
    resume the jobs other tests left unfinished, and run them among the tasks a test counts."""
    yield from migrated_postgres("v3tasks")


@pytest.fixture(scope="module")
async def cluster(queue_database: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    """An API process's container (started: the queue schema exists) on the module's database."""
    data_dir = tmp_path_factory.mktemp("tasks")
    api = build_container(queue_settings(queue_database, data_dir))
    await start_container(api)
    try:
        yield Cluster(api, queue_database, data_dir)
    finally:
        await close_container(api)
