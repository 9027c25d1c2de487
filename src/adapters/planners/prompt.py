"""What the AI planners send to a model and how they read its reply.

Contract shared by every AI planner adapter (OpenAI, Anthropic):

* ``build_prompt(request)`` gives the system and user messages: the brief, the
  client's brand guidelines (tone, restrictions, colours, fonts), the assets the
  model may use (ids, types, roles), the planning rules (scene count, target
  duration, shot/transition vocabulary, call to action in the last scene), the
  mode (whole storyboard, or one scene with its constraints) and, on a repair
  retry, ``request.repair_hint`` as "your previous reply was invalid: ...".
* ``output_schema(request)`` is the JSON schema of the expected reply:
  ``{"scenes": [scene, ...]}`` in STORYBOARD mode, ``{"scene": scene}`` in SCENE
  mode, a scene being ``{duration, description, script, shotType, transition,
  assets}``. Adapters hand it to the provider's structured-output feature.
* ``replies.parse_reply_text(text)`` turns what a model wrote into the parsed JSON
  value, tolerating code fences and chatter around the object. When no JSON can be
  found it returns ``text`` unchanged and does not raise.

Malformed output is therefore *not* an adapter error: the adapter returns
``PlannerReply(raw=<the text>)``, the domain's normaliser rejects any raw value
that is not a mapping with ``ValidationFailed``, and the job service calls
``plan()`` once more with ``repair_hint`` set to that validation message before
failing the job. Adapters raise only for provider failures (``UpstreamError``,
``UpstreamTimeout``, ``RateLimited``).
"""

from __future__ import annotations

import json
from typing import Any

import attrs

from v3core.brief import Brief
from v3core.ports.planner import PlanAsset, PlanMode, PlanRequest
from v3core.storyboard import SHOT_TYPES, TRANSITIONS, SceneConstraints, SceneDraft

SYSTEM_PROMPT = (
    "You plan storyboards for short video ads. A storyboard is a list of scenes; each scene has "
    "a duration in seconds, a visual description, the script (voice-over or on-screen text), "
    "a shot type, the transition into the next scene and the ids of the assets it shows. "
    "Follow the brief, respect the brand guidelines and never break a brand restriction. "
    "Use only the asset ids you are given. Reply with one JSON object that matches the "
    "requested schema, and nothing else."
)


@attrs.frozen
class PromptMessages:
    """The system instructions and the user message of one planning call."""

    system: str
    user: str


def schema_name(mode: PlanMode) -> str:
    """The name under which the output schema (or tool) is offered to the model."""
    return "storyboard" if mode is PlanMode.STORYBOARD else "scene"


def output_schema(request: PlanRequest) -> dict[str, Any]:
    """The JSON schema of the reply expected for ``request`` (strict-mode compatible)."""
    scene = _scene_schema(request.assets)
    if request.mode is PlanMode.SCENE:
        return _object({"scene": scene})
    scenes = {
        "type": "array",
        "items": scene,
        "minItems": request.rules.min_scenes,
        "maxItems": request.rules.max_scenes,
    }
    return _object({"scenes": scenes})


def _scene_schema(assets: tuple[PlanAsset, ...]) -> dict[str, Any]:
    asset_item: dict[str, Any] = {"type": "string"}
    if assets:
        asset_item["enum"] = [a.id for a in assets]
    return _object(
        {
            "duration": {"type": "number", "description": "seconds, greater than 0"},
            "description": {"type": "string", "description": "what the viewer sees"},
            "script": {"type": "string", "description": "voice-over or on-screen text"},
            "shotType": {"type": "string", "enum": list(SHOT_TYPES)},
            "transition": {"type": "string", "enum": list(TRANSITIONS)},
            "assets": {"type": "array", "items": asset_item},
        }
    )


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def build_prompt(request: PlanRequest) -> PromptMessages:
    """The messages of one planning call for ``request``."""
    sections = [
        _brief_section(request.brief),
        _brand_section(request),
        _assets_section(request.assets),
        _rules_section(request),
        _task_section(request),
    ]
    if request.repair_hint:
        sections.append(
            "## Your previous reply was invalid\n"
            f"Your previous output was invalid: {request.repair_hint}\n"
            "Reply again with a corrected JSON object that follows every rule above."
        )
    return PromptMessages(system=SYSTEM_PROMPT, user="\n\n".join(s for s in sections if s))


def _lines(title: str, items: list[tuple[str, object]]) -> str:
    body = [f"- {label}: {value}" for label, value in items if value not in (None, "", ())]
    return "\n".join([title, *body]) if body else ""


def _brief_section(brief: Brief) -> str:
    basics, direction, specs = brief.ad_basics, brief.creative.direction, brief.creative.video_specs
    video = f"{specs.duration:g} seconds, aspect ratio {specs.format}"
    if specs.resolution:
        video += f", {specs.resolution}"
    extra = json.dumps(dict(brief.advanced), ensure_ascii=False, default=str) if brief.advanced else None
    return _lines(
        "## Brief",
        [
            ("Product", basics.product),
            ("Target audience", basics.target_audience),
            ("Key message", basics.key_message),
            ("Call to action", basics.call_to_action),
            ("Style", direction.style),
            ("Tone", direction.tone),
            ("Visual elements", ", ".join(direction.visual_elements)),
            ("Music style", direction.music_style),
            ("Video", video),
            ("Further notes", extra),
        ],
    )


def _brand_section(request: PlanRequest) -> str:
    brand = request.brand
    return _lines(
        f"## Brand guidelines of {request.client_name or 'the client'}",
        [
            ("Tone of voice", brand.tone),
            ("Colours", ", ".join(brand.colors)),
            ("Fonts", ", ".join(brand.fonts)),
            ("Restrictions (never do these)", "; ".join(brand.restrictions)),
            ("Examples of the brand's style", "; ".join(brand.examples)),
        ],
    )


def _assets_section(assets: tuple[PlanAsset, ...]) -> str:
    if not assets:
        return "## Assets\nNo assets were supplied: leave every scene's assets empty."
    return "\n".join(["## Assets you may use (refer to them by id)", *(_asset_line(a) for a in assets)])


def _asset_line(asset: PlanAsset) -> str:
    facts = [asset.type, f"role {asset.role}" if asset.role else ""]
    if asset.width and asset.height:
        facts.append(f"{asset.width}x{asset.height}")
    if asset.duration:
        facts.append(f"{asset.duration:g} s")
    return f'- id "{asset.id}": "{asset.name}" ({", ".join(f for f in facts if f)})'


def _rules_section(request: PlanRequest) -> str:
    rules, brief = request.rules, request.brief
    return "\n".join(
        [
            "## Rules",
            f"- A storyboard has {rules.min_scenes} to {rules.max_scenes} scenes, told in order.",
            f"- Scene durations are seconds and add up to {brief.creative.video_specs.duration:g} seconds.",
            f"- shotType is one of: {', '.join(SHOT_TYPES)}.",
            f"- transition is one of: {', '.join(TRANSITIONS)}.",
            f'- The last scene\'s script states the call to action: "{brief.ad_basics.call_to_action}".',
            "- Use every asset at least once when there are enough scenes, where its role fits "
            "(product_shot on product shots, logo near the end, background behind text).",
        ]
    )


def _task_section(request: PlanRequest) -> str:
    parts: list[str] = []
    if request.current_scenes:
        scenes = [_scene_json(s) for s in request.current_scenes]
        parts.append("## Current storyboard\n" + json.dumps(scenes, ensure_ascii=False, indent=1))
    if request.mode is PlanMode.SCENE:
        parts.append(_scene_task(request.scene_number, request.constraints))
    else:
        verb = "Rewrite the whole storyboard" if request.current_scenes else "Write the storyboard"
        parts.append(f'## Task\n{verb}. Reply with JSON only: {{"scenes": [scene, ...]}}.')
    if request.feedback:
        parts.append(f"## Reviewer feedback to address\n{request.feedback}")
    return "\n\n".join(parts)


def _scene_task(number: int | None, constraints: SceneConstraints | None) -> str:
    which = f"scene {number}" if number is not None else "the scene"
    lines = [
        "## Task",
        f"Rewrite {which} only; the other scenes stay as they are, so it must fit between its neighbours.",
    ]
    if constraints is not None:
        if constraints.duration is not None:
            lines.append(f"- Its duration is exactly {constraints.duration:g} seconds.")
        if constraints.must_include_assets:
            lines.append(f"- It shows these assets: {', '.join(constraints.must_include_assets)}.")
        if constraints.shot_type:
            lines.append(f"- Its shotType is {constraints.shot_type}.")
        if constraints.transition:
            lines.append(f"- Its transition is {constraints.transition}.")
    lines.append('Reply with JSON only: {"scene": {...}}.')
    return "\n".join(lines)


def _scene_json(scene: SceneDraft) -> dict[str, Any]:
    return {
        "number": scene.number,
        "duration": scene.duration,
        "description": scene.description,
        "script": scene.script,
        "shotType": scene.shot_type,
        "transition": scene.transition,
        "assets": list(scene.asset_ids),
    }
