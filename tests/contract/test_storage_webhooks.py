"""The webhook repositories behave alike in memory, on SQLite and on PostgreSQL: endpoints are
scoped by owner, recording a delivery is idempotent per (endpoint, job, sequence number), an
attempt is recorded with a compare-and-set, and recovery finds what is waiting or was missed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tests.contract.builders import T0, a_job, a_user, later, new_id
from tests.job_event_rows import append_job_event
from v3core.events import JobEvent
from v3core.ports.storage import PageRequest, UnitOfWorkFactory
from v3core.webhooks import (
    AttemptOutcome,
    DeliveryState,
    RetrySchedule,
    Webhook,
    WebhookDelivery,
    new_delivery,
    record_attempt,
)


@pytest.fixture(autouse=True)
async def _no_waiting_deliveries_left(uow_factory: UnitOfWorkFactory, owner: str) -> AsyncIterator[None]:
    """The session's databases are shared: a pending delivery left here would be queued by the
    start-up recovery of any app on them, so each test's endpoints go (with their deliveries)."""
    yield
    async with uow_factory() as uow:
        for webhook in await uow.webhooks.list_for_owner(owner):
            await uow.webhooks.delete(owner, webhook.id)
        await uow.commit()


def a_webhook(owner: str, *events: str, created: int | None = None) -> Webhook:
    at = later(created)
    return Webhook(
        new_id("w"), owner, "https://hooks.example/x", events or ("job.*",), "mine", "whsec_c2VjcmV0", at, at
    )


def an_event(owner: str, job_id: str, seq: int, type_: str = "job.completed", seconds: int = 0) -> JobEvent:
    return JobEvent(job_id, owner, seq, type_, {"id": job_id, "status": "completed"}, later(seconds))


async def store(uow_factory: UnitOfWorkFactory, *webhooks: Webhook) -> None:
    async with uow_factory() as uow:
        for webhook in webhooks:
            await uow.webhooks.add(webhook)
        await uow.commit()


async def record(uow_factory: UnitOfWorkFactory, *deliveries: WebhookDelivery) -> list[str]:
    async with uow_factory() as uow:
        stored = await uow.webhook_deliveries.add_new(deliveries)
        await uow.commit()
    return [d.id for d in stored]


async def test_endpoints_are_read_listed_and_deleted_only_by_their_owner(
    uow_factory: UnitOfWorkFactory, owner: str
) -> None:
    stranger = a_user()
    async with uow_factory() as uow:
        await uow.users.add(stranger)
        await uow.commit()
    first, second = a_webhook(owner, "job.completed"), a_webhook(owner)
    await store(uow_factory, first, second)
    async with uow_factory() as uow:
        got = await uow.webhooks.get(owner, first.id)
        assert got is not None
        assert got.events == ("job.completed",)
        assert got.secret == first.secret
        assert await uow.webhooks.get(stranger.id, first.id) is None
        page = await uow.webhooks.list(owner, PageRequest(limit=1))
        assert (page.total, [w.id for w in page.items]) == (2, [second.id])
        assert await uow.webhooks.list(stranger.id, PageRequest()) == type(page)(items=[], total=0)
        assert not await uow.webhooks.delete(stranger.id, first.id)
        assert await uow.webhooks.delete(owner, first.id)
        await uow.commit()
    async with uow_factory() as uow:
        assert [w.id for w in await uow.webhooks.list_for_owner(owner)] == [second.id]


async def test_a_rotated_secret_is_stored(uow_factory: UnitOfWorkFactory, owner: str) -> None:
    hook = a_webhook(owner)
    await store(uow_factory, hook)
    hook.secret = "whsec_bmV3"
    async with uow_factory() as uow:
        await uow.webhooks.update(hook)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.webhooks.get_any(hook.id)).secret == "whsec_bmV3"  # type: ignore[union-attr]


async def test_recording_the_same_event_twice_stores_one_delivery_per_endpoint(
    uow_factory: UnitOfWorkFactory, owner: str
) -> None:
    first, second = a_webhook(owner), a_webhook(owner)
    await store(uow_factory, first, second)
    event = an_event(owner, "job-x", 3)
    once = [new_delivery(new_id("d"), w, event, T0) for w in (first, second)]
    again = [new_delivery(new_id("d"), w, event, T0) for w in (first, second)]
    assert await record(uow_factory, *once) == [d.id for d in once]
    assert await record(uow_factory, *again) == []
    async with uow_factory() as uow:
        listed = await uow.webhook_deliveries.list(owner, first.id, PageRequest())
    assert [d.id for d in listed.items] == [once[0].id]


async def test_an_attempt_is_recorded_only_over_the_attempt_it_started_from(
    uow_factory: UnitOfWorkFactory, owner: str
) -> None:
    hook = a_webhook(owner)
    await store(uow_factory, hook)
    delivery = new_delivery(new_id("d"), hook, an_event(owner, "job-y", 1), T0)
    await record(uow_factory, delivery)
    mine, theirs = delivery, new_delivery(delivery.id, hook, an_event(owner, "job-y", 1), T0)
    record_attempt(theirs, AttemptOutcome(204), RetrySchedule((1.0,)), T0)
    record_attempt(mine, AttemptOutcome(500, "HTTP 500"), RetrySchedule((1.0,)), T0)
    async with uow_factory() as uow:
        assert await uow.webhook_deliveries.update(theirs, 0)
        assert not await uow.webhook_deliveries.update(mine, 0)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.webhook_deliveries.get(owner, hook.id, delivery.id)
    assert stored is not None
    assert (stored.state, stored.attempts, stored.last_status_code) == (DeliveryState.SUCCEEDED, 1, 204)
    assert stored.body == delivery.body
    assert stored.delivered_at == T0


async def test_a_delivery_is_found_only_through_its_owner_and_endpoint(
    uow_factory: UnitOfWorkFactory, owner: str
) -> None:
    hook, other = a_webhook(owner), a_webhook(owner)
    await store(uow_factory, hook, other)
    delivery = new_delivery(new_id("d"), hook, an_event(owner, "job-z", 1), T0)
    await record(uow_factory, delivery)
    async with uow_factory() as uow:
        assert await uow.webhook_deliveries.get(owner, hook.id, delivery.id) is not None
        assert await uow.webhook_deliveries.get(owner, other.id, delivery.id) is None
        assert await uow.webhook_deliveries.get("someone-else", hook.id, delivery.id) is None


async def test_deleting_an_endpoint_drops_its_deliveries(uow_factory: UnitOfWorkFactory, owner: str) -> None:
    hook = a_webhook(owner)
    await store(uow_factory, hook)
    delivery = new_delivery(new_id("d"), hook, an_event(owner, "job-d", 1), T0)
    await record(uow_factory, delivery)
    async with uow_factory() as uow:
        assert await uow.webhooks.delete(owner, hook.id)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.webhook_deliveries.get_any(delivery.id) is None


async def test_pending_lists_waiting_deliveries_soonest_first(
    uow_factory: UnitOfWorkFactory, owner: str
) -> None:
    hook = a_webhook(owner)
    await store(uow_factory, hook)
    late = new_delivery(new_id("d"), hook, an_event(owner, "job-p", 1), T0 + timedelta(days=400))
    soon = new_delivery(new_id("d"), hook, an_event(owner, "job-p", 2), T0 - timedelta(days=400))
    done = new_delivery(new_id("d"), hook, an_event(owner, "job-p", 3), T0 - timedelta(days=500))
    await record(uow_factory, late, soon, done)
    record_attempt(done, AttemptOutcome(200), RetrySchedule(()), T0)
    async with uow_factory() as uow:
        assert await uow.webhook_deliveries.update(done, 0)
        await uow.commit()
    async with uow_factory() as uow:
        pending = [d.id for d in await uow.webhook_deliveries.pending(10_000)]
    assert soon.id in pending
    assert late.id in pending
    assert done.id not in pending
    assert pending.index(soon.id) < pending.index(late.id)


async def test_missed_events_are_webhook_events_after_the_endpoint_without_a_delivery(
    uow_factory: UnitOfWorkFactory, owner: str, client_id: str
) -> None:
    job = a_job(owner, client_id)
    async with uow_factory() as uow:
        await uow.jobs.add(job)
        await uow.commit()
    hook = a_webhook(owner, created=0)
    await store(uow_factory, hook)
    before = an_event(owner, job.id, 1, seconds=-3600)  # older than the endpoint
    delivered = an_event(owner, job.id, 2, "job.storyboard_ready", seconds=5)
    missed = an_event(owner, job.id, 3, "job.completed", seconds=10)
    progress = an_event(owner, job.id, 4, "job.progress", seconds=15)
    for event in (before, delivered, missed, progress):
        await append_job_event(uow_factory, event)
    await record(uow_factory, new_delivery(new_id("d"), hook, delivered, T0))
    async with uow_factory() as uow:
        found = await uow.webhook_deliveries.missed_events(
            before.created_at, ("job.storyboard_ready", "job.completed"), 1000
        )
    mine = [
        (m.webhook.id, m.event.seq, m.event.type, dict(m.event.data))
        for m in found
        if m.event.job_id == job.id
    ]
    assert mine == [(hook.id, 3, "job.completed", dict(missed.data))]


@pytest.mark.parametrize("limit", [1])
async def test_missed_events_honour_the_limit(
    uow_factory: UnitOfWorkFactory, owner: str, client_id: str, limit: int
) -> None:
    job = a_job(owner, client_id)
    async with uow_factory() as uow:
        await uow.jobs.add(job)
        await uow.commit()
    await store(uow_factory, a_webhook(owner, created=0))
    for seq in (1, 2):
        await append_job_event(uow_factory, an_event(owner, job.id, seq, seconds=10 + seq))
    async with uow_factory() as uow:
        found = await uow.webhook_deliveries.missed_events(T0, ("job.completed",), limit)
    assert len(found) == limit
