"""What the renderer writes: timing, size, scene visuals, transitions and the fallback encoder."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from adapters.rendering import AnimaticRenderer
from adapters.rendering.encoder import available_codec
from v3core.errors import ValidationFailed
from v3core.ports.renderer import RenderAsset, RenderRequest, RenderScene

from .conftest import FakeBlobStore, clip, colour_at, decoded_frames, leftovers, png, read_bytes

RED, GREEN, BLUE = (230, 20, 20), (20, 210, 20), (20, 20, 230)


def scene(
    number: int, duration: float, transition: str = "cut", visual: RenderAsset | None = None
) -> RenderScene:
    return RenderScene(
        number=number,
        duration=duration,
        description=f"Scene {number}: the product on a table",
        script=f"Line {number} of the voiceover.",
        shot_type="medium",
        transition=transition,
        visual=visual,
    )


def image(blobs: FakeBlobStore, colour: tuple[int, int, int]) -> RenderAsset:
    return RenderAsset(f"asset-{colour}", blobs.add(png(colour)), "image", "image/png")


async def nothing(done: int, total: int, message: str) -> None:
    return None


def never() -> bool:
    return False


async def test_video_lasts_the_storyboard_total_to_within_one_frame(renderer: AnimaticRenderer) -> None:
    scenes = (scene(1, 1.33, "dissolve"), scene(2, 0.91, "fade"), scene(3, 1.46))
    video = await renderer.render(RenderRequest("job-1", scenes), nothing, never)

    frames = decoded_frames(video.path)
    assert len(frames) == round(3.70 * 10)
    assert abs(video.duration - 3.70) <= 0.1
    with av.open(video.path) as container:
        assert abs(container.duration / av.time_base - 3.70) <= 0.1
    assert video.size == len(read_bytes(video.path))


async def test_image_assets_appear_in_their_own_scenes(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    scenes = (
        scene(1, 1.0, "dissolve", image(blobs, RED)),
        scene(2, 1.0, "fade", image(blobs, GREEN)),
        scene(3, 1.0, "cut", image(blobs, BLUE)),
    )
    video = await renderer.render(RenderRequest("job", scenes), nothing, never)

    frames = decoded_frames(video.path)
    middles = [colour_at(frames[index]) for index in (5, 15, 25)]
    assert [dominant(colour) for colour in middles] == ["red", "green", "blue"]


async def test_a_fade_passes_through_black_and_a_dissolve_mixes_both_scenes(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    scenes = (
        scene(1, 2.0, "dissolve", image(blobs, RED)),
        scene(2, 2.0, "fade", image(blobs, GREEN)),
        scene(3, 2.0, "cut", image(blobs, BLUE)),
    )
    video = await renderer.render(RenderRequest("job", scenes), nothing, never)

    frames = decoded_frames(video.path)
    red, green, _ = colour_at(frames[20])
    assert red > 60
    assert green > 60
    assert max(colour_at(frames[39])) < 80
    assert dominant(colour_at(frames[45])) == "blue"


async def test_a_video_clip_asset_is_played_and_looped_to_the_scene_length(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    yellow, cyan = (230, 230, 20), (20, 220, 230)
    source = clip([yellow, yellow, cyan, cyan], fps=8)
    visual = RenderAsset("clip", blobs.add(source), "video", "video/mp4", 320, 240, 0.5)
    video = await renderer.render(RenderRequest("job", (scene(1, 1.6, visual=visual),)), nothing, never)

    frames = decoded_frames(video.path)
    shown = [is_yellow(colour_at(frames[index])) for index in (0, 3, 6, 9)]
    assert len(frames) == 16
    assert shown == [True, False, True, False]


async def test_the_script_is_drawn_as_a_caption_band_at_the_bottom(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    white = image(blobs, (255, 255, 255))
    spoken = RenderScene(1, 0.5, "d", "Words on screen.", "wide", "cut", white)
    silent = RenderScene(2, 0.5, "d", "", "wide", "cut", white)
    video = await renderer.render(RenderRequest("job", (spoken, silent)), nothing, never)

    frames = decoded_frames(video.path)
    assert max(colour_at(frames[2], x=0.02, y=0.9)) < 160
    assert min(colour_at(frames[7], x=0.02, y=0.9)) > 230


async def test_without_libx264_it_falls_back_to_mpeg4(blobs: FakeBlobStore, work_dir: Path) -> None:
    fallback = AnimaticRenderer(blobs, work_dir, fps=10, codec=available_codec(("no-such-codec", "mpeg4")))
    video = await fallback.render(RenderRequest("job", (scene(1, 0.5), scene(2, 0.5))), nothing, never)
    fallback.close()

    with av.open(video.path) as container:
        assert container.streams.video[0].codec_context.name == "mpeg4"
    assert len(decoded_frames(video.path)) == 10


async def test_an_unknown_aspect_ratio_is_refused(renderer: AnimaticRenderer, work_dir: Path) -> None:
    with pytest.raises(ValidationFailed, match="aspect ratio"):
        await renderer.render(RenderRequest("job", (scene(1, 1.0),), format="21:9"), nothing, never)
    assert leftovers(work_dir) == []


def dominant(colour: tuple[int, int, int]) -> str:
    return ("red", "green", "blue")[colour.index(max(colour))]


def is_yellow(colour: tuple[int, int, int]) -> bool:
    red, green, blue = colour
    return red > 150 and green > 150 and blue < 100
