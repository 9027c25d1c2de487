"""The prompt a scene's generated footage is made from (SPEC §8), built purely from the job.

Inputs: the scene (description, shot type, duration), the brief's creative direction (style,
tone, visual elements) and the brand guidelines (colours, tone; restrictions become the
negative prompt). The aspect ratio is always the job's. Planner notes ("Take 2:", "Revised for
feedback: ...") are review aids, never visual instructions: they are removed, so a person's
feedback is never echoed into a picture.

``prompt_hash`` identifies a scene's media inputs: while it is unchanged a generated frame or
clip is reused, never paid for twice.
"""

from __future__ import annotations

import hashlib
import json
import re

import attrs

from v3core.brief import Brief
from v3core.model import BrandGuidelines

GENERATION_SIZES: dict[str, tuple[int, int]] = {
    "16:9": (1280, 720),
    "9:16": (720, 1280),
    "1:1": (1080, 1080),
    "4:5": (1080, 1350),
}
"""Pixels asked of a generator per aspect ratio (SPEC §8 encoding defaults)."""

SHOT_PHRASES: dict[str, str] = {
    "wide": "Wide shot",
    "medium": "Medium shot",
    "close-up": "Close-up shot",
    "extreme-close-up": "Extreme close-up, macro detail",
    "over-the-shoulder": "Over-the-shoulder shot",
    "aerial": "Aerial drone shot",
    "tracking": "Smooth tracking shot",
    "pov": "First-person point-of-view shot",
    "product": "Product hero shot, studio lighting",
    "establishing": "Establishing shot",
}

BASE_NEGATIVE: tuple[str, ...] = ("on-screen text", "captions", "watermark", "distorted proportions")
"""Always avoided: captions are drawn by the renderer, never baked into footage."""

# Planner notes: a leading "Take 2:" and anything from a feedback marker to the end.
_TAKE = re.compile(r"^\s*(?:\(?\s*take\s*#?\d+\s*\)?\s*[:.\-\u2013\u2014]\s*)+", re.IGNORECASE)
_FEEDBACK = re.compile(
    r"\s*\(?\b(?:revised|updated|changed|adjusted)\s+(?:for|per|after|based on)\s+(?:the\s+)?feedback\b.*$"
    r"|\s*\(?\bfeedback\s*:.*$",
    re.IGNORECASE | re.DOTALL,
)
_SPACES = re.compile(r"\s+")


@attrs.frozen
class SceneVisual:
    """The visual fields of a scene, all a prompt depends on (script and transition are not)."""

    number: int
    description: str
    shot_type: str
    duration: float


@attrs.frozen
class ScenePrompt:
    """What a generator is asked for one scene."""

    prompt: str
    negative_prompt: str
    aspect_ratio: str
    width: int
    height: int
    duration: float


def strip_planner_notes(text: str) -> str:
    """``text`` without planner notes: a leading "Take N:" and any "Revised for feedback: ..." tail."""
    cleaned = _FEEDBACK.sub("", _TAKE.sub("", text))
    return _SPACES.sub(" ", cleaned).strip(" \t\n-\u2013\u2014:;,")


def _sentence(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def build_scene_prompt(scene: SceneVisual, brief: Brief, brand: BrandGuidelines) -> ScenePrompt:
    """The prompt and negative prompt for ``scene`` at the job's aspect ratio.

    Brand restrictions are always part of the negative prompt; planner notes never reach the
    prompt.
    """
    direction = brief.creative.direction
    aspect = brief.creative.video_specs.format
    width, height = GENERATION_SIZES.get(aspect, GENERATION_SIZES["16:9"])
    shot = SHOT_PHRASES.get(scene.shot_type, "Shot")
    subject = strip_planner_notes(scene.description) or brief.ad_basics.product
    parts = [_sentence(f"{shot} of {subject}"), _sentence(f"Style: {strip_planner_notes(direction.style)}")]
    tone = direction.tone or brand.tone
    if tone:
        parts.append(_sentence(f"Mood: {strip_planner_notes(tone)}"))
    visuals = [strip_planner_notes(v) for v in direction.visual_elements if v.strip()]
    if visuals:
        parts.append(_sentence("Featuring " + ", ".join(v for v in visuals if v)))
    colours = [c.strip() for c in brand.colors if c.strip()]
    if colours:
        parts.append(_sentence("Colour palette: " + ", ".join(colours)))
    parts.append(_sentence(f"Cinematic {aspect} frame, photorealistic, no text"))
    restrictions = [r.strip() for r in brand.restrictions if r.strip()]
    negative = ", ".join(dict.fromkeys([*restrictions, *BASE_NEGATIVE]))
    return ScenePrompt(
        prompt=" ".join(p for p in parts if p),
        negative_prompt=negative,
        aspect_ratio=aspect,
        width=width,
        height=height,
        duration=round(float(scene.duration), 3),
    )


def prompt_hash(prompt: ScenePrompt, kind: str, model: str) -> str:
    """sha256 (hex) of the normalised prompt, negative prompt, model, aspect, duration and kind.

    A frame does not depend on the scene's duration, so ``kind`` ``frame`` hashes it as 0.
    """
    duration = 0.0 if kind == "frame" else prompt.duration
    canonical = json.dumps(
        [
            kind,
            _SPACES.sub(" ", prompt.prompt).strip().lower(),
            _SPACES.sub(" ", prompt.negative_prompt).strip().lower(),
            model.strip(),
            prompt.aspect_ratio,
            f"{duration:.3f}",
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
