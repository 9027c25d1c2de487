"""Fixtures for the AI planner tests: one fake provider server and a sample request."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.planners.anthropic_planner import AnthropicScenePlanner
from adapters.planners.openai_planner import OpenAIScenePlanner
from tests.integration.ai.fake_provider import (
    ANTHROPIC_PATH,
    OPENAI_PATH,
    FakeProvider,
    Received,
    Reply,
    anthropic_message,
    openai_completion,
)
from v3core.brief import parse_brief
from v3core.model import BrandGuidelines
from v3core.ports.planner import PlanAsset, PlanRequest
from v3core.storyboard import PlanningRules

API_KEY = "sk-test-SECRET-0123456789abcdef"


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeProvider]:
    server = FakeProvider().start()
    yield server
    server.stop()


@pytest.fixture
def fake(fake_server: FakeProvider) -> Iterator[FakeProvider]:
    fake_server.reset()
    yield fake_server
    fake_server.reset()


@pytest.fixture
def plan_request() -> PlanRequest:
    brief = parse_brief(
        {
            "context": {"clientId": "client-1"},
            "adBasics": {
                "product": "Aurora trail shoes",
                "targetAudience": "weekend hikers",
                "keyMessage": "grip on any rock",
                "callToAction": "Shop Aurora today",
            },
            "creative": {
                "direction": {"style": "cinematic", "tone": "adventurous"},
                "videoSpecs": {"duration": 30, "format": "9:16"},
            },
        }
    )
    return PlanRequest(
        brief=brief,
        rules=PlanningRules(min_scenes=3, max_scenes=5),
        client_name="Aurora Outdoor",
        brand=BrandGuidelines(
            colors=("#0A84FF",), tone="warm and confident", restrictions=("no competitor logos",)
        ),
        assets=(PlanAsset(id="asset-shoe-1", type="image", name="shoe.png", role="product_shot"),),
    )


@dataclass(frozen=True)
class ProviderCase:
    """How to drive one provider's adapter against the fake server."""

    name: str
    path: str
    build: Callable[[str, float, int], OpenAIScenePlanner | AnthropicScenePlanner]
    answer: Callable[[dict[str, Any]], Reply]
    answer_text: Callable[[str], Reply]
    prompt_of: Callable[[Received], str]


def _openai(base_url: str, timeout: float, retries: int) -> OpenAIScenePlanner:
    return OpenAIScenePlanner(API_KEY, "gpt-test", f"{base_url}/v1", timeout, retries)


def _anthropic(base_url: str, timeout: float, retries: int) -> AnthropicScenePlanner:
    return AnthropicScenePlanner(API_KEY, "claude-test", base_url, timeout, retries)


def _tool_call(value: dict[str, Any]) -> Reply:
    return anthropic_message(
        [{"type": "tool_use", "id": "toolu_1", "name": "submit_storyboard", "input": value}]
    )


def _messages_text(received: Received) -> str:
    system = received.body.get("system", "")
    return "\n".join([str(system), *(str(m["content"]) for m in received.body["messages"])])


OPENAI = ProviderCase(
    "openai",
    OPENAI_PATH,
    _openai,
    lambda value: openai_completion(json.dumps(value)),
    openai_completion,
    _messages_text,
)
ANTHROPIC = ProviderCase(
    "anthropic",
    ANTHROPIC_PATH,
    _anthropic,
    _tool_call,
    lambda text: anthropic_message([{"type": "text", "text": text}]),
    _messages_text,
)


@pytest.fixture(params=[OPENAI, ANTHROPIC], ids=lambda case: case.name)
def provider(request: pytest.FixtureRequest) -> ProviderCase:
    case: ProviderCase = request.param
    return case


@pytest.fixture
async def make_planner(
    fake: FakeProvider,
) -> AsyncIterator[Callable[..., OpenAIScenePlanner | AnthropicScenePlanner]]:
    planners: list[OpenAIScenePlanner | AnthropicScenePlanner] = []

    def make(
        case: ProviderCase, timeout: float = 5.0, retries: int = 2, base_url: str | None = None
    ) -> OpenAIScenePlanner | AnthropicScenePlanner:
        planner = case.build(base_url or fake.base_url, timeout, retries)
        planners.append(planner)
        return planner

    yield make
    for planner in planners:
        await planner.aclose()
