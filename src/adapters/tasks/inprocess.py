"""The embedded default: background work as asyncio tasks in the serving process.

Bounded concurrency per task kind (planning waits on the network, rendering on the
CPU), one task at a time per job, and cancellation of a job's running task. Nothing
is durable here: after a restart ``ResumeUnfinishedJobs`` resubmits whatever was
pending or processing, which is safe because each step checks the job's status first.
While serving, ``watch`` runs the same scan periodically for jobs with no task here (a
step whose failure could not even be recorded).

Several serving processes on one PostgreSQL share the work through ``leases``: a step runs
only where its job's lease was claimed (``adapters.tasks.leases``), so resuming unfinished
jobs at start-up and the periodic scan never run one step in two processes.

A step that meets a database outage (``StorageUnavailable``) is retried with exponential
backoff and jitter (tenacity) until the database is back; its concurrency slot and job
lock are released while it waits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

from adapters.tasks.leases import JobLeases, LocalJobLeases, run_leased
from v3core.errors import StorageUnavailable
from v3core.ports.tasks import TaskKind, TaskRunner

if TYPE_CHECKING:
    from tenacity import RetryCallState

log = logging.getLogger(__name__)

TaskHandler = Callable[[TaskKind, str], Awaitable[None]]

OUTAGE_BACKOFF = (0.5, 30.0)
"""First and longest wait (seconds) between attempts of a step that met a database outage."""


def _log_outage(state: RetryCallState) -> None:
    kind, job_id = state.kwargs["kind"], state.kwargs["job_id"]
    wait = state.next_action.sleep if state.next_action else 0.0
    log.warning(
        "task %s for job %s met a database outage; attempt %d, retrying in %.1f s",
        kind.value,
        job_id,
        state.attempt_number,
        wait,
    )


class InProcessTaskRunner(TaskRunner):
    """Runs tasks in this event loop with a semaphore per kind and a lock per job."""

    def __init__(
        self,
        limits: Mapping[TaskKind, int] | None = None,
        outage_backoff: tuple[float, float] = OUTAGE_BACKOFF,
        leases: JobLeases | None = None,
    ) -> None:
        limits = limits or {
            TaskKind.PLAN_STORYBOARD: 32,
            TaskKind.RENDER_VIDEO: 1,
            TaskKind.DELIVER_WEBHOOK: 32,
        }
        self._outage_backoff = outage_backoff
        self._leases = leases or LocalJobLeases()
        self._limits = {kind: asyncio.Semaphore(limits.get(kind, 1)) for kind in TaskKind}
        self._handler: TaskHandler | None = None
        self._running: dict[str, set[asyncio.Task[None]]] = {}
        self._job_locks: dict[str, asyncio.Lock] = {}
        self._watchdog: asyncio.Task[None] | None = None
        self._scans: list[Callable[[], Awaitable[int]]] = []

    def bind(self, handler: TaskHandler) -> None:
        """Set what runs a task (done by the composition root, which builds both sides)."""
        self._handler = handler

    async def submit(self, kind: TaskKind, job_id: str, *, delay: float = 0.0) -> None:
        """Start the task now, or after ``delay`` seconds (waiting takes no concurrency slot)."""
        task = asyncio.get_running_loop().create_task(
            self._run(kind, job_id, delay), name=f"{kind.value}:{job_id}"
        )
        self._running.setdefault(job_id, set()).add(task)
        task.add_done_callback(lambda t: self._forget(job_id, t))

    async def cancel(self, job_id: str) -> None:
        for task in list(self._running.get(job_id, ())):
            task.cancel()

    async def has_active_task(self, job_id: str) -> bool:
        """Whether a task of ``job_id`` is waiting or running in this process."""
        return job_id in self._running

    def watch(self, reconcile: Callable[[], Awaitable[int]], every: float) -> None:
        """Run ``reconcile`` every ``every`` seconds until ``shutdown`` (errors are logged); each
        scan given (unfinished jobs, waiting webhook deliveries) joins the same loop."""
        self._scans.append(reconcile)
        if self._watchdog is None:
            self._watchdog = asyncio.get_running_loop().create_task(self._watch(every))

    async def _watch(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            for reconcile in list(self._scans):
                try:
                    await reconcile()
                except StorageUnavailable as error:
                    log.warning("a periodic recovery scan met a database outage (%s)", error.reason)
                except Exception:
                    log.exception("a periodic recovery scan failed; trying again later")

    async def join(self) -> None:
        """Wait until no task is running (tests and graceful shutdown; wrap in a timeout)."""
        while self._running:
            await asyncio.gather(*{t for ts in self._running.values() for t in ts}, return_exceptions=True)

    async def shutdown(self) -> None:
        """Cancel everything still running; the jobs resume on the next start."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        self._scans.clear()
        tasks = [t for ts in self._running.values() for t in ts]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._leases.close()

    @property
    def running(self) -> int:
        """Number of tasks submitted and not finished."""
        return sum(len(ts) for ts in self._running.values())

    async def _run(self, kind: TaskKind, job_id: str, delay: float = 0.0) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            await self._retrying_outages(kind=kind, job_id=job_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("task %s for job %s crashed", kind.value, job_id)

    async def _retrying_outages(self, *, kind: TaskKind, job_id: str) -> None:
        # imported on first use: start-up time counts (``v3 serve`` answers /health within 2 s)
        from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential_jitter

        first, longest = self._outage_backoff
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(StorageUnavailable),
            wait=wait_exponential_jitter(initial=first, max=longest, jitter=first),
            before_sleep=_log_outage,
            reraise=True,
        )
        await retrying(self._attempt, kind=kind, job_id=job_id)

    async def _attempt(self, *, kind: TaskKind, job_id: str) -> None:
        if self._handler is None:
            raise RuntimeError("InProcessTaskRunner.bind() was not called")
        lock = self._job_locks.setdefault(job_id, asyncio.Lock())
        async with self._limits[kind], lock:
            await run_leased(self._leases, kind, job_id, self._handler)

    def _forget(self, job_id: str, task: asyncio.Task[None]) -> None:
        tasks = self._running.get(job_id)
        if tasks is not None:
            tasks.discard(task)
            if not tasks:
                del self._running[job_id]
                lock = self._job_locks.get(job_id)
                if lock is not None and not lock.locked():
                    del self._job_locks[job_id]
