"""Scene planning rules (SPEC §6): whatever a planner returns becomes a valid storyboard or a clear error.

Every planner — the template, OpenAI, Anthropic, a fake — is held to the same rules here.
The choices (truncate vs refuse, unknown vocabulary, duration fitting) are recorded in
``docs/decisions/0010-scene-normalisation.md``. A ``ValidationFailed`` message is written to
be fed back to the model as the repair hint of the one retry.
"""

from v3core.planning.placement import mentions_call_to_action, place_assets, with_call_to_action
from v3core.planning.reading import NOTES_KEY
from v3core.planning.scenes import normalise_scene, validate_constraints
from v3core.planning.storyboards import normalise_storyboard
from v3core.planning.timing import (
    MIN_SCENE_SECONDS,
    SECONDS_PER_SCENE,
    fit_durations,
    planned_scene_count,
    requested_scene_count,
)
from v3core.planning.vocabulary import (
    DEFAULT_SHOT_TYPE,
    DEFAULT_TRANSITION,
    normalise_shot_type,
    normalise_transition,
)

__all__ = [
    "DEFAULT_SHOT_TYPE",
    "DEFAULT_TRANSITION",
    "MIN_SCENE_SECONDS",
    "NOTES_KEY",
    "SECONDS_PER_SCENE",
    "fit_durations",
    "mentions_call_to_action",
    "normalise_scene",
    "normalise_shot_type",
    "normalise_storyboard",
    "normalise_transition",
    "place_assets",
    "planned_scene_count",
    "requested_scene_count",
    "validate_constraints",
    "with_call_to_action",
]
