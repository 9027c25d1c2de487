"""Webhooks around real jobs and real restarts: the event of a job planned through the API is
delivered; an event committed but never dispatched is found by recovery; a delivery waiting for
its retry when the process stops is sent by the next process on the same database; and by
default the outbound guard refuses private addresses."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from entrypoints.container import Container, build_container, close_container, start_container
from tests.e2e.conftest import Api
from tests.e2e.security.world import brief
from tests.e2e.webhooks.conftest import API, Hooks, fresh_database, hook_settings, job_event, new_tenant
from tests.job_event_rows import append_job_event
from tests.webhook_receiver import always, running_receiver
from v3core.events import JobEvent
from v3core.services.webhooks import CreateWebhookCommand
from v3core.webhooks import DeliveryState, WebhookDelivery

SEQ = 1000
"""Sequence numbers well past what a job's own changes reach in these tests."""


async def _job(hooks: Hooks, headers: dict[str, str]) -> dict[str, Any]:
    client = await hooks.client.post(f"{API}/clients", json={"name": "Hooked"}, headers=headers)
    job = await hooks.client.post(
        f"{API}/jobs", json=brief(client.json()["data"]["id"]), headers={**headers, "Prefer": "wait=20"}
    )
    assert job.status_code == 201, job.text
    data: dict[str, Any] = job.json()["data"]
    return data


async def test_a_real_jobs_events_reach_the_receiver_and_a_missed_one_is_recovered(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    hook = await hooks.create(alice, ["job.storyboard_ready", "job.cancelled"])
    job = await _job(hooks, alice.headers)
    assert job["status"] == "storyboard_ready"
    ready = JobEvent(job["id"], alice.id, SEQ, "job.storyboard_ready", job, datetime.now(UTC))
    await append_job_event(hooks.container.uow_factory(), ready)
    [delivery] = await hooks.dispatch(ready)
    await hooks.settle()
    [received] = hooks.receiver.of(delivery.message_id)
    payload: Any = received.verified(hook["secret"])
    assert payload["type"] == "job.storyboard_ready"
    assert (payload["data"]["id"], payload["data"]["status"]) == (job["id"], "storyboard_ready")
    assert len(payload["data"]["scenes"]) >= 3

    cancel = await hooks.client.post(
        f"{API}/jobs/{job['id']}/actions", json={"action": "cancel"}, headers=alice.headers
    )
    cancelled = JobEvent(
        job["id"], alice.id, SEQ + 1, "job.cancelled", cancel.json()["data"], datetime.now(UTC)
    )
    await append_job_event(hooks.container.uow_factory(), cancelled)  # ...and the process "died" here
    await hooks.in_app(hooks.container.resume_webhook_deliveries().execute)
    await hooks.settle()
    [logged] = [d for d in await hooks.deliveries(alice, hook["id"]) if d["seq"] == SEQ + 1]
    assert (logged["eventType"], logged["state"]) == ("job.cancelled", "succeeded")
    [late] = hooks.receiver.of(f"msg_{logged['id']}")
    assert late.verified(hook["secret"])["data"]["status"] == "cancelled"  # type: ignore[index]
    before = await hooks.deliveries(alice, hook["id"])
    await hooks.in_app(hooks.container.resume_webhook_deliveries().execute)
    await hooks.settle()
    assert await hooks.deliveries(alice, hook["id"]) == before


async def test_private_addresses_are_refused_by_default(api: Api) -> None:
    async with running_receiver() as receiver:
        tenant = await new_tenant(api.container)
        created = await api.client.post(
            f"{API}/webhooks", json={"url": receiver.url, "events": ["job.*"]}, headers=tenant.headers
        )
        assert created.status_code == 201, created.text
        dispatch = api.container.webhook_dispatcher().dispatch
        [delivery] = await asyncio.to_thread(api.client.blocking_portal.call, dispatch, job_event(tenant))
        logged = await _settled(api.container, delivery.id)
    assert receiver.received == []
    assert (logged.state, logged.attempts, logged.last_status_code) == (DeliveryState.FAILED, 1, None)
    assert logged.last_error is not None
    assert "loopback" in logged.last_error


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_a_delivery_waiting_for_its_retry_is_sent_after_a_restart_with_the_same_webhook_id(
    backend: str, tmp_path: Path
) -> None:
    with fresh_database(backend, tmp_path) as url:
        await _restart_mid_retry(url, tmp_path)


async def _restart_mid_retry(url: str, tmp_path: Path) -> None:
    settings = hook_settings(url, tmp_path, webhook_retry_delays="0.5,0.5")
    async with running_receiver(always(503)) as receiver:
        first = build_container(settings)
        await start_container(first)
        tenant = await new_tenant(first)
        command = CreateWebhookCommand(tenant.id, receiver.url, ["job.completed"])
        issued = await first.create_webhook().execute(command)
        [delivery] = await first.webhook_dispatcher().dispatch(job_event(tenant))
        await _attempted(first, delivery.id, 1)
        await close_container(first)  # the retry was waiting in this process's runner

        receiver.respond = always(200)
        second = build_container(settings)
        await start_container(second)
        try:
            logged = await _settled(second, delivery.id)
        finally:
            await close_container(second)
    assert (logged.state, logged.attempts) == (DeliveryState.SUCCEEDED, 2)
    sent = receiver.of(delivery.message_id)
    assert len(sent) == 2
    assert all(r.verified(issued.secret) for r in sent)


async def _attempted(container: Container, delivery_id: str, attempts: int) -> WebhookDelivery:
    return await _until(container, delivery_id, lambda d: d.attempts >= attempts)


async def _settled(container: Container, delivery_id: str) -> WebhookDelivery:
    return await _until(container, delivery_id, lambda d: not d.waiting)


async def _until(container: Container, delivery_id: str, done: Any) -> WebhookDelivery:
    """The delivery once ``done(delivery)`` holds (read from the database; at most 20 s)."""
    async with asyncio.timeout(20):
        while True:
            async with container.uow_factory()() as uow:
                found = await uow.webhook_deliveries.get_any(delivery_id)
            if found is not None and done(found):
                return found
            await asyncio.sleep(0.01)


async def _deliveries_of_job(hooks: Hooks, job_id: str, secret: str, types: set[str]) -> dict[str, Any]:
    """The verified payloads the receiver got for ``job_id``, by event type, once every one of
    ``types`` arrived: within 15 s, well before the recovery scan (every 60 s) could send them."""
    while True:
        payloads: dict[str, Any] = {}
        for request in list(hooks.receiver.received):
            try:
                payload: Any = request.verified(secret)
            except Exception:  # another test's endpoint, signed with another secret
                continue
            if payload["data"].get("jobId") == job_id:
                payloads[payload["type"]] = payload
        if types <= payloads.keys():
            return payloads
        await hooks.receiver.wait_for(len(hooks.receiver.received) + 1, within=15)


async def test_a_job_taken_to_its_video_is_announced_by_its_own_commits(hooks: Hooks) -> None:
    """SPEC §11: storyboard ready and completed reach a `job.*` endpoint as the job gets there,
    signed, one delivery per event, without a recovery scan or a manual dispatch."""
    alice = await hooks.tenant()
    hook = await hooks.create(alice, ["job.*"])
    job = await _job(hooks, alice.headers)
    ready = await _deliveries_of_job(hooks, job["id"], hook["secret"], {"job.storyboard_ready"})
    assert ready["job.storyboard_ready"]["data"]["status"] == "storyboard_ready"
    approve = await hooks.client.post(
        f"{API}/jobs/{job['id']}/actions", json={"action": "approve"}, headers=alice.headers
    )
    assert approve.status_code in (200, 202), approve.text
    done = await _deliveries_of_job(
        hooks, job["id"], hook["secret"], {"job.storyboard_ready", "job.completed"}
    )
    completed = done["job.completed"]["data"]
    assert completed["status"] == "completed"
    assert completed["seq"] > ready["job.storyboard_ready"]["data"]["seq"]
    await hooks.settle()
    logged = [d for d in await hooks.deliveries(alice, hook["id"]) if d["jobId"] == job["id"]]
    assert sorted(d["eventType"] for d in logged) == ["job.completed", "job.storyboard_ready"]
    assert {d["state"] for d in logged} == {"succeeded"}
    for delivery in logged:  # exactly one request per delivery
        assert len(hooks.receiver.of(f"msg_{delivery['id']}")) == 1
