"""SPEC §8: on screen are the script (caption) and the call to action (last scene) only.

No OCR: a text's influence is measured by rendering the same storyboard twice with
only that text changed and comparing the decoded pixels.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from adapters.rendering import AnimaticRenderer
from v3core.ports.renderer import RenderAsset, RenderRequest, RenderScene

from .conftest import FakeBlobStore, png_with_square, rgb_frames

Frame = npt.NDArray[np.uint8]
BRAND = ("#1e3a8a", "#f97316")
ORANGE = np.array([0xF9, 0x73, 0x16])


async def nothing(done: int, total: int, message: str) -> None:
    return None


def storyboard(
    blobs: FakeBlobStore,
    descriptions: tuple[str, str, str],
    scripts: tuple[str, str, str] = ("Fresh every day.", "Made near you.", "Try it today."),
    cta: str = "Order now",
) -> RenderRequest:
    photo = RenderAsset("photo", blobs.add(png_with_square((640, 360), 90)), "image", "image/png")
    visuals = (None, photo, None)
    scenes = tuple(
        RenderScene(number, 1.0, description, script, shot, "cut", visual)
        for number, description, script, shot, visual in zip(
            (1, 2, 3), descriptions, scripts, ("wide", "close-up", "product"), visuals, strict=True
        )
    )
    return RenderRequest("job", scenes, brand_colors=BRAND, call_to_action=cta)


async def frames_of(renderer: AnimaticRenderer, request: RenderRequest) -> list[Frame]:
    return rgb_frames((await renderer.render(request, nothing, lambda: False)).path)


def scene_frames(frames: list[Frame], scene: int) -> list[Frame]:
    """The 10 frames (1 s at 10 fps) of scene ``scene`` (1-based)."""
    return frames[(scene - 1) * 10 : scene * 10]


def same(first: list[Frame], second: list[Frame]) -> bool:
    return len(first) == len(second) and all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


async def test_descriptions_planner_notes_and_feedback_echoes_never_reach_a_pixel(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    plain = storyboard(blobs, ("Sunrise over hills", "Close on the jar", "Logo end card"))
    noisy = storyboard(
        blobs,
        (
            "Take 2: ZANZIBAR sunrise, shown to Runners. Tone: playful.",
            "Revised for feedback: closer on the sole. PLANNER NOTE: reuse asset 7",
            "XYLOPHONE end card — Take 3",
        ),
    )

    assert same(await frames_of(renderer, plain), await frames_of(renderer, noisy))


async def test_the_script_is_what_the_caption_shows(renderer: AnimaticRenderer, blobs: FakeBlobStore) -> None:
    descriptions = ("a", "b", "c")
    first = await frames_of(renderer, storyboard(blobs, descriptions))
    other_line = await frames_of(
        renderer, storyboard(blobs, descriptions, ("Fresh every day.", "Baked at dawn.", "Try it today."))
    )

    assert same(scene_frames(first, 1), scene_frames(other_line, 1))
    assert not same(scene_frames(first, 2), scene_frames(other_line, 2))
    changed = np.abs(first[15].astype(np.int16) - other_line[15].astype(np.int16)).max(axis=2) > 40
    rows = np.flatnonzero(changed.any(axis=1))
    assert rows.min() > 0.75 * 720


@pytest.mark.parametrize("other_cta", ["Visit us today", ""])
async def test_the_call_to_action_appears_over_the_last_scene_only(
    renderer: AnimaticRenderer, blobs: FakeBlobStore, other_cta: str
) -> None:
    descriptions = ("a", "b", "c")
    with_cta = await frames_of(renderer, storyboard(blobs, descriptions, cta="Order now"))
    other = await frames_of(renderer, storyboard(blobs, descriptions, cta=other_cta))

    assert same(with_cta[:20], other[:20])
    assert all(
        not np.array_equal(a, b)
        for a, b in zip(scene_frames(with_cta, 3), scene_frames(other, 3), strict=True)
    )


async def test_the_call_to_action_is_drawn_in_the_brand_colours(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    frames = await frames_of(renderer, storyboard(blobs, ("a", "b", "c")))

    def orange_share(frame: Frame) -> float:
        return float((np.linalg.norm(frame.astype(np.int16) - ORANGE, axis=2) < 40).mean())

    assert max(orange_share(frame) for frame in frames[:20]) < 0.001
    assert all(orange_share(frame) > 0.01 for frame in scene_frames(frames, 3))
