"""A whole storyboard from a planner's raw output (fresh plan and regenerate-all)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from v3core.brief import Brief
from v3core.planning._common import clamp, fail, pick
from v3core.planning.placement import place_assets, with_call_to_action
from v3core.planning.reading import parse_scene
from v3core.planning.timing import fit_durations
from v3core.ports.planner import PlanAsset
from v3core.storyboard import PlanningRules, SceneDraft


def _scene_list(raw: Any) -> list[Any]:
    if isinstance(raw, Mapping):
        raw = pick(raw, "scenes", "storyboard")
        if isinstance(raw, Mapping):
            raw = raw.get("scenes")
    if not isinstance(raw, list | tuple):
        raise fail(("scenes",), 'reply with a JSON object {"scenes": [...]} holding a list of scenes')
    return list(raw)


def _fit_count(items: list[Any], low: int, high: int) -> tuple[list[Any], str | None]:
    wanted = f"exactly {low}" if low == high else f"between {low} and {high}"
    if len(items) < low:
        raise fail(("scenes",), f"the storyboard has {len(items)} scenes; plan {wanted} scenes")
    if len(items) <= high:
        return items, None
    return [
        *items[: high - 1],
        items[-1],
    ], f"planner returned {len(items)} scenes; kept the first {high - 1} and the last"


def normalise_storyboard(
    raw: Any,
    *,
    brief: Brief,
    rules: PlanningRules,
    assets: Sequence[PlanAsset],
    keep_count: int | None = None,
) -> tuple[SceneDraft, ...]:
    """A storyboard meeting every rule of SPEC §6, built from a planner's raw output.

    Scenes are numbered 1..n in the order given; n is within the rules (exactly ``keep_count``,
    clamped to the rules, when given); too many scenes are cut down to the first ones plus the
    last, too few are refused. Durations are fitted to the brief's duration, vocabulary is
    normalised (unknown values replaced by a default and noted in ``metadata["normalisation"]``),
    hallucinated asset ids dropped, every job asset placed at least once, and the call to action
    ends the last scene's script. Raises ``ValidationFailed`` with a repair hint otherwise.
    """
    low, high = rules.min_scenes, rules.max_scenes
    if keep_count is not None:
        low = high = clamp(keep_count, low, high)
    items, truncated = _fit_count(_scene_list(raw), low, high)
    allowed = [a.id for a in assets]
    parsed = [parse_scene(item, ("scenes", i), allowed) for i, item in enumerate(items)]
    if truncated:
        parsed[-1].notes.append(truncated)
    durations = fit_durations([p.duration for p in parsed], brief.creative.video_specs.duration)
    placed = place_assets([p.asset_ids for p in parsed], assets)
    for p, ids in zip(parsed, placed, strict=True):
        p.asset_ids = list(ids)
    parsed[-1].script = with_call_to_action(parsed[-1].script, brief.ad_basics.call_to_action)
    return tuple(p.draft(i + 1, d) for i, (p, d) in enumerate(zip(parsed, durations, strict=True)))
