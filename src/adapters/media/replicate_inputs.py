"""Prediction inputs per Replicate model family (each model publishes its own input schema).

Known families get the inputs their schema names; any other model gets a conservative
generic set (``prompt``, ``aspect_ratio``, ``duration``, ``image``, ``seed``). Models with
fixed clip lengths are asked for the nearest length that covers the scene (the renderer
trims), and that length is what ``billed_seconds`` prices.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from v3core.costs import billed_clip_seconds
from v3core.ports.media import ImageRequest, VideoRequest

VEO_SECONDS = (4, 6, 8)
HAILUO_SECONDS = (6, 10)


def family(model: str) -> str:
    """``owner/name`` of ``owner/name[:version]``, lower-cased."""
    return model.split(":", 1)[0].strip().lower()


def image_input(model: str, request: ImageRequest) -> dict[str, Any]:
    """Inputs for a text-to-image model (Flux and compatible schemas)."""
    prompt = _with_avoid(request.prompt, request.negative_prompt)
    inputs: dict[str, Any] = {
        "prompt": prompt,
        "aspect_ratio": request.aspect_ratio,
        "num_outputs": 1,
        "output_format": "png",
    }
    if request.seed is not None:
        inputs["seed"] = request.seed
    return inputs


def video_input(model: str, request: VideoRequest) -> dict[str, Any]:
    """Inputs for an image-to-video model; ``first_frame`` is sent as a file (data URI)."""
    name = family(model)
    frame = Path(request.first_frame) if request.first_frame else None
    seconds = billed_seconds(model, request.duration)
    if name.startswith("google/veo"):
        inputs: dict[str, Any] = {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt,
            "aspect_ratio": _landscape_or_portrait(request.aspect_ratio),
            "duration": seconds,
            "resolution": "720p",
            "generate_audio": False,
        }
        frame_key = "image"
    elif name.startswith("minimax/hailuo"):
        inputs = {
            "prompt": _with_avoid(request.prompt, request.negative_prompt),
            "duration": seconds,
            "resolution": "768P",
            "prompt_optimizer": False,
        }
        frame_key = "first_frame_image"
    else:
        inputs = {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt,
            "aspect_ratio": request.aspect_ratio,
            "duration": seconds,
        }
        frame_key = "image"
    if frame is not None:
        inputs[frame_key] = frame
    if request.seed is not None:
        inputs["seed"] = request.seed
    return inputs


def clip_lengths(model: str) -> tuple[int, ...]:
    """The clip lengths ``model`` takes (and bills); empty: any whole number of seconds."""
    name = family(model)
    if name.startswith("google/veo"):
        return VEO_SECONDS
    if name.startswith("minimax/hailuo"):
        return HAILUO_SECONDS
    return ()


def billed_seconds(model: str, duration: float) -> int:
    """The clip length the model is asked for: the shortest supported one covering ``duration``."""
    return billed_clip_seconds(duration, clip_lengths(model))


def _landscape_or_portrait(aspect_ratio: str) -> str:
    width, _, height = aspect_ratio.partition(":")
    try:
        portrait = float(height) > float(width)
    except ValueError:
        portrait = False
    return "9:16" if portrait else "16:9"


def _with_avoid(prompt: str, negative: str) -> str:
    """For models without a negative prompt: the restrictions appended as an instruction."""
    return f"{prompt}\nAvoid: {negative}" if negative.strip() else prompt
