"""From committed job events to deliveries: the dispatcher (the outbox's writer) and the
recovery that finishes what a process that died left undone."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

import attrs

from v3core.events import WEBHOOK_EVENT_TYPES, JobEvent
from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.system import Clock, IdGenerator
from v3core.ports.tasks import TaskKind, TaskRunner
from v3core.webhooks import WebhookDelivery, new_delivery

log = logging.getLogger(__name__)

RECOVERY_LOOKBACK = timedelta(days=7)
"""How far back recovery looks for events that were committed but never dispatched."""
RECOVERY_BATCH = 1000


@attrs.frozen
class WebhookDispatcher:
    """Turns a committed job event into one delivery per endpoint of its owner that wants it,
    and queues each. Idempotent: a second call for the same event records and queues nothing."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    tasks: TaskRunner

    async def dispatch(self, event: JobEvent) -> Sequence[WebhookDelivery]:
        """The deliveries this call recorded (and queued)."""
        stored = await self.record(event)
        for delivery in stored:
            await self.tasks.submit(TaskKind.DELIVER_WEBHOOK, delivery.id)
        return stored

    async def record(self, event: JobEvent) -> Sequence[WebhookDelivery]:
        """Record the deliveries of ``event`` that do not exist yet, without queueing them."""
        if event.type not in WEBHOOK_EVENT_TYPES:
            return ()
        now = self.clock.now()
        async with self.uow() as uow:
            endpoints = await uow.webhooks.list_for_owner(event.owner_id)
            wanted = [
                new_delivery(self.ids.new_id(), w, event, now) for w in endpoints if w.wants(event.type)
            ]
            if not wanted:
                return ()
            stored = await uow.webhook_deliveries.add_new(wanted)
            await uow.commit()
        return stored


@attrs.frozen
class ResumeWebhookDeliveries:
    """After a restart (and periodically): record the deliveries of events a dying process
    committed but never dispatched, then queue every delivery waiting for an attempt at its due
    time. Queueing one that is already queued is harmless: an attempt re-reads the delivery and
    records itself with a compare-and-set."""

    uow: UnitOfWorkFactory
    clock: Clock
    dispatcher: WebhookDispatcher
    tasks: TaskRunner
    lookback: timedelta = RECOVERY_LOOKBACK

    async def execute(self) -> int:
        """How many deliveries were queued."""
        await self._record_missed()
        async with self.uow() as uow:
            pending = await uow.webhook_deliveries.pending(RECOVERY_BATCH)
        now = self.clock.now()
        for delivery in pending:
            due = delivery.next_attempt_at or now
            delay = max(0.0, (due - now).total_seconds())
            await self.tasks.submit(TaskKind.DELIVER_WEBHOOK, delivery.id, delay=delay)
        return len(pending)

    async def _record_missed(self) -> None:
        since = self.clock.now() - self.lookback
        async with self.uow() as uow:
            missed = await uow.webhook_deliveries.missed_events(since, WEBHOOK_EVENT_TYPES, RECOVERY_BATCH)
        events = {(m.event.job_id, m.event.seq): m.event for m in missed if m.webhook.wants(m.event.type)}
        if events:
            log.warning("recording webhook deliveries of %d job event(s) never dispatched", len(events))
        for event in events.values():
            await self.dispatcher.record(event)


@attrs.frozen
class DispatchCommittedEvents:
    """The ``DeliverableEvents`` of the units of work: right after a commit that gave jobs an
    event webhooks deliver, dispatch those jobs' deliverable events (the dispatcher records
    each event's deliveries once, so an event seen again costs nothing). An owner without
    endpoints costs one read. A failure is logged, not raised: the change is committed, and the
    recovery scan (``ResumeWebhookDeliveries``) records what this missed."""

    uow: UnitOfWorkFactory
    dispatcher: WebhookDispatcher

    async def committed(self, jobs: Sequence[tuple[str, str]]) -> None:
        for owner_id, job_id in jobs:
            try:
                await self._dispatch(owner_id, job_id)
            except Exception:
                log.exception("dispatching the webhook events of job %s failed; recovery will retry", job_id)

    async def _dispatch(self, owner_id: str, job_id: str) -> None:
        async with self.uow() as uow:
            if not await uow.webhooks.list_for_owner(owner_id):
                return
            events = await uow.job_events.after(owner_id, job_id, 0, limit=RECOVERY_BATCH)
        for event in events:
            if event.type in WEBHOOK_EVENT_TYPES:
                await self.dispatcher.dispatch(event)
