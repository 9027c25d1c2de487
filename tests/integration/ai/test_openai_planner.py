"""What only the OpenAI planner does: structured output via response_format."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs

from tests.integration.ai.conftest import OPENAI
from tests.integration.ai.fake_provider import OPENAI_PATH, FakeProvider, error_reply, openai_completion
from v3core.ports.planner import PlanMode, PlanRequest
from v3core.storyboard import SHOT_TYPES

MakePlanner = Callable[..., Any]
SCENES = {"scenes": [{"duration": 30, "description": "d", "script": "s", "shotType": "wide"}]}


async def test_asks_for_a_strict_json_schema_of_the_storyboard(
    fake: FakeProvider, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(OPENAI_PATH, openai_completion(json.dumps(SCENES)))

    await make_planner(OPENAI).plan(plan_request)

    [sent] = fake.requests_to(OPENAI_PATH)
    response_format = sent.body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["strict"] is True
    scenes = response_format["json_schema"]["schema"]["properties"]["scenes"]
    assert (scenes["minItems"], scenes["maxItems"]) == (3, 5)
    assert scenes["items"]["properties"]["shotType"]["enum"] == list(SHOT_TYPES)
    assert scenes["items"]["properties"]["assets"]["items"]["enum"] == ["asset-shoe-1"]
    assert [m["role"] for m in sent.body["messages"]] == ["system", "user"]


async def test_asks_for_one_scene_when_regenerating_a_scene(
    fake: FakeProvider, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(OPENAI_PATH, openai_completion('{"scene": {"duration": 4}}'))
    request = attrs.evolve(plan_request, mode=PlanMode.SCENE, scene_number=2)

    reply = await make_planner(OPENAI).plan(request)

    assert reply.raw == {"scene": {"duration": 4}}
    [sent] = fake.requests_to(OPENAI_PATH)
    assert list(sent.body["response_format"]["json_schema"]["schema"]["properties"]) == ["scene"]


async def test_falls_back_to_json_object_when_the_server_refuses_json_schema(
    fake: FakeProvider, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(
        OPENAI_PATH,
        error_reply(400, "response_format of type json_schema is not supported by this model", None),
        openai_completion(json.dumps(SCENES)),
    )
    planner = make_planner(OPENAI)

    first = await planner.plan(plan_request)
    second = await planner.plan(plan_request)

    assert first.raw == second.raw == SCENES
    formats = [r.body["response_format"]["type"] for r in fake.requests_to(OPENAI_PATH)]
    assert formats == ["json_schema", "json_object", "json_object"]
    assert planner.output_format == "json_object"


async def test_reads_json_the_model_wrapped_in_a_code_fence(
    fake: FakeProvider, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(OPENAI_PATH, openai_completion(f"```json\n{json.dumps(SCENES)}\n```"))

    reply = await make_planner(OPENAI).plan(plan_request)

    assert reply.raw == SCENES


async def test_an_empty_answer_comes_back_as_empty_raw_text(
    fake: FakeProvider, make_planner: MakePlanner, plan_request: PlanRequest
) -> None:
    fake.script(OPENAI_PATH, openai_completion(None))

    reply = await make_planner(OPENAI).plan(plan_request)

    assert reply.raw == ""
