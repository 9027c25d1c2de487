"""Reading one raw scene leniently: aliases, wrong types, hallucinated ids, notes of what changed."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from v3core.brief import MAX_VIDEO_SECONDS
from v3core.errors import ValidationFailed
from v3core.planning._common import Loc, fail, pick, short
from v3core.planning.vocabulary import (
    DEFAULT_SHOT_TYPE,
    DEFAULT_TRANSITION,
    normalise_shot_type,
    normalise_transition,
)
from v3core.storyboard import SceneDraft

NOTES_KEY = "normalisation"


@attrs.define
class ParsedScene:
    """One raw scene read leniently; notes say what normalisation changed."""

    description: str
    script: str
    shot_type: str
    transition: str
    asset_ids: list[str]
    duration: float | None
    metadata: dict[str, Any]
    notes: list[str]

    def draft(self, number: int, duration: float) -> SceneDraft:
        """The scene as scene ``number`` lasting ``duration``, notes under ``metadata["normalisation"]``."""
        metadata = dict(self.metadata)
        if self.notes:
            metadata[NOTES_KEY] = list(self.notes)
        return SceneDraft(
            number=number,
            duration=duration,
            description=self.description,
            script=self.script,
            shot_type=self.shot_type,
            transition=self.transition,
            asset_ids=tuple(self.asset_ids),
            metadata=metadata,
        )


def _seconds(value: Any) -> float | None:
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds)?\s*", value.lower())
        value = float(match.group(1)) if match else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = float(value)
    return seconds if math.isfinite(seconds) and 0 < seconds <= 10 * MAX_VIDEO_SECONDS else None


def _text(value: Any, loc: Loc, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise fail(loc, f"{what} must be text, not {type(value).__name__}")
    return value.strip()


def _vocabulary(value: Any, notes: list[str], *, shot: bool) -> str:
    default = DEFAULT_SHOT_TYPE if shot else DEFAULT_TRANSITION
    field = "shotType" if shot else "transition"
    if value is None:
        notes.append(f"{field} missing; used {default!r}")
        return default
    try:
        return normalise_shot_type(value) if shot else normalise_transition(value)
    except ValidationFailed:
        notes.append(f"{field} {short(value)} is not in the vocabulary; used {default!r}")
        return default


def _asset_ids(value: Any, allowed: Iterable[str], notes: list[str]) -> list[str]:
    items = [value] if isinstance(value, str | Mapping) else value if isinstance(value, list | tuple) else []
    allowed_ids = set(allowed)
    kept: list[str] = []
    for item in items:
        ident = pick(item, "id", "assetId", "asset_id") if isinstance(item, Mapping) else item
        if isinstance(ident, str) and ident in allowed_ids:
            if ident not in kept:
                kept.append(ident)
        else:
            notes.append(f"dropped asset {short(ident)}: not one of this job's assets")
    return kept


def parse_scene(raw: Any, loc: Loc, asset_ids: Iterable[str]) -> ParsedScene:
    """Read one raw scene; ``ValidationFailed`` at ``loc`` when it is not an object or has no description."""
    if not isinstance(raw, Mapping):
        raise fail(loc, f"each scene must be an object, not {type(raw).__name__}")
    notes: list[str] = []
    description = _text(
        pick(raw, "description", "visualDescription", "visual_description", "visual"),
        (*loc, "description"),
        "description",
    )
    if not description:
        raise fail((*loc, "description"), "every scene needs a non-empty visual description")
    duration = _seconds(pick(raw, "duration", "durationSeconds", "duration_seconds", "seconds"))
    if duration is None:
        notes.append("duration missing or not positive; given a share of the total")
    metadata = raw.get("metadata")
    return ParsedScene(
        description=description,
        script=_text(pick(raw, "script", "voiceover", "voiceOver", "narration"), (*loc, "script"), "script"),
        shot_type=_vocabulary(pick(raw, "shotType", "shot_type", "shot"), notes, shot=True),
        transition=_vocabulary(
            pick(raw, "transition", "transitionType", "transition_type"), notes, shot=False
        ),
        asset_ids=_asset_ids(pick(raw, "assets", "assetIds", "asset_ids"), asset_ids, notes),
        duration=duration,
        metadata={str(k): v for k, v in metadata.items()} if isinstance(metadata, Mapping) else {},
        notes=notes,
    )
