"""Deliveries (SPEC §11): signed the Standard Webhooks way and verified by the receiver with the
secret from the create answer, retried with the same ``webhook-id`` after failures, failed after
the schedule's attempts, never following a redirect, redelivered on request, dispatched once."""

from __future__ import annotations

import json

from tests.e2e.webhooks.conftest import API, ATTEMPTS, Hooks, job_event
from tests.webhook_receiver import Received, always


async def test_a_delivery_arrives_signed_and_verifies_with_the_secret_from_the_create_answer(
    hooks: Hooks,
) -> None:
    alice = await hooks.tenant()
    hook = await hooks.create(alice, ["job.completed"], path="/signed")
    event = job_event(alice, "job.completed", seq=4)
    [delivery] = await hooks.dispatch(event)
    await hooks.settle()
    [received] = hooks.receiver.of(delivery.message_id)
    payload = received.verified(hook["secret"])
    assert payload == {
        "type": "job.completed",
        "timestamp": event.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "data": {"id": event.job_id, "status": "completed", "jobId": event.job_id, "seq": 4},
    }
    assert received.path == "/hooks/signed"
    assert received.headers["content-type"] == "application/json"
    assert received.message_id.startswith("msg_")
    [logged] = await hooks.deliveries(alice, hook["id"])
    assert logged["id"] == delivery.id
    assert logged["messageId"] == received.message_id
    assert (logged["state"], logged["attempts"], logged["lastStatusCode"], logged["lastError"]) == (
        "succeeded",
        1,
        204,
        None,
    )
    assert (logged["eventType"], logged["jobId"], logged["seq"]) == ("job.completed", event.job_id, 4)
    assert logged["deliveredAt"] is not None


async def test_dispatching_an_event_twice_delivers_it_once(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    hook = await hooks.create(alice)
    event = job_event(alice, "job.storyboard_ready")
    first = await hooks.dispatch(event)
    second = await hooks.dispatch(event)
    await hooks.settle()
    assert len(first) == 1
    assert not second
    assert len(hooks.receiver.of(first[0].message_id)) == 1
    assert len(await hooks.deliveries(alice, hook["id"])) == 1


async def test_each_endpoint_gets_the_types_it_subscribed_to(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    everything, failures = await hooks.create(alice, ["job.*"]), await hooks.create(alice, ["job.failed"])
    completed = await hooks.dispatch(job_event(alice, "job.completed"))
    failed = await hooks.dispatch(job_event(alice, "job.failed"))
    progress = await hooks.dispatch(job_event(alice, "job.progress"))
    await hooks.settle()
    assert [d.webhook_id for d in completed] == [everything["id"]]
    assert sorted(d.webhook_id for d in failed) == sorted([everything["id"], failures["id"]])
    assert not progress


async def test_another_tenants_events_reach_only_their_endpoints(hooks: Hooks) -> None:
    alice, bob = await hooks.tenant(), await hooks.tenant()
    await hooks.create(alice)
    bobs = await hooks.create(bob)
    delivered = await hooks.dispatch(job_event(bob))
    await hooks.settle()
    assert [d.webhook_id for d in delivered] == [bobs["id"]]


async def test_after_500s_the_same_webhook_id_is_retried_until_it_succeeds(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    hook = await hooks.create(alice)
    hooks.receiver.respond = lambda request, earlier: (500, {}) if earlier < 2 else (204, {})
    [delivery] = await hooks.dispatch(job_event(alice))
    await hooks.settle()
    attempts = hooks.receiver.of(delivery.message_id)
    assert len(attempts) == 3
    for attempt in attempts:
        assert attempt.verified(hook["secret"])
    assert len({a.body for a in attempts}) == 1
    [logged] = await hooks.deliveries(alice, hook["id"])
    assert (logged["state"], logged["attempts"], logged["lastStatusCode"]) == ("succeeded", 3, 204)


async def test_a_receiver_that_always_fails_leaves_the_delivery_failed_after_every_attempt(
    hooks: Hooks,
) -> None:
    alice = await hooks.tenant()
    hook = await hooks.create(alice)
    hooks.receiver.respond = always(500)
    [delivery] = await hooks.dispatch(job_event(alice))
    await hooks.settle()
    assert len(hooks.receiver.of(delivery.message_id)) == ATTEMPTS
    [logged] = await hooks.deliveries(alice, hook["id"])
    assert (logged["state"], logged["attempts"], logged["lastStatusCode"]) == ("failed", ATTEMPTS, 500)
    assert "500" in logged["lastError"]
    assert logged["nextAttemptAt"] is None


async def test_a_redirect_is_not_followed_and_counts_as_a_failed_attempt(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    hook = await hooks.create(alice, path="/moved")
    elsewhere = hooks.receiver.url + "/elsewhere"
    hooks.receiver.respond = lambda request, earlier: (
        (302, {"location": elsewhere}) if request.path.endswith("/moved") else (204, {})
    )
    [delivery] = await hooks.dispatch(job_event(alice))
    await hooks.settle()
    attempts = hooks.receiver.of(delivery.message_id)
    assert [a.path for a in attempts] == ["/hooks/moved"] * ATTEMPTS
    [logged] = await hooks.deliveries(alice, hook["id"])
    assert (logged["state"], logged["lastStatusCode"]) == ("failed", 302)
    assert "not followed" in logged["lastError"]


async def test_redelivery_sends_the_same_webhook_id_again(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    hook = await hooks.create(alice)
    hooks.receiver.respond = always(500)
    [delivery] = await hooks.dispatch(job_event(alice))
    await hooks.settle()
    hooks.receiver.respond = always(200)
    path = f"{API}/webhooks/{hook['id']}/deliveries/{delivery.id}/redeliver"
    answer = await hooks.client.post(path, headers=alice.headers)
    assert answer.status_code == 202, answer.text
    assert answer.json()["data"]["state"] == "pending"
    await hooks.settle()
    attempts = hooks.receiver.of(delivery.message_id)
    assert len(attempts) == ATTEMPTS + 1
    assert attempts[-1].verified(hook["secret"])
    [logged] = await hooks.deliveries(alice, hook["id"])
    assert (logged["state"], logged["attempts"], logged["lastStatusCode"]) == ("succeeded", ATTEMPTS + 1, 200)
    unknown = await hooks.client.post(
        f"{API}/webhooks/{hook['id']}/deliveries/nope/redeliver", headers=alice.headers
    )
    assert unknown.status_code == 404


async def test_the_delivery_log_is_paged_newest_first(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    hook = await hooks.create(alice)
    job = job_event(alice).job_id
    for seq, kind in enumerate(["job.storyboard_ready", "job.completed"], start=1):
        await hooks.dispatch(job_event(alice, kind, job_id=job, seq=seq))
    await hooks.settle()
    page = await hooks.client.get(f"{API}/webhooks/{hook['id']}/deliveries?limit=1", headers=alice.headers)
    body = page.json()
    assert body["meta"]["total"] == 2
    assert [d["seq"] for d in body["data"]] == [2]


def _bodies(received: list[Received]) -> list[dict[str, object]]:
    return [json.loads(r.body) for r in received]
