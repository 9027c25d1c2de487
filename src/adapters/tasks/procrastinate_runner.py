"""The scale-out task runner: job work queued in PostgreSQL and run by ``v3 worker`` processes.

API processes only ``submit``/``cancel`` (an INSERT / UPDATE in procrastinate's tables);
worker processes ``work`` the queues and call the bound handler (``RunJobTask.execute``).
Recovery when a worker dies (see decision 0101):

- a task interrupted by a worker shutdown is requeued (``RequeueInterrupted``);
- a task left ``doing`` by a killed worker (no heartbeat for ``stalled_after`` seconds)
  is requeued by ``retry_stalled_jobs``, run at worker start and by the periodic
  maintenance task;
- ``reconcile`` (bound by the composition root: ``ResumeUnfinishedJobs`` through
  ``when_idle()``) resubmits a pending/processing job that has no queued or running
  task, e.g. when an API process died between committing a job and queueing it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException
from procrastinate.types import TimeDeltaParams

from adapters.tasks.idle import SubmitWhenIdle
from adapters.tasks.leases import JobLeases, LocalJobLeases, run_leased
from adapters.tasks.procrastinate_app import (
    TaskHandler,
    build_app,
    ensure_schema,
    libpq_conninfo,
)
from v3core.ports.tasks import TaskKind, TaskRunner

log = logging.getLogger(__name__)

_ACTIVE_TASKS = (  # served by procrastinate's partial index on (id, lock) of todo/doing rows
    "SELECT id FROM procrastinate_jobs WHERE lock = %(lock)s AND status IN ('todo', 'doing')"
)
FINISHED_JOBS_KEPT_HOURS = 72


class ProcrastinateTaskRunner(TaskRunner):
    """Queues ``(kind, job_id)`` as procrastinate jobs; ``work()`` runs them in this process."""

    def __init__(
        self,
        database_url: str,
        *,
        pool_min: int = 1,
        pool_max: int = 10,
        stalled_after: float = 30.0,
        leases: JobLeases | None = None,
    ) -> None:
        self._conninfo = libpq_conninfo(database_url)
        self._leases = leases or LocalJobLeases()
        self._handler: TaskHandler | None = None
        self._reconcile: list[Callable[[], Awaitable[int]]] = []
        self._stalled_after = stalled_after
        self._open_lock = asyncio.Lock()
        self._opened = False
        self.app: App = build_app(
            self._conninfo, self._run, self.maintain, pool_min=pool_min, pool_max=pool_max
        )

    def bind(self, handler: TaskHandler) -> None:
        """Set what runs a task (done by the composition root, which builds both sides)."""
        self._handler = handler

    def bind_reconcile(self, reconcile: Callable[[], Awaitable[int]]) -> None:
        """Add a scan run by the periodic maintenance task (unfinished jobs without a queued or
        running task; webhook deliveries waiting without one)."""
        self._reconcile.append(reconcile)

    async def open(self) -> None:
        """Open the connection pool and create the queue schema if missing (idempotent)."""
        async with self._open_lock:
            if self._opened:
                return
            await ensure_schema(self._conninfo)
            await self.app.open_async()
            self._opened = True

    async def shutdown(self) -> None:
        """Close the connection pool (queued work stays in the database) and the leases."""
        async with self._open_lock:
            if self._opened:
                await self.app.close_async()
                self._opened = False
        await self._leases.close()

    async def submit(self, kind: TaskKind, job_id: str, *, delay: float = 0.0) -> None:
        await self.open()
        lock, queueing_lock = job_id, f"{kind.value}:{job_id}"
        if delay > 0:  # a webhook retry: the worker takes it when it is due
            wait: TimeDeltaParams = {"milliseconds": max(1, round(delay * 1000))}
            deferrer = self.app.configure_task(
                kind.value, lock=lock, queueing_lock=queueing_lock, schedule_in=wait
            )
        else:
            deferrer = self.app.configure_task(kind.value, lock=lock, queueing_lock=queueing_lock)
        try:
            await deferrer.defer_async(job_id=job_id)
        except AlreadyEnqueued:
            log.debug("%s for job %s is already queued", kind.value, job_id)

    async def cancel(self, job_id: str) -> None:
        for task_id in await self._active_tasks(job_id):
            await self.app.job_manager.cancel_job_by_id_async(task_id, abort=True)

    async def has_active_task(self, job_id: str) -> bool:
        """Whether a task of ``job_id`` is queued or running."""
        return bool(await self._active_tasks(job_id))

    async def _active_tasks(self, job_id: str) -> list[int]:
        await self.open()
        rows = await self.app.connector.execute_query_all_async(_ACTIVE_TASKS, lock=job_id)
        return [int(row["id"]) for row in rows]

    def when_idle(self) -> SubmitWhenIdle:
        """This runner, but ``submit`` does nothing for a job that already has an active task."""
        return SubmitWhenIdle(self)

    async def work(
        self,
        queues: Iterable[str],
        *,
        concurrency: int,
        name: str,
        **options: Any,
    ) -> None:
        """Run a worker on ``queues`` until cancelled; cancelling stops it gracefully
        (running tasks get ``shutdown_graceful_timeout`` seconds, then are requeued)."""
        if self._handler is None:
            raise RuntimeError("ProcrastinateTaskRunner.bind() was not called")
        await self.open()
        options.setdefault("install_signal_handlers", False)
        options.setdefault("delete_jobs", "successful")
        options.setdefault("stalled_worker_timeout", self._stalled_after)
        await self.app.run_worker_async(queues=list(queues), concurrency=concurrency, name=name, **options)

    async def retry_stalled_jobs(self) -> int:
        """Requeue tasks left running by workers without a heartbeat for ``stalled_after`` s."""
        await self.open()
        manager = self.app.job_manager
        stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=self._stalled_after)
        retried = 0
        for task in stalled:
            try:
                await manager.retry_job(task)
            except ConnectorException as error:  # another worker requeued it first
                log.info("stalled task %s not requeued: %s", task.id, error)
                continue
            log.warning("requeued stalled task %s %s", task.task_name, task.task_kwargs)
            retried += 1
        return retried

    async def maintain(self) -> None:
        """Requeue stalled tasks, resubmit orphaned jobs, forget old finished tasks."""
        await self.retry_stalled_jobs()
        for reconcile in self._reconcile:
            await reconcile()
        await self.app.job_manager.delete_old_jobs(
            FINISHED_JOBS_KEPT_HOURS, include_failed=True, include_cancelled=True, include_aborted=True
        )

    async def _run(self, kind: TaskKind, job_id: str) -> None:
        """Run a task under its job lease: a ``v3 serve`` with the in-process runner on the same
        database (a mixed set-up) claims the same leases, so a step never runs in both."""
        if self._handler is None:
            raise RuntimeError("ProcrastinateTaskRunner.bind() was not called")
        await run_leased(self._leases, kind, job_id, self._handler)
