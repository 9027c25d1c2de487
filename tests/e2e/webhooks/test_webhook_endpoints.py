"""``/api/v3/webhooks`` (SPEC §11): endpoints per tenant, the secret shown once, rotation,
validation, tenancy."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from tests.e2e.webhooks.conftest import API, Hooks, job_event
from tests.webhook_receiver import always

SPEC_EVENTS = ["job.storyboard_ready", "job.completed", "job.failed", "job.cancelled", "job.*"]


async def test_the_create_answer_shows_the_secret_once_and_reads_never_do(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    created = await hooks.create(alice, SPEC_EVENTS)
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert Webhook(secret)
    assert created["events"] == SPEC_EVENTS
    assert created["description"] == "tests"
    got = await hooks.client.get(f"{API}/webhooks/{created['id']}", headers=alice.headers)
    listed = await hooks.client.get(f"{API}/webhooks", headers=alice.headers)
    assert got.status_code == 200
    assert listed.status_code == 200
    assert "secret" not in got.json()["data"]
    assert secret not in got.text
    assert secret not in listed.text
    assert [w["id"] for w in listed.json()["data"]] == [created["id"]]
    assert listed.json()["meta"]["total"] == 1


async def test_the_list_is_paged_newest_first(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    ids = [(await hooks.create(alice))["id"] for _ in range(3)]
    page = await hooks.client.get(f"{API}/webhooks?limit=2&offset=1", headers=alice.headers)
    body = page.json()
    assert [w["id"] for w in body["data"]] == [ids[1], ids[0]]
    assert (body["meta"]["total"], body["meta"]["page"], body["meta"]["limit"]) == (3, 1, 2)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"url": "ftp://hooks.example/x", "events": ["job.completed"]}, ["url"]),
        ({"url": "https://user:pw@hooks.example/x", "events": ["job.completed"]}, ["url"]),
        ({"url": "hooks.example/x", "events": ["job.completed"]}, ["url"]),
        ({"url": "https://hooks.example/x", "events": []}, ["events"]),
        ({"url": "https://hooks.example/x", "events": ["job.created"]}, ["events"]),
        ({"url": "https://hooks.example/x"}, ["events"]),
        ({"events": ["job.completed"]}, ["url"]),
    ],
)
async def test_a_bad_endpoint_is_422_naming_the_field_and_nothing_is_stored(
    hooks: Hooks, body: dict[str, Any], loc: list[str]
) -> None:
    alice = await hooks.tenant()
    response = await hooks.client.post(f"{API}/webhooks", json=body, headers=alice.headers)
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["data"] is None
    assert answer["meta"]["code"] == "validation_error"
    assert [d["loc"][: len(loc)] for d in answer["meta"]["details"]] == [loc]
    listed = await hooks.client.get(f"{API}/webhooks", headers=alice.headers)
    assert listed.json()["meta"]["total"] == 0


async def test_another_tenants_endpoint_answers_404_for_every_route(hooks: Hooks) -> None:
    alice, bob = await hooks.tenant(), await hooks.tenant()
    hook = await hooks.create(alice)
    [delivery] = await hooks.dispatch(job_event(alice))
    await hooks.settle()
    base = f"{API}/webhooks/{hook['id']}"
    for method, path in [
        ("GET", base),
        ("GET", f"{base}/deliveries"),
        ("POST", f"{base}/rotate-secret"),
        ("POST", f"{base}/deliveries/{delivery.id}/redeliver"),
        ("DELETE", base),
    ]:
        response = await hooks.client.request(method, path, headers=bob.headers)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["meta"]["code"] == "not_found"
    listed = await hooks.client.get(f"{API}/webhooks", headers=bob.headers)
    assert listed.json()["data"] == []
    still = await hooks.client.get(base, headers=alice.headers)
    assert still.status_code == 200
    [logged] = await hooks.deliveries(alice, hook["id"])
    assert logged["attempts"] == 1


async def test_a_delivery_is_found_only_under_its_own_endpoint(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    first, second = await hooks.create(alice, ["job.completed"]), await hooks.create(alice, ["job.failed"])
    [delivery] = await hooks.dispatch(job_event(alice))
    await hooks.settle()
    wrong = f"{API}/webhooks/{second['id']}/deliveries/{delivery.id}/redeliver"
    assert (await hooks.client.post(wrong, headers=alice.headers)).status_code == 404
    assert delivery.webhook_id == first["id"]


async def test_deleting_an_endpoint_removes_it(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    hook = await hooks.create(alice)
    deleted = await hooks.client.delete(f"{API}/webhooks/{hook['id']}", headers=alice.headers)
    assert deleted.status_code == 200
    assert deleted.json()["data"] == {"id": hook["id"], "deleted": True}
    assert (await hooks.client.get(f"{API}/webhooks/{hook['id']}", headers=alice.headers)).status_code == 404
    assert (
        await hooks.client.delete(f"{API}/webhooks/{hook['id']}", headers=alice.headers)
    ).status_code == 404
    assert not await hooks.dispatch(job_event(alice))


async def test_rotation_shows_a_new_secret_once_and_the_old_one_no_longer_verifies(hooks: Hooks) -> None:
    alice = await hooks.tenant()
    hook = await hooks.create(alice)
    rotated = await hooks.client.post(f"{API}/webhooks/{hook['id']}/rotate-secret", headers=alice.headers)
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["data"]["secret"]
    assert new_secret.startswith("whsec_")
    assert new_secret != hook["secret"]
    [delivery] = await hooks.dispatch(job_event(alice))
    await hooks.settle()
    [received] = hooks.receiver.of(delivery.message_id)
    assert received.verified(new_secret)
    with pytest.raises(WebhookVerificationError):
        received.verified(hook["secret"])
    got = await hooks.client.get(f"{API}/webhooks/{hook['id']}", headers=alice.headers)
    assert new_secret not in got.text


async def test_no_signing_secret_reaches_a_log_line(hooks: Hooks, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    alice = await hooks.tenant()
    hook = await hooks.create(alice)
    rotated = await hooks.client.post(f"{API}/webhooks/{hook['id']}/rotate-secret", headers=alice.headers)
    hooks.receiver.respond = always(500)
    [delivery] = await hooks.dispatch(job_event(alice))
    await hooks.settle()
    assert len(hooks.receiver.of(delivery.message_id)) > 1
    for secret in (hook["secret"], rotated.json()["data"]["secret"]):
        assert secret not in caplog.text
        assert secret.removeprefix("whsec_") not in caplog.text
