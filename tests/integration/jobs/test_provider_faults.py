"""AI provider faults through the whole pipeline: the OpenAI SDK against the fake server.

Every test ends with no job of its tenant left pending or processing (``pipeline``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from tests.integration.ai.fake_provider import OPENAI_PATH, FakeProvider, error_reply
from tests.integration.jobs.conftest import AI_RETRIES, Pipeline, answer, storyboard

HANG = 5.0
"""Longer than the planner's timeout; released early when the test ends."""


async def test_a_provider_failing_with_500_fails_the_job_naming_the_provider(
    pipeline: Pipeline, fake: FakeProvider
) -> None:
    fake.script(OPENAI_PATH, error_reply(500, "model overloaded"))

    job = await pipeline.create()
    failed = await pipeline.wait(job["id"], "failed", "storyboard_ready")

    assert failed["status"] == "failed"
    assert failed["errorCode"] == "upstream_error"
    assert failed["failedStep"] == "storyboard_generation"
    assert "openai" in failed["error"]
    assert "HTTP 500" in failed["error"]
    assert len(fake.requests_to(OPENAI_PATH)) == AI_RETRIES + 1
    assert failed["scenes"] == []


async def test_a_provider_that_never_answers_fails_the_job_as_a_timeout(
    pipeline: Pipeline, fake: FakeProvider
) -> None:
    fake.script(OPENAI_PATH, answer(storyboard(), delay=HANG))

    job = await pipeline.create()
    failed = await pipeline.wait(job["id"], "failed", "storyboard_ready")

    assert failed["status"] == "failed"
    assert failed["errorCode"] == "upstream_timeout"
    assert failed["failedStep"] == "storyboard_generation"
    assert "openai did not answer" in failed["error"]


async def test_malformed_json_is_repaired_by_asking_again_with_the_error(
    pipeline: Pipeline, fake: FakeProvider
) -> None:
    fake.script(OPENAI_PATH, answer('{"scenes": [{"duration": 7, "descr'), answer(storyboard()))

    job = await pipeline.create()
    ready = await pipeline.wait(job["id"], "storyboard_ready", "failed")

    assert ready["status"] == "storyboard_ready", ready["error"]
    assert len(ready["scenes"]) == 4
    first, repair = fake.requests_to(OPENAI_PATH)
    assert json.dumps(repair.body) != json.dumps(first.body), "the repair request carries the error"
    assert ready["cost"]["actual"] > 0, "both calls are paid for"


async def test_output_still_invalid_after_the_repair_fails_the_job_clearly(
    pipeline: Pipeline, fake: FakeProvider
) -> None:
    fake.script(OPENAI_PATH, answer("I cannot help with that."))

    job = await pipeline.create()
    failed = await pipeline.wait(job["id"], "failed", "storyboard_ready")

    assert failed["status"] == "failed"
    assert failed["errorCode"] == "invalid_ai_output"
    assert failed["failedStep"] == "storyboard_generation"
    assert "openai planner returned an invalid storyboard twice" in failed["error"]
    assert len(fake.requests_to(OPENAI_PATH)) == 2


async def test_a_rate_limit_followed_by_success_ends_ready(pipeline: Pipeline, fake: FakeProvider) -> None:
    fake.script(OPENAI_PATH, error_reply(429, "slow down"), answer(storyboard()))

    job = await pipeline.create()
    ready = await pipeline.wait(job["id"], "storyboard_ready", "failed")

    assert ready["status"] == "storyboard_ready", ready["error"]
    assert len(fake.requests_to(OPENAI_PATH)) == 2


async def test_a_rate_limit_that_never_ends_fails_the_job_as_rate_limited(
    pipeline: Pipeline, fake: FakeProvider
) -> None:
    fake.script(OPENAI_PATH, error_reply(429, "slow down"))

    job = await pipeline.create()
    failed = await pipeline.wait(job["id"], "failed", "storyboard_ready")

    assert (failed["status"], failed["errorCode"]) == ("failed", "rate_limited")
    assert "openai" in failed["error"]


async def test_asset_ids_the_model_made_up_are_dropped(pipeline: Pipeline, fake: FakeProvider) -> None:
    asset_id = await _upload_png(pipeline)
    fake.script(OPENAI_PATH, answer(storyboard(asset_id, "asset-that-does-not-exist")))
    body = _brief_with_asset(pipeline.client_id, asset_id)

    job = await pipeline.create(body)
    ready = await pipeline.wait(job["id"], "storyboard_ready", "failed")

    assert ready["status"] == "storyboard_ready", ready["error"]
    used = {a for scene in ready["scenes"] for a in scene["assets"]}
    assert used == {asset_id}


async def test_retry_after_a_failure_resumes_planning_and_ends_ready(
    pipeline: Pipeline, fake: FakeProvider
) -> None:
    fake.script(OPENAI_PATH, error_reply(503, "down for maintenance"))
    job = await pipeline.create()
    await pipeline.wait(job["id"], "failed")
    fake.script(OPENAI_PATH, answer(storyboard()))

    retried = await pipeline.act(job["id"], "retry")
    ready = await pipeline.wait(job["id"], "storyboard_ready", "failed")

    assert retried["status"] == 200, retried
    assert ready["status"] == "storyboard_ready", ready["error"]
    assert ready["error"] is None
    assert ready["errorCode"] is None
    assert len(ready["scenes"]) == 4


async def test_a_cancel_while_the_provider_is_thinking_wins(pipeline: Pipeline, fake: FakeProvider) -> None:
    fake.script(OPENAI_PATH, answer(storyboard(), delay=HANG))
    job = await pipeline.create()
    await pipeline.wait(job["id"], "storyboard_processing")
    await _until(lambda: bool(fake.requests_to(OPENAI_PATH)))

    cancelled = await pipeline.act(job["id"], "cancel")
    fake.script(OPENAI_PATH, answer(storyboard()))
    fake.reset()  # the hanging reply is let go: a late storyboard must not land

    assert cancelled["status"] == 200
    assert cancelled["data"]["status"] == "cancelled"
    await pipeline.assert_nothing_processing()
    after = await pipeline.job(job["id"])
    assert after["status"] == "cancelled"
    assert after["scenes"] == []


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(250):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met within 5 s")


def _brief_with_asset(client_id: str, asset_id: str) -> dict[str, object]:
    from tests.integration.jobs.conftest import brief

    return brief(client_id, assets=[{"assetId": asset_id, "type": "image", "role": "product_shot"}])


async def _upload_png(pipeline: Pipeline) -> str:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="PNG")
    response = await pipeline.client.post(
        "/api/v3/assets",
        files={"file": ("watch.png", buffer.getvalue(), "image/png")},
        data={"type": "image", "name": "watch.png", "clientId": pipeline.client_id},
        headers=pipeline.headers,
    )
    assert response.status_code == 201, response.text
    asset_id: str = response.json()["data"]["id"]
    return asset_id
