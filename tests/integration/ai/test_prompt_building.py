"""The prompt, schema and reply parsing shared by the AI planners (pure, no I/O)."""

from __future__ import annotations

import attrs
import pytest

from adapters.planners.prompt import build_prompt, output_schema
from adapters.planners.replies import parse_reply_text, redact
from v3core.ports.planner import PlanMode, PlanRequest
from v3core.storyboard import SceneConstraints, SceneDraft

CURRENT = (
    SceneDraft(1, 10.0, "Ridge at dawn", "Grip on any rock.", "wide", "cut", ("asset-shoe-1",)),
    SceneDraft(2, 20.0, "Summit", "Shop Aurora today", "aerial", "fade"),
)


def test_a_scene_regeneration_prompt_carries_the_storyboard_constraints_and_feedback(
    plan_request: PlanRequest,
) -> None:
    request = attrs.evolve(
        plan_request,
        mode=PlanMode.SCENE,
        scene_number=2,
        current_scenes=CURRENT,
        constraints=SceneConstraints(duration=8, must_include_assets=("asset-shoe-1",), shot_type="pov"),
        feedback="make it more energetic",
    )

    user = build_prompt(request).user

    assert '"description": "Ridge at dawn"' in user
    assert "Rewrite scene 2 only" in user
    assert "exactly 8 seconds" in user
    assert "shows these assets: asset-shoe-1" in user
    assert "shotType is pov" in user
    assert "make it more energetic" in user
    assert output_schema(request)["required"] == ["scene"]


def test_regenerating_all_scenes_shows_the_current_storyboard(plan_request: PlanRequest) -> None:
    user = build_prompt(attrs.evolve(plan_request, current_scenes=CURRENT, feedback="shorter")).user

    assert "Rewrite the whole storyboard" in user
    assert '"script": "Shop Aurora today"' in user
    assert "shorter" in user


def test_without_assets_the_model_is_told_to_use_none(plan_request: PlanRequest) -> None:
    request = attrs.evolve(plan_request, assets=())

    assert "No assets were supplied" in build_prompt(request).user
    items = output_schema(request)["properties"]["scenes"]["items"]["properties"]["assets"]["items"]
    assert items == {"type": "string"}


def test_every_object_in_the_schema_is_closed_and_fully_required(plan_request: PlanRequest) -> None:
    scene = output_schema(plan_request)["properties"]["scenes"]["items"]

    assert scene["additionalProperties"] is False
    assert set(scene["required"]) == set(scene["properties"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"scenes": []}', {"scenes": []}),
        ('```json\n{"scenes": []}\n```', {"scenes": []}),
        ('Here it is: {"scene": {"script": "a } b"}} Enjoy!', {"scene": {"script": "a } b"}}),
        ('{"a": 1} and later {"b": 2}', {"a": 1}),
        ("[1, 2]", [1, 2]),
        ('{"scenes": [', '{"scenes": ['),
        ("no json at all", "no json at all"),
        ("", ""),
    ],
)
def test_reply_text_yields_the_json_inside_or_the_text_itself(text: str, expected: object) -> None:
    assert parse_reply_text(text) == expected


def test_redaction_masks_the_key_and_recognisable_parts_of_it() -> None:
    key = "sk-live-abcdefghijklmnop"

    shown = redact(f"bad key {key}, also {key[:12]}**** and sk-****mnop", key)

    assert "abcdefgh" not in shown
    assert shown.count("[redacted]") == 2
    assert "sk-****mnop" in shown
