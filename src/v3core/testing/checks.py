"""The invariants the workflow machine checks after every step (SPEC §5, §6), from SPEC alone.

``History`` remembers what was seen before, so that versions and cost can be checked to only
grow and a scene that kept its version to have kept its content.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import attrs

from v3core.brief import Brief
from v3core.model import Job, Scene
from v3core.planning import mentions_call_to_action
from v3core.ports.planner import PlanAsset
from v3core.storyboard import SHOT_TYPES, TRANSITIONS, PlanningRules, SceneDraft
from v3core.testing import oracle


@attrs.define
class History:
    """What the machine saw of each job and scene so far."""

    job_versions: dict[str, int] = attrs.field(factory=dict)
    costs: dict[str, float] = attrs.field(factory=dict)
    scenes: dict[str, tuple[int, tuple[object, ...]]] = attrs.field(factory=dict)
    touched: set[str] = attrs.field(factory=set)
    """Jobs whose storyboard a person changed since it was (re)planned."""
    counts: dict[str, int | None] = attrs.field(factory=dict)
    """The scene count a replan must produce (SPEC §4: kept unless feedback asks otherwise)."""


def scene_content(scene: Scene) -> tuple[object, ...]:
    """Everything a person sees of a scene, and its version."""
    return (
        scene.id,
        scene.number,
        scene.version,
        scene.duration,
        scene.description,
        scene.script,
        scene.shot_type,
        scene.transition,
        tuple(scene.asset_ids),
    )


def expected_count(feedback: str | None, current: int, rules: PlanningRules) -> int | None:
    """The scene count of a replan of ``current`` scenes: the feedback's "N scenes", else kept
    (within ``rules``); ``None`` when nothing is kept (no scenes left)."""
    asked = re.search(r"\b(\d+)\s+scenes?\b", feedback or "")
    wanted = int(asked.group(1)) if asked else current
    if wanted == 0:
        return None
    return max(rules.min_scenes, min(rules.max_scenes, wanted))


def check_job(job: Job, scenes: Sequence[Scene], rules: PlanningRules, seen: History) -> None:
    """Assert the invariants of one stored job and its scenes; remember what was seen."""
    assert job.status.value in oracle.STATUSES
    assert job.version >= seen.job_versions.get(job.id, 0), "the job's version went down"
    seen.job_versions[job.id] = job.version
    assert job.cost.actual >= seen.costs.get(job.id, 0.0) - 1e-9, "the actual cost went down"
    seen.costs[job.id] = job.cost.actual
    for scene in scenes:
        content = scene_content(scene)
        version, previous = seen.scenes.get(scene.id, (0, content))
        assert scene.version >= version, f"scene {scene.id}'s version went down"
        assert scene.version > version or content == previous, f"scene {scene.id} changed, same version"
        seen.scenes[scene.id] = (scene.version, content)
    numbers = [s.number for s in scenes]
    assert numbers == sorted(set(numbers)) and all(n >= 1 for n in numbers), f"scene numbers {numbers}"
    assert all(s.duration > 0 and s.description.strip() for s in scenes)
    assert {a for s in scenes for a in s.asset_ids} <= set(job.asset_ids), "a scene uses a foreign asset"
    if job.status.value == "failed":
        assert job.error is not None and job.error.message
        assert job.error.step in oracle.STEP_STATUSES, f"unknown failed step {job.error.step!r}"
    if job.status.value == "completed":
        assert job.video_asset_id is not None
    if job.status.value == "storyboard_ready" and job.id not in seen.touched:
        _check_fresh_plan(job, scenes, rules, seen.counts.pop(job.id, None))
        seen.touched.add(job.id)  # checked once; later steps may change it


def _check_fresh_plan(job: Job, scenes: Sequence[Scene], rules: PlanningRules, count: int | None) -> None:
    """SPEC §6 for a storyboard as the planner left it."""
    assert rules.min_scenes <= len(scenes) <= rules.max_scenes, f"{len(scenes)} scenes"
    if count is not None:
        assert len(scenes) == count, f"the replan has {len(scenes)} scenes, not the {count} kept"
    assert [s.number for s in scenes] == list(range(1, len(scenes) + 1)), "a plan is numbered 1..n"
    total = job.brief.creative.video_specs.duration
    assert math.isclose(sum(s.duration for s in scenes), total, abs_tol=0.011), "durations != video"
    cta = job.brief.ad_basics.call_to_action.strip().casefold()
    assert cta in scenes[-1].script.casefold(), "the call to action is not in the last scene"
    supplied = set(job.asset_ids)
    if len(supplied) <= len(scenes):
        used = {a for s in scenes for a in s.asset_ids}
        assert supplied <= used, f"assets {supplied - used} supplied but never placed"


def storyboard_violations(
    scenes: Sequence[SceneDraft],
    *,
    brief: Brief,
    rules: PlanningRules,
    assets: Sequence[PlanAsset],
    check_total: bool = True,
) -> list[str]:
    """Every SPEC §6 rule the storyboard breaks (empty when it is valid)."""
    broken: list[str] = []
    if not rules.min_scenes <= len(scenes) <= rules.max_scenes:
        broken.append(f"{len(scenes)} scenes outside {rules.min_scenes}..{rules.max_scenes}")
    if [s.number for s in scenes] != list(range(1, len(scenes) + 1)):
        broken.append("scenes are not numbered 1..n")
    total = brief.creative.video_specs.duration
    if check_total and abs(sum(s.duration for s in scenes) - total) > 1e-6:
        broken.append(f"durations add up to {sum(s.duration for s in scenes)}, not {total}")
    job_ids = {a.id for a in assets}
    for s in scenes:
        if not s.duration > 0:
            broken.append(f"scene {s.number} lasts {s.duration}")
        if not s.description.strip():
            broken.append(f"scene {s.number} has no description")
        if s.shot_type not in SHOT_TYPES or s.transition not in TRANSITIONS:
            broken.append(f"scene {s.number} uses {s.shot_type!r}/{s.transition!r}")
        if not set(s.asset_ids) <= job_ids or len(set(s.asset_ids)) != len(s.asset_ids):
            broken.append(f"scene {s.number} has foreign or repeated assets {s.asset_ids}")
    if scenes and not job_ids <= {a for s in scenes for a in s.asset_ids}:
        broken.append("a supplied asset is used by no scene")
    if scenes and not mentions_call_to_action(scenes[-1].script, brief.ad_basics.call_to_action):
        broken.append("the last scene's script lacks the call to action")
    return broken
