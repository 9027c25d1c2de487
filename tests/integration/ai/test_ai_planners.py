"""Both AI planners, driven through the real SDKs against the fake provider on 127.0.0.1."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from tests.integration.ai.conftest import API_KEY, ProviderCase
from tests.integration.ai.fake_provider import FakeProvider, Reply, error_reply
from v3core.errors import DomainError, RateLimited, UpstreamError, UpstreamTimeout
from v3core.ports.planner import PlanRequest, TokenUsage

MakePlanner = Callable[..., Any]
STORYBOARD = {
    "scenes": [
        {
            "duration": 10,
            "description": "Boots on a wet granite ridge at dawn",
            "script": "Grip on any rock.",
            "shotType": "close-up",
            "transition": "cut",
            "assets": ["asset-shoe-1"],
        },
        {
            "duration": 20,
            "description": "Hiker reaches the summit",
            "script": "Shop Aurora today",
            "shotType": "aerial",
            "transition": "fade",
            "assets": [],
        },
    ]
}


async def test_returns_the_models_storyboard_with_its_token_usage(
    fake: FakeProvider, provider: ProviderCase, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(provider.path, provider.answer(STORYBOARD))

    reply = await make_planner(provider).plan(plan_request)

    assert reply.raw == STORYBOARD
    assert reply.usage in (TokenUsage(321, 123), TokenUsage(456, 78))
    assert reply.model in ("gpt-test-2026", "claude-test-5")


async def test_sends_the_brief_brand_and_assets_to_the_model(
    fake: FakeProvider, provider: ProviderCase, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(provider.path, provider.answer(STORYBOARD))

    await make_planner(provider).plan(plan_request)

    [sent] = fake.requests_to(provider.path)
    prompt = provider.prompt_of(sent)
    for expected in (
        "Aurora trail shoes",
        "weekend hikers",
        "Shop Aurora today",
        "30 seconds",
        "Aurora Outdoor",
        "warm and confident",
        "no competitor logos",
        "#0A84FF",
        '"asset-shoe-1"',
        "product_shot",
        "3 to 5 scenes",
    ):
        assert expected in prompt
    assert sent.body["model"] in ("gpt-test", "claude-test")
    assert API_KEY in (sent.headers.get("authorization", "") + sent.headers.get("x-api-key", ""))


async def test_a_repair_retry_tells_the_model_what_was_wrong(
    fake: FakeProvider, provider: ProviderCase, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(provider.path, provider.answer(STORYBOARD))
    repair = attrs.evolve(plan_request, repair_hint="scenes.0.duration: must be greater than 0")

    await make_planner(provider).plan(repair)

    [sent] = fake.requests_to(provider.path)
    assert "previous output was invalid: scenes.0.duration: must be greater than 0" in provider.prompt_of(
        sent
    )


async def test_malformed_json_comes_back_as_raw_text_for_the_domain_to_reject(
    fake: FakeProvider, provider: ProviderCase, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(provider.path, provider.answer_text('Here you go: {"scenes": [{"duration": 5,'))

    reply = await make_planner(provider).plan(plan_request)

    assert reply.raw == 'Here you go: {"scenes": [{"duration": 5,'


async def test_a_rate_limit_is_retried_by_the_sdk_and_then_succeeds(
    fake: FakeProvider, provider: ProviderCase, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(provider.path, error_reply(429, "slow down"), provider.answer(STORYBOARD))

    reply = await make_planner(provider, retries=2).plan(plan_request)

    assert reply.raw == STORYBOARD
    assert len(fake.requests_to(provider.path)) == 2


async def test_a_lasting_rate_limit_becomes_rate_limited(
    fake: FakeProvider, provider: ProviderCase, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(provider.path, error_reply(429, "quota exceeded"))

    with pytest.raises(RateLimited, match=rf"{provider.name}.*429.*quota exceeded"):
        await make_planner(provider, retries=1).plan(plan_request)
    assert len(fake.requests_to(provider.path)) == 2


@pytest.mark.parametrize("retries", [0, 2])
async def test_a_lasting_server_error_becomes_upstream_error_after_the_configured_retries(
    fake: FakeProvider,
    provider: ProviderCase,
    make_planner: MakePlanner,
    plan_request: PlanRequest,
    retries: int,
) -> None:
    fake.script(provider.path, error_reply(500, "the model is on fire"))

    with pytest.raises(UpstreamError, match=rf"{provider.name} failed with HTTP 500") as caught:
        await make_planner(provider, retries=retries).plan(plan_request)
    assert type(caught.value) is UpstreamError
    assert len(fake.requests_to(provider.path)) == retries + 1


async def test_a_provider_slower_than_the_timeout_becomes_upstream_timeout(
    fake: FakeProvider, provider: ProviderCase, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(provider.path, Reply(body={}, delay=5.0))
    started = time.monotonic()

    with pytest.raises(UpstreamTimeout, match=rf"{provider.name} did not answer within 0.4 s"):
        await make_planner(provider, timeout=0.4, retries=0).plan(plan_request)
    assert time.monotonic() - started < 2.0


async def test_an_unreachable_provider_becomes_upstream_error(
    provider: ProviderCase, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]

    with pytest.raises(UpstreamError, match=rf"{provider.name} could not be reached"):
        await make_planner(provider, retries=0, base_url=f"http://127.0.0.1:{closed_port}").plan(plan_request)


@pytest.mark.parametrize(
    "reply",
    [
        error_reply(401, f"Incorrect API key provided: {API_KEY}", None),
        error_reply(401, f"Incorrect API key provided: {API_KEY[:16]}****", None),
        error_reply(500, f"internal error while serving key {API_KEY}"),
        error_reply(429, f"rate limit for {API_KEY}"),
        error_reply(400, f"bad request from {API_KEY}", None),
    ],
    ids=["401", "401-partial", "500", "429", "400"],
)
async def test_error_messages_never_contain_the_api_key(
    fake: FakeProvider,
    provider: ProviderCase,
    make_planner: MakePlanner,
    plan_request: PlanRequest,
    reply: Reply,
) -> None:
    fake.script(provider.path, reply)

    with pytest.raises(DomainError) as caught:
        await make_planner(provider, retries=0).plan(plan_request)
    shown = f"{caught.value} {caught.value.message!r} {caught.value!r}"
    assert API_KEY not in shown
    assert API_KEY[:16] not in shown
    assert "[redacted]" in shown


async def test_a_rejected_api_key_is_reported_without_retrying(
    fake: FakeProvider, provider: ProviderCase, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(provider.path, error_reply(401, "invalid x-api-key", None))

    with pytest.raises(UpstreamError, match=rf"{provider.name} rejected the API key \(HTTP 401\)"):
        await make_planner(provider, retries=2).plan(plan_request)
    assert len(fake.requests_to(provider.path)) == 1
