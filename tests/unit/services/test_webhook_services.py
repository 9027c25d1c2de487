"""Webhook use cases on the in-memory store with fake signing and sending: dispatch records and
queues once, an attempt sends only when due, records its outcome and answers the backoff."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from v3core.events import JobEvent
from v3core.model import User
from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.tasks import TaskKind
from v3core.ports.webhooks import WebhookSender, WebhookSigner
from v3core.services.webhooks import (
    CreateWebhook,
    CreateWebhookCommand,
    DeliverWebhook,
    RedeliverWebhook,
    WebhookDispatcher,
)
from v3core.testing.fakes import RecordingTaskRunner, SequentialIds
from v3core.webhooks import AttemptOutcome, DeliveryState, RetrySchedule

T0 = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


@attrs.define
class Clock:
    now_at: datetime = T0

    def now(self) -> datetime:
        return self.now_at


class Signer(WebhookSigner):
    def new_secret(self) -> str:
        return "whsec_dGVzdA=="

    def signature(self, secret: str, message_id: str, timestamp: datetime, body: str) -> str:
        return f"v1,{secret}:{message_id}:{int(timestamp.timestamp())}"


@attrs.define
class Sender(WebhookSender):
    answers: list[AttemptOutcome] = attrs.Factory(list)
    sent: list[tuple[str, str, dict[str, str]]] = attrs.Factory(list)

    async def post(self, url: str, body: str, headers: Mapping[str, str]) -> AttemptOutcome:
        self.sent.append((url, body, dict(headers)))
        return self.answers.pop(0) if self.answers else AttemptOutcome(204)


@attrs.define
class World:
    uow: UnitOfWorkFactory
    clock: Clock
    tasks: RecordingTaskRunner
    sender: Sender
    owner: str
    dispatcher: WebhookDispatcher
    deliver: DeliverWebhook


@pytest.fixture
async def world() -> World:
    uow = InMemoryUnitOfWork.factory(InMemoryStore())
    async with uow() as u:
        await u.users.add(User("u1", "u1@example.test", T0))
        await u.commit()
    clock, tasks, sender, ids = Clock(), RecordingTaskRunner(), Sender(), SequentialIds()
    await CreateWebhook(uow, clock, ids, Signer()).execute(
        CreateWebhookCommand("u1", "https://hooks.example/x", ["job.completed"])
    )
    schedule = RetrySchedule((10.0, 30.0), jitter=0)
    return World(
        uow,
        clock,
        tasks,
        sender,
        "u1",
        WebhookDispatcher(uow, clock, ids, tasks),
        DeliverWebhook(uow, clock, Signer(), sender, schedule),
    )


def completed(seq: int = 1) -> JobEvent:
    return JobEvent("job-1", "u1", seq, "job.completed", {"id": "job-1"}, T0)


async def test_dispatch_queues_one_task_per_new_delivery_and_nothing_the_second_time(world: World) -> None:
    [delivery] = await world.dispatcher.dispatch(completed())
    assert await world.dispatcher.dispatch(completed()) == []
    assert list(world.tasks.queue) == [(TaskKind.DELIVER_WEBHOOK, delivery.id)]


async def test_an_attempt_is_signed_now_and_a_failure_answers_the_backoff(world: World) -> None:
    [delivery] = await world.dispatcher.dispatch(completed())
    world.sender.answers = [AttemptOutcome(500, "HTTP 500")]
    assert await world.deliver.execute(delivery.id) == 10.0
    [(url, body, headers)] = world.sender.sent
    assert headers["webhook-id"] == delivery.message_id
    assert headers["webhook-timestamp"] == str(int(T0.timestamp()))
    assert headers["webhook-signature"] == f"v1,whsec_dGVzdA==:{delivery.message_id}:{int(T0.timestamp())}"
    assert (url, body) == ("https://hooks.example/x", delivery.body)


async def test_an_attempt_woken_before_its_time_sends_nothing_and_answers_the_wait(world: World) -> None:
    [delivery] = await world.dispatcher.dispatch(completed())
    world.sender.answers = [AttemptOutcome(500, "HTTP 500")]
    await world.deliver.execute(delivery.id)
    world.clock.now_at = T0 + timedelta(seconds=4)
    assert await world.deliver.execute(delivery.id) == pytest.approx(6.0)
    assert len(world.sender.sent) == 1


async def test_a_settled_delivery_is_not_sent_again_by_a_stray_task(world: World) -> None:
    [delivery] = await world.dispatcher.dispatch(completed())
    assert await world.deliver.execute(delivery.id) is None
    assert await world.deliver.execute(delivery.id) is None
    assert len(world.sender.sent) == 1
    async with world.uow() as uow:
        stored = await uow.webhook_deliveries.get_any(delivery.id)
    assert stored is not None
    assert stored.state is DeliveryState.SUCCEEDED


async def test_redelivery_requeues_at_once_after_cancelling_a_waiting_retry(world: World) -> None:
    [delivery] = await world.dispatcher.dispatch(completed())
    world.tasks.queue.clear()
    await world.deliver.execute(delivery.id)
    redelivered = await RedeliverWebhook(world.uow, world.clock, world.tasks).execute(
        "u1", delivery.webhook_id, delivery.id
    )
    assert redelivered.state is DeliveryState.PENDING
    assert world.tasks.cancelled == [delivery.id]
    assert list(world.tasks.queue) == [(TaskKind.DELIVER_WEBHOOK, delivery.id)]
    assert await world.deliver.execute(delivery.id) is None
    assert len(world.sender.sent) == 2
