"""What only the Anthropic planner does: structured output through a forced tool call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from tests.integration.ai.conftest import ANTHROPIC
from tests.integration.ai.fake_provider import ANTHROPIC_PATH, FakeProvider, anthropic_message
from v3core.ports.planner import PlanMode, PlanRequest

MakePlanner = Callable[..., Any]
SCENE = {"scene": {"duration": 6, "description": "d", "script": "s", "shotType": "wide"}}


async def test_forces_a_tool_whose_input_schema_is_the_storyboard(
    fake: FakeProvider, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(ANTHROPIC_PATH, ANTHROPIC.answer({"scenes": []}))

    await make_planner(ANTHROPIC).plan(plan_request)

    [sent] = fake.requests_to(ANTHROPIC_PATH)
    [tool] = sent.body["tools"]
    assert sent.body["tool_choice"] == {"type": "tool", "name": tool["name"]}
    assert tool["name"] == "submit_storyboard"
    assert tool["input_schema"]["properties"]["scenes"]["maxItems"] == 5
    assert "storyboards for short video ads" in sent.body["system"]
    assert sent.body["max_tokens"] == 4096


async def test_regenerating_a_scene_offers_a_scene_tool_and_returns_its_input(
    fake: FakeProvider, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(
        ANTHROPIC_PATH,
        anthropic_message(
            [
                {"type": "text", "text": "Here is the new scene."},
                {"type": "tool_use", "id": "toolu_9", "name": "submit_scene", "input": SCENE},
            ]
        ),
    )
    request = attrs.evolve(plan_request, mode=PlanMode.SCENE, scene_number=1)

    reply = await make_planner(ANTHROPIC).plan(request)

    assert reply.raw == SCENE
    [sent] = fake.requests_to(ANTHROPIC_PATH)
    assert sent.body["tool_choice"]["name"] == "submit_scene"
    assert "Rewrite scene 1 only" in sent.body["messages"][0]["content"]


async def test_reads_json_from_text_when_the_model_skipped_the_tool(
    fake: FakeProvider, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(
        ANTHROPIC_PATH,
        anthropic_message([{"type": "text", "text": 'Sure.\n```json\n{"scenes": []}\n```\nAnything else?'}]),
    )

    reply = await make_planner(ANTHROPIC).plan(plan_request)

    assert reply.raw == {"scenes": []}
