"""Scaled out, webhook deliveries are tasks of the queue engine: an API process records and queues
them, a ``v3 worker`` sends them and schedules each retry in the queue (same ``webhook-id``)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from entrypoints.container import build_container, close_container, start_container
from entrypoints.worker import run_workers
from tests.integration.tasks.conftest import FAST, Cluster, eventually, queue_settings, runner_of
from tests.webhook_receiver import running_receiver
from v3core.events import JobEvent
from v3core.services.accounts import CreateUserCommand
from v3core.services.webhooks import CreateWebhookCommand
from v3core.webhooks import DeliveryState

pytestmark = pytest.mark.postgres


async def test_a_worker_sends_a_queued_delivery_and_its_retry_with_the_same_webhook_id(
    cluster: Cluster,
) -> None:
    settings = queue_settings(
        cluster.database_url,
        cluster.data_dir,
        webhook_allow_private_networks=True,
        webhook_retry_delays="0.1,0.1",
    )
    async with running_receiver(
        lambda request, earlier: (500, {}) if earlier == 0 else (204, {})
    ) as receiver:
        api = build_container(settings)
        await start_container(api)
        try:
            user = await api.create_user().execute(CreateUserCommand("hooked-worker@example.test"))
            command = CreateWebhookCommand(user.id, receiver.url, ["job.completed"])
            issued = await api.create_webhook().execute(command)
            event = JobEvent("job-w", user.id, 1, "job.completed", {"id": "job-w"}, datetime.now(UTC))
            [delivery] = await api.webhook_dispatcher().dispatch(event)
            assert await runner_of(api).has_active_task(delivery.id)
            assert receiver.received == []  # queued, not sent, until a worker takes it

            worker = build_container(settings)
            stop = asyncio.Event()
            working = asyncio.create_task(run_workers(worker, stop, concurrency=2, **FAST))
            try:
                sent = await receiver.wait_for(2)

                async def settled() -> bool:
                    async with api.uow_factory()() as uow:
                        found = await uow.webhook_deliveries.get_any(delivery.id)
                    return (
                        found is not None and found.state is DeliveryState.SUCCEEDED and found.attempts == 2
                    )

                await eventually(settled)
            finally:
                stop.set()
                await asyncio.wait_for(working, 15)
                await close_container(worker)
        finally:
            await close_container(api)
    assert [r.message_id for r in sent] == [delivery.message_id] * 2
    assert all(r.verified(issued.secret) for r in sent)
