"""The scene planner port: turns a brief into raw storyboard output.

Planners return *raw* output (whatever JSON the model produced); the domain's
normalisation rules turn it into a valid storyboard or a clear error, so every
planner is held to the same rules.
"""

from __future__ import annotations

import enum
from typing import Any, Protocol

import attrs

from v3core.brief import Brief
from v3core.model import BrandGuidelines
from v3core.storyboard import PlanningRules, SceneConstraints, SceneDraft


class PlanMode(enum.StrEnum):
    """A whole storyboard, or one scene of an existing one."""

    STORYBOARD = "storyboard"
    SCENE = "scene"


@attrs.frozen
class PlanAsset:
    """An asset the planner may place in scenes."""

    id: str
    type: str
    name: str
    role: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None


@attrs.frozen
class PlanRequest:
    """Everything a planner needs for one call.

    ``current_scenes`` is the storyboard being regenerated (empty for a first plan);
    ``scene_number`` names the scene to replace in ``SCENE`` mode; ``repair_hint``
    carries the validation error of the previous attempt on a repair retry.
    """

    brief: Brief
    rules: PlanningRules
    mode: PlanMode = PlanMode.STORYBOARD
    client_name: str = ""
    brand: BrandGuidelines = BrandGuidelines()
    assets: tuple[PlanAsset, ...] = ()
    feedback: str | None = None
    current_scenes: tuple[SceneDraft, ...] = ()
    scene_number: int | None = None
    constraints: SceneConstraints | None = None
    repair_hint: str | None = None


@attrs.frozen
class TokenUsage:
    """Tokens one call consumed, for the cost model."""

    input_tokens: int = 0
    output_tokens: int = 0


@attrs.frozen
class PlannerReply:
    """Raw planner output plus what it cost.

    ``raw`` is a mapping ``{"scenes": [...]}`` in STORYBOARD mode or
    ``{"scene": {...}}`` in SCENE mode (scene keys camelCase: duration, description,
    script, shotType, transition, assets) — or anything else a misbehaving model sent.
    """

    raw: Any
    model: str
    usage: TokenUsage = TokenUsage()


class ScenePlanner(Protocol):
    """Plans storyboards. Raises ``UpstreamError``/``UpstreamTimeout``/``RateLimited`` on provider failure."""

    name: str

    async def plan(self, request: PlanRequest) -> PlannerReply:
        """One planning call."""
        ...
