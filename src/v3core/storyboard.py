"""Value objects of a storyboard that flow between planner, rules and storage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

SHOT_TYPES: tuple[str, ...] = (
    "wide",
    "medium",
    "close-up",
    "extreme-close-up",
    "over-the-shoulder",
    "aerial",
    "tracking",
    "pov",
    "product",
    "establishing",
)
TRANSITIONS: tuple[str, ...] = ("cut", "fade", "dissolve", "wipe", "zoom", "slide")


@attrs.frozen
class PlanningRules:
    """Bounds a storyboard must meet (``SCENES_PER_VIDEO_MIN``/``MAX``)."""

    min_scenes: int = 3
    max_scenes: int = 7

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.min_scenes <= self.max_scenes:
            raise ValueError("need 1 <= min_scenes <= max_scenes")


@attrs.frozen
class SceneDraft:
    """A valid scene before it is stored (no id, no timestamps)."""

    number: int
    duration: float
    description: str
    script: str
    shot_type: str
    transition: str
    asset_ids: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class SceneConstraints:
    """What a single-scene regeneration must honour."""

    duration: float | None = None
    must_include_assets: tuple[str, ...] = ()
    shot_type: str | None = None
    transition: str | None = None
