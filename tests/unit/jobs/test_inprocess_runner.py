"""The embedded runner: bounded background work, and the periodic scan that unsticks jobs."""

from __future__ import annotations

import asyncio

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.tasks.idle import SubmitWhenIdle
from adapters.tasks.inprocess import InProcessTaskRunner
from v3core.model import JobStatus
from v3core.ports.tasks import TaskKind
from v3core.services.jobs import CreateJobCommand, ResumeUnfinishedJobs

from .conftest import World


async def test_the_watchdog_resubmits_a_processing_job_that_has_no_task(world: World) -> None:
    view = await world.svc.create.execute(CreateJobCommand(world.owner_id, world.body()))
    async with world.svc.kit.uow() as uow:  # a step that died without recording anything
        job = await uow.jobs.get(world.owner_id, view.job.id)
        assert job is not None
        job.status = JobStatus.STORYBOARD_PROCESSING
        await uow.jobs.update(job)
        await uow.commit()
    seen: list[tuple[TaskKind, str]] = []
    release = asyncio.Event()

    async def handler(kind: TaskKind, job_id: str) -> None:
        seen.append((kind, job_id))
        await release.wait()

    runner = InProcessTaskRunner()
    runner.bind(handler)
    runner.watch(ResumeUnfinishedJobs(world.svc.kit.uow, SubmitWhenIdle(runner)).execute, every=0.02)
    await asyncio.sleep(0.15)
    assert seen == [(TaskKind.PLAN_STORYBOARD, view.job.id)], "submitted once, not again while it runs"
    release.set()
    await runner.shutdown()


async def test_shutdown_cancels_running_tasks_and_the_watchdog() -> None:
    started = asyncio.Event()

    async def handler(kind: TaskKind, job_id: str) -> None:
        started.set()
        await asyncio.sleep(3600)

    runner = InProcessTaskRunner()
    runner.bind(handler)
    empty = ResumeUnfinishedJobs(InMemoryUnitOfWork.factory(InMemoryStore()), runner)
    runner.watch(empty.execute, every=0.01)
    await runner.submit(TaskKind.RENDER_VIDEO, "job-1")
    await started.wait()
    assert await runner.has_active_task("job-1")
    await asyncio.wait_for(runner.shutdown(), 1)
    assert not await runner.has_active_task("job-1")
