"""The built-in planner: a deterministic, offline storyboard template built from the brief.

It is honest about what it is — every scene says ``metadata.planner == "template"`` and the
reply's model is "template" — and follows the classic ad arc: hook → product → benefit(s) →
call to action. The same request always gives the same storyboard.
"""

from __future__ import annotations

import re
from typing import Any

from v3core.brief import Brief
from v3core.planning import fit_durations, place_assets, planned_scene_count, requested_scene_count
from v3core.ports.planner import PlanAsset, PlanMode, PlannerReply, PlanRequest, ScenePlanner, TokenUsage
from v3core.storyboard import SHOT_TYPES, TRANSITIONS, SceneDraft

_WEIGHTS = {"hook": 0.9, "product": 1.2, "benefit": 1.0, "call_to_action": 0.9}
_BENEFIT_SHOTS = ("medium", "close-up", "tracking", "pov", "wide")
_BENEFIT_TRANSITIONS = ("dissolve", "cut", "slide")
_BENEFIT_ANGLES = ("in everyday use", "up close on the details", "with people enjoying it", "in motion")
_MAX_FEEDBACK = 200
_FEEDBACK_ALIASES = {
    "cross-fade": "dissolve",
    "drone": "aerial",
    "birds-eye": "aerial",
    "point-of-view": "pov",
    "pack-shot": "product",
    "hard-cut": "cut",
}


class TemplateScenePlanner(ScenePlanner):
    """Plans storyboards from the brief alone, without any AI service."""

    name = "template"

    async def plan(self, request: PlanRequest) -> PlannerReply:
        """A storyboard (``{"scenes": [...]}``) or one scene (``{"scene": {...}}``) for ``request``."""
        raw: dict[str, Any]
        if request.mode is PlanMode.SCENE:
            raw = {"scene": plan_scene(request)}
        else:
            raw = {"scenes": plan_storyboard(request)}
        return PlannerReply(raw=raw, model="template", usage=TokenUsage())


def beats(count: int) -> tuple[str, ...]:
    """The narrative role of each of ``count`` scenes: hook, product, benefits, call to action."""
    if count <= 1:
        return ("call_to_action",)
    if count == 2:
        return ("hook", "call_to_action")
    return ("hook", "product", *("benefit",) * (count - 3), "call_to_action")


def plan_storyboard(request: PlanRequest) -> list[dict[str, Any]]:
    """The template storyboard for ``request`` as raw camelCase scene mappings."""
    roles = beats(_storyboard_count(request))
    durations = fit_durations([_WEIGHTS[r] for r in roles], request.brief.creative.video_specs.duration)
    placed = place_assets([[] for _ in roles], request.assets)
    return [
        _scene(request, role, index, duration, list(ids))
        for index, (role, duration, ids) in enumerate(zip(roles, durations, placed, strict=True))
    ]


def _storyboard_count(request: PlanRequest) -> int:
    rules, current = request.rules, len(request.current_scenes)
    repair = re.search(r"plan exactly (\d{1,3}) scenes", request.repair_hint or "")
    if repair:
        count = int(repair.group(1))
    elif current:
        count = requested_scene_count(request.feedback, current, rules) or current
    else:
        count = planned_scene_count(request.brief, rules)
    return max(rules.min_scenes, min(rules.max_scenes, count))


def plan_scene(request: PlanRequest) -> dict[str, Any]:
    """The template replacement for scene ``request.scene_number``, reacting to feedback and constraints."""
    numbers = sorted(s.number for s in request.current_scenes)
    number = request.scene_number if request.scene_number is not None else (numbers[0] if numbers else 1)
    old = next((s for s in request.current_scenes if s.number == number), None)
    position = sum(1 for n in numbers if n < number)
    roles = beats(max(len(numbers), position + 1))
    constraints = request.constraints
    duration = _scene_duration(request, old, len(roles))
    assets = [*(constraints.must_include_assets if constraints else ()), *(old.asset_ids if old else ())]
    scene = _scene(request, roles[position], position, duration, list(dict.fromkeys(assets)))
    wanted_shot = constraints.shot_type if constraints else None
    wanted_transition = constraints.transition if constraints else None
    scene["shotType"] = wanted_shot or _mentioned(request.feedback, SHOT_TYPES) or scene["shotType"]
    scene["transition"] = (
        wanted_transition or _mentioned(request.feedback, TRANSITIONS) or scene["transition"]
    )
    previous = old.metadata.get("take") if old else None
    take = previous + 1 if isinstance(previous, int) and not isinstance(previous, bool) else 2
    scene["metadata"]["take"] = take
    scene["description"] = f"Take {take}: {scene['description']}"
    return scene


def _scene_duration(request: PlanRequest, old: SceneDraft | None, count: int) -> float:
    if request.constraints and request.constraints.duration is not None:
        return request.constraints.duration
    if old is not None:
        return old.duration
    return round(request.brief.creative.video_specs.duration / max(1, count), 2)


def _scene(request: PlanRequest, role: str, index: int, duration: float, assets: list[str]) -> dict[str, Any]:
    brief = request.brief
    tone = brief.creative.direction.tone or request.brand.tone
    description = _description(brief, role, index, request.assets)
    if tone:
        description += f" Tone: {tone}."
    if request.feedback and request.feedback.strip():
        description += f" Revised for feedback: {_sentence(request.feedback.strip()[:_MAX_FEEDBACK])}"
    metadata: dict[str, Any] = {"planner": "template", "beat": role}
    if request.brand.restrictions:
        metadata["brandRestrictions"] = list(request.brand.restrictions)
    return {
        "duration": duration,
        "description": description,
        "script": _script(brief, role, index),
        "shotType": _shot_type(role, index),
        "transition": _transition(role, index),
        "assets": assets,
        "metadata": metadata,
    }


def _description(brief: Brief, role: str, index: int, assets: tuple[PlanAsset, ...]) -> str:
    basics, direction = brief.ad_basics, brief.creative.direction
    visuals = direction.visual_elements
    feature = f", featuring {visuals[index % len(visuals)]}" if visuals else ""
    if role == "hook":
        return _sentence(
            f"{direction.style} opening that grabs the attention of {basics.target_audience}{feature}"
        )
    if role == "product":
        return _sentence(f"{direction.style} hero shot of {basics.product}{feature}")
    if role == "benefit":
        angle = _BENEFIT_ANGLES[(index - 2) % len(_BENEFIT_ANGLES)]
        return _sentence(f"{basics.product} {angle}, shown to {basics.target_audience}{feature}")
    logo = " and the brand logo" if any(a.role == "logo" for a in assets) else ""
    return _sentence(f"Closing shot of {basics.product} with '{basics.call_to_action}' on screen{logo}")


def _script(brief: Brief, role: str, index: int) -> str:
    basics = brief.ad_basics
    if role == "hook":
        return _sentence(f"{basics.target_audience}, meet {basics.product}")
    if role == "product":
        return _sentence(basics.key_message)
    if role == "benefit":
        lines = (
            f"{basics.product}, made for {basics.target_audience}",
            f"Built around one idea: {basics.key_message}",
            "See the difference for yourself",
        )
        return _sentence(lines[(index - 2) % len(lines)])
    return f"{_sentence(basics.product)} {_sentence(basics.call_to_action)}"


def _shot_type(role: str, index: int) -> str:
    fixed = {"hook": "establishing", "product": "product", "call_to_action": "wide"}
    return fixed.get(role) or _BENEFIT_SHOTS[(index - 2) % len(_BENEFIT_SHOTS)]


def _transition(role: str, index: int) -> str:
    fixed = {"hook": "fade", "product": "cut", "call_to_action": "fade"}
    return fixed.get(role) or _BENEFIT_TRANSITIONS[(index - 2) % len(_BENEFIT_TRANSITIONS)]


def _mentioned(feedback: str | None, vocabulary: tuple[str, ...]) -> str | None:
    """The vocabulary term the feedback names first ("a close up" → "close-up"), if any."""
    text = (feedback or "").lower()
    terms = {
        **{term: term for term in vocabulary},
        **{a: t for a, t in _FEEDBACK_ALIASES.items() if t in vocabulary},
    }
    found = []
    for spelling, term in terms.items():
        match = re.search(r"\b" + r"[\s_-]?".join(map(re.escape, spelling.split("-"))) + r"\b", text)
        if match:
            found.append((match.start(), -len(spelling), term))
    return min(found)[2] if found else None


def _sentence(text: str) -> str:
    """``text`` as a sentence: a final full stop, and a capital first letter when the first word
    is all lower case ("health-minded commuters, meet ..."; a brand like "iPhone" is kept)."""
    text = text.strip()
    if not text:
        return text
    first_word = text.split(maxsplit=1)[0]
    if first_word.islower():
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else f"{text}."
