"""One scene of an existing storyboard, regenerated under constraints."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from v3core.brief import MAX_VIDEO_SECONDS, Brief
from v3core.planning._common import fail, pick
from v3core.planning.placement import with_call_to_action
from v3core.planning.reading import ParsedScene, parse_scene
from v3core.planning.vocabulary import normalise_shot_type, normalise_transition
from v3core.ports.planner import PlanAsset
from v3core.storyboard import PlanningRules, SceneConstraints, SceneDraft


def _single_scene(raw: Any) -> Any:
    if isinstance(raw, Mapping):
        if isinstance(raw.get("scene"), Mapping):
            return raw["scene"]
        scenes = raw.get("scenes")
        if isinstance(scenes, list) and len(scenes) == 1:
            return scenes[0]
        if "scene" not in raw and "scenes" not in raw:
            return raw
    raise fail(("scene",), 'reply with a JSON object {"scene": {...}} holding exactly one scene')


def normalise_scene(
    raw: Any,
    *,
    brief: Brief,
    rules: PlanningRules,
    assets: Sequence[PlanAsset],
    current: Sequence[SceneDraft],
    number: int,
    constraints: SceneConstraints | None,
) -> SceneDraft:
    """The replacement for scene ``number`` of ``current``, meeting SPEC §6 and ``constraints``.

    The duration is the constraint's, else the old scene's (so the total stays); shot type and
    transition are the constraint's when given; ``mustIncludeAssets`` are included; assets that
    would otherwise be used by no scene are kept here; the last scene ends with the call to
    action. Other scenes are not touched (the caller replaces only this one).
    """
    constraints = constraints or SceneConstraints()
    allowed = [a.id for a in assets]
    _check_required_assets(constraints.must_include_assets, allowed)
    _constraint_duration(constraints.duration)
    parsed = parse_scene(_single_scene(raw), ("scene",), allowed)
    others = [s for s in current if s.number != number]
    old = next((s for s in current if s.number == number), None)
    duration = _scene_duration(constraints, old, parsed, brief, len(current) or rules.min_scenes)
    if constraints.shot_type is not None:
        parsed.shot_type = normalise_shot_type(constraints.shot_type, ("constraints", "shotType"))
    if constraints.transition is not None:
        parsed.transition = normalise_transition(constraints.transition, ("constraints", "transition"))
    used_elsewhere = {asset_id for s in others for asset_id in s.asset_ids}
    wanted = [*constraints.must_include_assets, *parsed.asset_ids]
    orphans = [a for a in allowed if a not in used_elsewhere and a not in wanted]
    parsed.asset_ids = list(dict.fromkeys([*wanted, *orphans]))
    if not others or number > max(s.number for s in others):
        parsed.script = with_call_to_action(parsed.script, brief.ad_basics.call_to_action)
    return parsed.draft(number, duration)


def _scene_duration(
    constraints: SceneConstraints, old: SceneDraft | None, parsed: ParsedScene, brief: Brief, count: int
) -> float:
    if constraints.duration is not None:
        return float(constraints.duration)
    if old is not None:
        return old.duration
    if parsed.duration is not None:
        return max(0.01, round(parsed.duration, 2))
    return max(0.01, round(brief.creative.video_specs.duration / count, 2))


def _check_required_assets(required: Iterable[str], allowed: Sequence[str]) -> None:
    for i, asset_id in enumerate(required):
        if asset_id not in allowed:
            raise fail(
                ("constraints", "mustIncludeAssets", i), f"asset {asset_id!r} is not one of this job's assets"
            )


def validate_constraints(
    raw: Mapping[str, Any] | None, assets: Iterable[PlanAsset | str]
) -> SceneConstraints | None:
    """Parse camelCase ``{duration, mustIncludeAssets, shotType, transition}`` (snake_case accepted).

    ``assets`` are the job's assets (or their ids). Raises ``ValidationFailed`` naming the field
    (e.g. ``("constraints", "shotType")``) when a value is malformed, unknown or foreign.
    """
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise fail(("constraints",), "constraints must be an object")
    allowed = [a.id if isinstance(a, PlanAsset) else a for a in assets]
    required = pick(raw, "mustIncludeAssets", "must_include_assets")
    if required is not None and (
        not isinstance(required, list) or not all(isinstance(a, str) for a in required)
    ):
        raise fail(("constraints", "mustIncludeAssets"), "must be a list of asset ids")
    required_ids = tuple(dict.fromkeys(required or []))
    _check_required_assets(required_ids, allowed)
    shot = pick(raw, "shotType", "shot_type")
    transition = raw.get("transition")
    return SceneConstraints(
        duration=_constraint_duration(raw.get("duration")),
        must_include_assets=required_ids,
        shot_type=None if shot is None else normalise_shot_type(shot, ("constraints", "shotType")),
        transition=None
        if transition is None
        else normalise_transition(transition, ("constraints", "transition")),
    )


def _constraint_duration(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise fail(("constraints", "duration"), "must be a number of seconds")
    if not 0 < value <= MAX_VIDEO_SECONDS:
        raise fail(("constraints", "duration"), f"must be > 0 and at most {MAX_VIDEO_SECONDS:g} seconds")
    return float(value)
