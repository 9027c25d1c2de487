"""The ``v3 worker`` process: procrastinate workers on the job queues, with the same container
as ``v3 serve`` but no HTTP.

One process runs three procrastinate workers sharing a connection pool: ``planning`` (and
the periodic ``maintenance`` task) with ``--concurrency`` tasks at once (network-bound),
``rendering`` with ``--render-concurrency`` (CPU-bound, default 1), and ``webhooks`` (delivery
attempts, network-bound) with ``WEBHOOK_CONCURRENCY``. ``--queues``
picks a subset, to dedicate machines to rendering. SIGTERM/SIGINT stop it gracefully:
no new task is taken, running ones get ``--shutdown-timeout`` seconds, then are
cancelled and requeued for another worker.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Collection
from typing import Any

import click
from pydantic import ValidationError

from adapters.tasks.procrastinate_app import (
    MAINTENANCE_QUEUE,
    PLANNING_QUEUE,
    RENDERING_QUEUE,
    WEBHOOKS_QUEUE,
)
from adapters.tasks.procrastinate_runner import ProcrastinateTaskRunner
from entrypoints.container import Container, build_container, close_container
from entrypoints.settings import Settings, TaskRunnerKind
from entrypoints.storage import prepare_database
from v3core.services.jobs import ResumeUnfinishedJobs

log = logging.getLogger("v3.worker")

WORK_QUEUES = (PLANNING_QUEUE, RENDERING_QUEUE, WEBHOOKS_QUEUE)
EMBEDDED_DEFAULT = (
    "TASK_RUNNER=inprocess (the embedded default) runs background work inside `v3 serve`; "
    "there is no separate worker to start. To scale out, set DATABASE_URL to PostgreSQL and "
    "TASK_RUNNER=procrastinate for `v3 serve` and `v3 worker` alike."
)


class NoQueueEngine(Exception):
    """``v3 worker`` was started with the in-process runner."""


async def recover(container: Container, runner: ProcrastinateTaskRunner) -> tuple[int, int]:
    """Requeue tasks of dead workers, then resubmit unfinished jobs with no task and queue waiting
    webhook deliveries with none; the counts (stalled tasks, resubmitted jobs)."""
    stalled = await runner.retry_stalled_jobs()
    idle = runner.when_idle()
    await ResumeUnfinishedJobs(container.uow_factory(), idle).execute()
    await container.resume_webhook_deliveries().execute()
    return stalled, idle.submitted


async def run_workers(
    container: Container,
    stop: asyncio.Event,
    *,
    concurrency: int,
    render_concurrency: int = 1,
    queues: Collection[str] = WORK_QUEUES,
    **options: Any,
) -> None:
    """Work ``queues`` until ``stop`` is set (then stop gracefully) or a worker fails.

    ``options`` go to procrastinate's worker (``shutdown_graceful_timeout``,
    ``fetch_job_polling_interval``...)."""
    runner = container.task_runner()
    if not isinstance(runner, ProcrastinateTaskRunner):
        raise NoQueueEngine(EMBEDDED_DEFAULT)
    unknown = set(queues) - set(WORK_QUEUES)
    if unknown or not queues:
        raise ValueError(f"queues must be among {', '.join(WORK_QUEUES)}; got {', '.join(queues)}")
    await runner.open()
    runner.bind_reconcile(container.resume_webhook_deliveries().execute)
    stalled, resumed = await recover(container, runner)
    log.info("recovered %d stalled task(s), resubmitted %d unfinished job(s)", stalled, resumed)
    webhooks = container.settings().webhook_concurrency
    plan = {PLANNING_QUEUE: concurrency, RENDERING_QUEUE: render_concurrency, WEBHOOKS_QUEUE: webhooks}
    names = [queue for queue in WORK_QUEUES if queue in queues]
    workers = [
        asyncio.create_task(
            runner.work(
                [queue, MAINTENANCE_QUEUE] if index == 0 else [queue],
                concurrency=plan[queue],
                name=queue,
                **options,
            ),
            name=f"worker:{queue}",
        )
        for index, queue in enumerate(names)
    ]
    await _until_stopped(workers, stop)


async def _until_stopped(workers: list[asyncio.Task[None]], stop: asyncio.Event) -> None:
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait([*workers, stopper], return_when=asyncio.FIRST_COMPLETED)
    asked_to_stop = stop.is_set()
    stopper.cancel()
    for worker in workers:
        worker.cancel()  # procrastinate turns this into a graceful stop
    results = await asyncio.gather(*workers, return_exceptions=True)
    for result in results:
        if isinstance(result, Exception):
            raise result
    if not asked_to_stop:
        raise RuntimeError("a queue worker stopped on its own (see the log above)")


def load_settings() -> Settings:
    """Settings from the environment; a bad value is a one-line CLI error, not a traceback."""
    try:
        return Settings()
    except ValidationError as error:
        raise click.ClickException("; ".join(str(e["msg"]) for e in error.errors())) from error


def run_worker_command(
    *, concurrency: int | None, render_concurrency: int, queues: Collection[str], grace: float
) -> None:
    """``v3 worker``: migrate, build the container, work until SIGTERM/SIGINT.

    ``concurrency`` defaults to ``WORKER_CONCURRENCY``."""
    settings = load_settings()
    if settings.task_runner != TaskRunnerKind.PROCRASTINATE:
        raise click.ClickException(EMBEDDED_DEFAULT)
    if not queues or not set(queues) <= set(WORK_QUEUES):
        raise click.BadParameter(f"pick among {', '.join(WORK_QUEUES)}", param_hint="--queues")
    concurrency = concurrency or settings.worker_concurrency
    prepare_database(settings)  # before logging is set up: a failure is one line, not Alembic's chatter
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):  # POSIX event loops (Linux, macOS)
            loop.add_signal_handler(signum, stop.set)
        container = build_container(settings)
        try:
            await run_workers(
                container,
                stop,
                concurrency=concurrency,
                render_concurrency=render_concurrency,
                queues=queues,
                shutdown_graceful_timeout=grace,
            )
        finally:
            await close_container(container)

    click.echo(f"v3 worker on {', '.join(queues)} (planning {concurrency}, rendering {render_concurrency})")
    asyncio.run(main())
    click.echo("v3 worker stopped")
