"""Shot types and transitions: the canonical spelling of whatever a model or a person wrote."""

from __future__ import annotations

import re
from collections.abc import Mapping

from v3core.planning._common import Loc, fail, short
from v3core.storyboard import SHOT_TYPES, TRANSITIONS

DEFAULT_SHOT_TYPE = "medium"
DEFAULT_TRANSITION = "cut"

# Aliases are keyed by the "compact" spelling: lower case, letters and digits only.
_SHOT_ALIASES: dict[str, str] = {
    **{"cu": "close-up", "close": "close-up", "tight": "close-up", "mcu": "close-up"},
    **{"mediumcloseup": "close-up", "ecu": "extreme-close-up", "xcu": "extreme-close-up"},
    **{"extremeclose": "extreme-close-up", "macro": "extreme-close-up", "detail": "extreme-close-up"},
    **{"mid": "medium", "ms": "medium", "midrange": "medium", "mediumwide": "medium", "cowboy": "medium"},
    **{"ws": "wide", "ls": "wide", "long": "wide", "full": "wide", "wideangle": "wide"},
    **{"extremewide": "wide", "ews": "wide", "ots": "over-the-shoulder", "overshoulder": "over-the-shoulder"},
    **{"drone": "aerial", "birdseye": "aerial", "overhead": "aerial", "topdown": "aerial"},
    **{"pointofview": "pov", "firstperson": "pov", "subjective": "pov"},
    **{"track": "tracking", "dolly": "tracking", "follow": "tracking", "steadicam": "tracking"},
    **{"packshot": "product", "hero": "product", "heroproduct": "product", "productcloseup": "product"},
    **{"establish": "establishing", "est": "establishing", "opening": "establishing"},
}
_TRANSITION_ALIASES: dict[str, str] = {
    **{"crossfade": "dissolve", "crossdissolve": "dissolve", "mix": "dissolve", "blend": "dissolve"},
    **{"hardcut": "cut", "straightcut": "cut", "jumpcut": "cut", "matchcut": "cut", "smashcut": "cut"},
    **{"cutto": "cut", "none": "cut", "direct": "cut", "instant": "cut"},
    **{"fadein": "fade", "fadeout": "fade", "fadetoblack": "fade", "fadefromblack": "fade"},
    **{"fadethroughblack": "fade", "fadetowhite": "fade", "dip": "fade", "diptoblack": "fade"},
    **{"swipe": "wipe", "wipeleft": "wipe", "wiperight": "wipe"},
    **{"zoomin": "zoom", "zoomout": "zoom", "push": "zoom", "pushin": "zoom", "crashzoom": "zoom"},
    **{"slideleft": "slide", "slideright": "slide", "whippan": "slide", "pan": "slide", "swish": "slide"},
}


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_SHOT_KEYS = {**_SHOT_ALIASES, **{_compact(v): v for v in SHOT_TYPES}}
_TRANSITION_KEYS = {**_TRANSITION_ALIASES, **{_compact(v): v for v in TRANSITIONS}}


def _lookup(value: object, keys: Mapping[str, str], what: str, suffix: str, loc: Loc) -> str:
    vocabulary = ", ".join(dict.fromkeys(keys.values()))
    if not isinstance(value, str) or not value.strip():
        raise fail(loc, f"{what} must be one of: {vocabulary}")
    key = _compact(value)
    if key.endswith(suffix) and key not in keys:
        key = key[: -len(suffix)]
    canonical = keys.get(key)
    if canonical is None:
        raise fail(loc, f"unknown {what} {short(value)}; use one of: {vocabulary}")
    return canonical


def normalise_shot_type(value: object, loc: Loc = ("shotType",)) -> str:
    """The canonical ``SHOT_TYPES`` spelling of ``value`` ("Close Up", "closeup" → "close-up").

    Raises ``ValidationFailed`` at ``loc`` naming the vocabulary when the value is not recognised.
    """
    return _lookup(value, _SHOT_KEYS, "shot type", "shot", loc)


def normalise_transition(value: object, loc: Loc = ("transition",)) -> str:
    """The canonical ``TRANSITIONS`` spelling of ``value`` ("crossfade" → "dissolve", "hard cut" → "cut").

    Raises ``ValidationFailed`` at ``loc`` naming the vocabulary when the value is not recognised.
    """
    return _lookup(value, _TRANSITION_KEYS, "transition", "transition", loc)
