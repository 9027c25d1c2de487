"""Wiring of webhook delivery: the guarded sender, the retry schedule, routing delivery tasks, and
recovery of waiting deliveries at start-up and periodically."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from adapters.tasks.idle import KnowsActiveTasks, SubmitWhenIdle
from adapters.tasks.inprocess import InProcessTaskRunner
from adapters.webhooks.deferred import DeferredWebhookSender
from entrypoints.settings import Settings
from v3core.ports.events import DeliverableEvents
from v3core.ports.tasks import TaskKind, TaskRunner
from v3core.services.jobs import RunJobTask
from v3core.services.webhooks import DeliverWebhook, ResumeWebhookDeliveries
from v3core.webhooks import RetrySchedule

if TYPE_CHECKING:  # httpx is imported on first use (``v3 serve`` start-up time counts)
    from adapters.webhooks.sender import HttpxWebhookSender

RECOVERY_SECONDS = 60.0
"""How often the embedded runner looks for waiting deliveries that have no task."""

TaskHandler = Callable[[TaskKind, str], Awaitable[None]]


class LateDeliverableEvents(DeliverableEvents):
    """The units of work's ``DeliverableEvents``: hands the jobs to the dispatcher in a task of
    its own, so the committing unit of work returns its connection before the dispatch takes
    others (dispatching inline, many commits at once could hold the whole pool and wait for
    more). The dispatcher is resolved on first use: storage is built before it."""

    def __init__(self, target: Callable[[], DeliverableEvents]) -> None:
        self._target = target
        self._running: set[asyncio.Task[None]] = set()

    async def committed(self, jobs: Sequence[tuple[str, str]]) -> None:
        task = asyncio.get_running_loop().create_task(self._target().committed(list(jobs)))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def aclose(self, seconds: float = 5.0) -> None:
        """Let dispatches in flight finish (shutdown); what does not in ``seconds`` is left to
        the recovery scan of the next process."""
        if self._running:
            await asyncio.wait(set(self._running), timeout=seconds)


async def close_deliverable(events: LateDeliverableEvents) -> None:
    """Wait for the dispatches in flight (shutdown, before storage closes)."""
    await events.aclose()


def make_sender(settings: Settings) -> DeferredWebhookSender:
    """The guarded sender, built on the first delivery attempt (``build_sender``)."""
    return DeferredWebhookSender(lambda: build_sender(settings))


def build_sender(settings: Settings) -> HttpxWebhookSender:
    """The sender behind the outbound guard (``WEBHOOK_ALLOW_PRIVATE_NETWORKS``,
    ``WEBHOOK_TIMEOUT_SECONDS``), with a connection per concurrent attempt (``WEBHOOK_CONCURRENCY``)."""
    from adapters.webhooks.sender import HttpxWebhookSender

    return HttpxWebhookSender(
        timeout_seconds=settings.webhook_timeout_seconds,
        allow_private_networks=settings.webhook_allow_private_networks,
        max_connections=settings.webhook_concurrency,
    )


async def close_sender(sender: DeferredWebhookSender) -> None:
    """Close its connection pool (shutdown)."""
    await sender.aclose()


def make_schedule(settings: Settings) -> RetrySchedule:
    """``WEBHOOK_RETRY_DELAYS`` as a schedule."""
    return RetrySchedule(settings.webhook_delays)


def when_idle(runner: KnowsActiveTasks) -> TaskRunner:
    """``runner``, but queueing only what has no queued or running task (recovery scans)."""
    return SubmitWhenIdle(runner)


def route_tasks(jobs: RunJobTask, deliver: DeliverWebhook, runner: TaskRunner) -> TaskHandler:
    """The runner's handler: job steps to ``RunJobTask``, delivery attempts to ``DeliverWebhook``,
    whose next attempt (after a failure) is queued on ``runner`` with its backoff delay."""

    async def handle(kind: TaskKind, subject_id: str) -> None:
        if kind is not TaskKind.DELIVER_WEBHOOK:
            await jobs.execute(kind, subject_id)
            return
        delay = await deliver.execute(subject_id)
        if delay is not None:
            await runner.submit(TaskKind.DELIVER_WEBHOOK, subject_id, delay=delay)

    return handle


async def start_deliveries(runner: TaskRunner, resume: ResumeWebhookDeliveries) -> None:
    """At ``v3 serve`` start with the in-process runner: queue the deliveries a previous process
    left waiting (and the events it never dispatched), then rescan every minute. With the queue
    engine the ``v3 worker`` processes do it (``entrypoints.worker``)."""
    if isinstance(runner, InProcessTaskRunner):
        await resume.execute()
        runner.watch(resume.execute, every=RECOVERY_SECONDS)
