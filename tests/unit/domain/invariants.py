"""What every stored storyboard must satisfy (SPEC §6), checked the same way by every test here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from v3core.brief import Brief
from v3core.errors import ValidationFailed
from v3core.planning import mentions_call_to_action
from v3core.ports.planner import PlanAsset
from v3core.storyboard import SHOT_TYPES, TRANSITIONS, PlanningRules, SceneDraft

T = TypeVar("T")
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def planning_rules() -> st.SearchStrategy[PlanningRules]:
    """The default bounds and other sane ones."""
    custom = st.integers(1, 5).flatmap(
        lambda low: st.integers(low, 9).map(lambda high: PlanningRules(low, high))
    )
    return st.one_of(st.just(PlanningRules()), custom)


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


def attempt(action: Callable[[], T]) -> T | ValidationFailed:
    """The result of ``action``, or the ``ValidationFailed`` it raised (any other error propagates)."""
    try:
        return action()
    except ValidationFailed as refused:
        return refused
