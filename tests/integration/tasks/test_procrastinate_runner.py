"""Scale-out background work: API processes queue job tasks in PostgreSQL, workers run them."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from adapters.tasks.procrastinate_app import ensure_schema, libpq_conninfo
from entrypoints.cli import main
from entrypoints.container import build_container, close_container
from entrypoints.settings import Settings, TaskRunnerKind
from entrypoints.worker import NoQueueEngine, run_workers
from tests.integration.tasks.conftest import Cluster, RecordingTasks, eventually
from v3core.model import JobStatus
from v3core.ports.tasks import TaskKind
from v3core.services.jobs import JobActionCommand

pytestmark = pytest.mark.postgres


async def test_a_created_job_is_planned_by_a_worker_until_its_storyboard_is_ready(cluster: Cluster) -> None:
    _, job_id = await cluster.new_job()
    assert await cluster.status(job_id) == JobStatus.PENDING
    assert await cluster.task_statuses(job_id) == ["todo"]

    async with cluster.worker():

        async def ready() -> bool:
            return await cluster.status(job_id) == JobStatus.STORYBOARD_READY

        await eventually(ready)

    async with cluster.api.uow_factory()() as uow:
        assert 3 <= len(await uow.scenes.list_for_job(job_id)) <= 7
    assert not await cluster.runner.has_active_task(job_id)


async def test_two_workers_run_each_queued_task_once_and_never_two_tasks_of_a_job_at_once(
    cluster: Cluster,
) -> None:
    recording = RecordingTasks(duration=0.15)
    job_ids = [f"fake-job-{n}" for n in range(8)]
    for job_id in job_ids:
        await cluster.runner.submit(TaskKind.PLAN_STORYBOARD, job_id)
        await cluster.runner.submit(TaskKind.PLAN_STORYBOARD, job_id)  # already queued: kept once
        await cluster.runner.submit(TaskKind.RENDER_VIDEO, job_id)  # same job: waits for the plan

    async with cluster.worker(recording, name="a"), cluster.worker(recording, name="b"):

        async def all_done() -> bool:
            return sum(run.outcome == "done" for run in recording.runs) >= 2 * len(job_ids)

        await eventually(all_done)

    for job_id in job_ids:
        runs = recording.of(job_id)
        assert sorted(run.kind for run in runs) == [TaskKind.PLAN_STORYBOARD, TaskKind.RENDER_VIDEO]
        first, second = sorted(runs, key=lambda run: run.started)
        assert first.kind == TaskKind.PLAN_STORYBOARD
        assert first.ended is not None
        assert first.ended <= second.started
    assert {run.worker for run in recording.runs} == {"a", "b"}


async def test_cancelling_a_job_cancels_its_queued_task(cluster: Cluster) -> None:
    owner_id, job_id = await cluster.new_job()
    await cluster.api.apply_job_action().execute(JobActionCommand(owner_id, job_id, "cancel"))
    assert await cluster.task_statuses(job_id) == ["cancelled"]

    recording = RecordingTasks()
    sentinel = "fake-sentinel-after-cancel"
    await cluster.runner.submit(TaskKind.PLAN_STORYBOARD, sentinel)
    async with cluster.worker(recording):

        async def sentinel_ran() -> bool:
            return any(run.outcome == "done" for run in recording.of(sentinel))

        await eventually(sentinel_ran)
    assert recording.of(job_id) == []
    assert await cluster.status(job_id) == JobStatus.CANCELLED


async def test_cancelling_a_running_task_stops_it_without_requeueing(cluster: Cluster) -> None:
    recording = RecordingTasks()
    job_id = "fake-job-cancelled-while-running"
    recording.hold_back(job_id)
    await cluster.runner.submit(TaskKind.RENDER_VIDEO, job_id)
    async with cluster.worker(recording):

        async def started() -> bool:
            return bool(recording.of(job_id))

        await eventually(started)
        await cluster.runner.cancel(job_id)

        async def stopped() -> bool:
            return recording.of(job_id)[0].outcome == "cancelled"

        await eventually(stopped)
    assert len(recording.of(job_id)) == 1
    assert not await cluster.runner.has_active_task(job_id)


async def test_a_task_interrupted_by_a_worker_shutdown_is_requeued(cluster: Cluster) -> None:
    recording = RecordingTasks()
    job_id = "fake-job-interrupted-by-shutdown"
    recording.hold_back(job_id)
    await cluster.runner.submit(TaskKind.PLAN_STORYBOARD, job_id)
    async with cluster.worker(recording, shutdown_graceful_timeout=0.2):

        async def started() -> bool:
            return bool(recording.of(job_id))

        await eventually(started)
    assert recording.of(job_id)[0].outcome == "cancelled"
    assert await cluster.task_statuses(job_id) == ["todo"]

    recording.release(job_id)
    async with cluster.worker(recording):

        async def finished() -> bool:
            return any(run.outcome == "done" for run in recording.of(job_id))

        await eventually(finished)


async def test_a_job_left_processing_by_a_killed_worker_is_taken_over_by_the_next_worker(
    cluster: Cluster,
) -> None:
    _, job_id = await cluster.new_job()
    manager = cluster.runner.app.job_manager
    dead_worker = await manager.register_worker()
    taken = await manager.fetch_job(queues=["planning"], worker_id=dead_worker)
    assert taken is not None
    assert taken.task_kwargs == {"job_id": job_id}
    await cluster.runner.app.connector.execute_query_async(
        "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' WHERE id = %(id)s",
        id=dead_worker,
    )
    assert await cluster.task_statuses(job_id) == ["doing"]

    async with cluster.worker():

        async def ready() -> bool:
            return await cluster.status(job_id) == JobStatus.STORYBOARD_READY

        await eventually(ready)


async def test_a_pending_job_whose_task_was_never_queued_is_resubmitted_by_a_worker(
    cluster: Cluster,
) -> None:
    _, job_id = await cluster.new_job()
    for task in await cluster.runner.app.job_manager.list_jobs_async(lock=job_id):
        assert task.id is not None
        await cluster.runner.app.job_manager.cancel_job_by_id_async(task.id, delete_job=True)
    assert await cluster.task_statuses(job_id) == []

    async with cluster.worker():

        async def ready() -> bool:
            return await cluster.status(job_id) == JobStatus.STORYBOARD_READY

        await eventually(ready)


async def test_the_queue_schema_is_created_once_even_by_concurrent_starters(cluster: Cluster) -> None:
    conninfo = libpq_conninfo(cluster.database_url)
    results = await asyncio.gather(*(ensure_schema(conninfo) for _ in range(3)))
    assert results == [False, False, False]
    assert await cluster.runner.app.check_connection_async()


async def test_the_worker_refuses_the_in_process_runner_with_an_explanation() -> None:
    container = build_container(Settings(database_url="memory://", jwt_secret="x" * 40))
    try:
        with pytest.raises(NoQueueEngine, match="inside `v3 serve`"):
            await run_workers(container, asyncio.Event(), concurrency=1)
    finally:
        await close_container(container)

    result = CliRunner().invoke(main, ["worker"], env={"TASK_RUNNER": "inprocess"})
    assert result.exit_code == 1
    assert "runs background work inside `v3 serve`" in result.output


def test_the_queue_engine_is_refused_without_postgresql() -> None:
    with pytest.raises(ValidationError, match="TASK_RUNNER=procrastinate needs a PostgreSQL DATABASE_URL"):
        Settings(database_url="sqlite:///./x.db", task_runner=TaskRunnerKind.PROCRASTINATE)


def test_database_urls_of_any_driver_spelling_become_libpq_uris() -> None:
    assert libpq_conninfo("postgresql+psycopg://u:p@h:5/db?sslmode=require") == (
        "postgresql://u:p@h:5/db?sslmode=require"
    )
    assert libpq_conninfo("postgres://u@h/db") == "postgresql://u@h/db"
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        libpq_conninfo("sqlite:///x.db")
