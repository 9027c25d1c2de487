"""Several ``v3 serve`` processes with the in-process runner on one PostgreSQL: each resumes the
unfinished jobs at start-up, and each step still runs in exactly one of them (job leases). The
same holds for a serving process left on the in-process runner next to a ``v3 worker``.

Two containers stand for two processes: each has its own engine, connection pool, task
runner and lease connection, and they start at the same time on the same database. The
planner is slow enough that both would be planning the same job at once without leases.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from dependency_injector import providers

from adapters.planners.template import TemplateScenePlanner
from adapters.tasks.pg_leases import PostgresJobLeases, lease_key
from entrypoints.container import Container, build_container, close_container, start_container
from entrypoints.settings import Settings, TaskRunnerKind
from entrypoints.worker import run_workers
from tests.integration.jobs.conftest import brief
from v3core.model import JobStatus
from v3core.ports.planner import PlannerReply, PlanRequest
from v3core.ports.tasks import TaskKind
from v3core.services.accounts import CreateUserCommand
from v3core.services.clients import CreateClientCommand
from v3core.services.jobs import CreateJobCommand

pytestmark = pytest.mark.postgres

_tenants = itertools.count(1)


class CountingPlanner(TemplateScenePlanner):
    """The template planner, slowed down, counting the plans asked for each job."""

    def __init__(self) -> None:
        super().__init__()
        self.plans: Counter[str] = Counter()

    async def plan(self, request: PlanRequest) -> PlannerReply:
        self.plans[request.brief.ad_basics.key_message] += 1
        await asyncio.sleep(0.3)
        return await super().plan(request)


class NoRunner:
    """A task runner that never runs anything (the process that created the jobs died)."""

    async def submit(self, kind: TaskKind, job_id: str) -> None:
        return None

    async def cancel(self, job_id: str) -> None:
        return None


def _settings(database_url: str, data_dir: Path, **fields: object) -> Settings:
    return Settings(
        database_url=database_url, data_dir=data_dir, jwt_secret="test-secret-" + "x" * 32, **fields
    )


async def _unfinished_jobs(postgres_url: str, data_dir: Path, count: int) -> list[str]:
    """``count`` pending jobs whose planning was never run, each with its own key message."""
    container = build_container(_settings(postgres_url, data_dir))
    container.task_runner.override(providers.Object(NoRunner()))
    try:
        user = await container.create_user().execute(
            CreateUserCommand(f"leases-{next(_tenants)}@example.test")
        )
        client = await container.create_client().execute(CreateClientCommand(user.id, "Acme"))
        jobs = []
        for n in range(count):
            body = brief(client.id)
            body["adBasics"]["keyMessage"] = f"lease-job-{n}"
            jobs.append((await container.create_job().execute(CreateJobCommand(user.id, body))).job.id)
        return jobs
    finally:
        await close_container(container)


def _process(postgres_url: str, data_dir: Path, planner: CountingPlanner, **fields: object) -> Container:
    container = build_container(_settings(postgres_url, data_dir, **fields))
    container.planner.override(providers.Object(planner))
    return container


async def test_two_serving_processes_resume_the_same_jobs_and_each_step_runs_once(
    postgres_url: str, tmp_path: Path
) -> None:
    job_ids = await _unfinished_jobs(postgres_url, tmp_path / "creator", count=6)
    planner = CountingPlanner()
    first = _process(postgres_url, tmp_path / "first", planner)
    second = _process(postgres_url, tmp_path / "second", planner)
    try:
        await asyncio.gather(start_container(first), start_container(second))
        await asyncio.wait_for(asyncio.gather(first.task_runner().join(), second.task_runner().join()), 60)
        async with first.uow_factory()() as uow:
            statuses = [(await uow.jobs.get_any(job_id)).status for job_id in job_ids]  # type: ignore[union-attr]
    finally:
        await asyncio.gather(close_container(first), close_container(second))

    assert statuses == [JobStatus.STORYBOARD_READY] * len(job_ids)
    ours = {message: count for message, count in planner.plans.items() if message.startswith("lease-job-")}
    assert ours == {f"lease-job-{n}": 1 for n in range(len(job_ids))}  # (the session database may
    # hold other tests' unfinished jobs: they are resumed too)


async def test_a_serving_process_on_the_in_process_runner_next_to_a_queue_worker_never_runs_a_step_twice(
    own_database: str, tmp_path: Path
) -> None:
    """A mixed set-up (one ``v3 serve`` left on ``TASK_RUNNER=inprocess``, a ``v3 worker`` on the
    queue): both resume the same unfinished jobs at start; the worker's tasks claim the same
    leases, so each job is planned once."""
    job_ids = await _unfinished_jobs(own_database, tmp_path / "creator", count=6)
    planner = CountingPlanner()
    serving = _process(own_database, tmp_path / "serve", planner)
    worker = _process(own_database, tmp_path / "worker", planner, task_runner=TaskRunnerKind.PROCRASTINATE)
    stop = asyncio.Event()
    working = asyncio.create_task(
        run_workers(worker, stop, concurrency=6, fetch_job_polling_interval=0.1, queues=["planning"])
    )

    async def statuses() -> list[JobStatus]:
        async with serving.uow_factory()() as uow:
            return [(await uow.jobs.get_any(job_id)).status for job_id in job_ids]  # type: ignore[union-attr]

    try:
        await start_container(serving)
        for _ in range(300):
            if await statuses() == [JobStatus.STORYBOARD_READY] * len(job_ids) or working.done():
                break
            await asyncio.sleep(0.1)
        await asyncio.wait_for(serving.task_runner().join(), 30)
        await asyncio.sleep(1.0)  # a duplicate run would have begun by now
        final = await statuses()
    finally:
        stop.set()
        await asyncio.wait_for(working, 30)
        await asyncio.gather(close_container(serving), close_container(worker))

    assert final == [JobStatus.STORYBOARD_READY] * len(job_ids)
    assert planner.plans == {f"lease-job-{n}": 1 for n in range(len(job_ids))}


async def test_a_lease_goes_to_one_claimer_and_is_free_again_once_released_or_its_process_is_gone(
    postgres_url: str,
) -> None:
    one, other = PostgresJobLeases(postgres_url), PostgresJobLeases(postgres_url)
    try:
        claims = await asyncio.gather(
            one.claim(TaskKind.PLAN_STORYBOARD, "job-a"), other.claim(TaskKind.PLAN_STORYBOARD, "job-a")
        )
        assert sorted(claims) == [False, True]
        holder, waiter = (one, other) if claims[0] else (other, one)
        assert await waiter.claim(TaskKind.RENDER_VIDEO, "job-a"), "another step of the job is free"
        await holder.release(TaskKind.PLAN_STORYBOARD, "job-a")
        assert await waiter.claim(TaskKind.PLAN_STORYBOARD, "job-a")
        assert await holder.claim(TaskKind.PLAN_STORYBOARD, "job-b")
        await holder.close()  # shutdown
        assert await waiter.claim(TaskKind.PLAN_STORYBOARD, "job-b")
    finally:
        await one.close()
        await other.close()


async def test_the_leases_of_a_process_that_died_are_taken_over(postgres_url: str) -> None:
    dead, alive = PostgresJobLeases(postgres_url), PostgresJobLeases(postgres_url)
    try:
        assert await dead.claim(TaskKind.RENDER_VIDEO, "job-c")
        assert not await alive.claim(TaskKind.RENDER_VIDEO, "job-c")
        with psycopg.connect(postgres_url, autocommit=True) as admin:  # the process is killed
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
                (lease_key(TaskKind.RENDER_VIDEO, "job-c")[1] & 0xFFFFFFFF,),
            )
        for _ in range(200):
            if await alive.claim(TaskKind.RENDER_VIDEO, "job-c"):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the dead process's lease was never freed")
    finally:
        await dead.close()
        await alive.close()
