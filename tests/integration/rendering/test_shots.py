"""SPEC §8 "Shots": images move by shot type, footage fills the frame, empty scenes move in brand colours."""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageDraw

from adapters.rendering import AnimaticRenderer
from v3core.ports.renderer import RenderAsset, RenderRequest, RenderScene

from .conftest import FakeBlobStore, clip, clip_of, png_with_square, rgb_frames

Frame = npt.NDArray[np.uint8]


async def nothing(done: int, total: int, message: str) -> None:
    return None


def never() -> bool:
    return False


def one_scene(shot: str, visual: RenderAsset | None, duration: float = 2.0) -> RenderRequest:
    return RenderRequest("job", (RenderScene(1, duration, "d", "", shot, "cut", visual),))


def square_image(blobs: FakeBlobStore) -> RenderAsset:
    return RenderAsset("square", blobs.add(png_with_square((640, 360), 120)), "image", "image/png", 640, 360)


def bright_extent(frame: Frame) -> tuple[int, float]:
    """Width of the bright square on the middle row, and its horizontal centre."""
    row = frame[frame.shape[0] // 2].max(axis=1)
    columns = np.flatnonzero(row > 128)
    return len(columns), float(columns.mean())


def assert_never_frozen(frames: list[Frame]) -> None:
    """Edges move: some pixel changes by more than encoding noise between any two frames."""
    for index, (before, after) in enumerate(itertools.pairwise(frames)):
        change = int(np.abs(before.astype(np.int16) - after.astype(np.int16)).max())
        assert change > 60, f"frames {index} and {index + 1} differ by at most {change}"


def assert_always_drifting(frames: list[Frame]) -> None:
    """A soft background moves: a tenth of the pixels changes between any two frames."""
    for index, (before, after) in enumerate(itertools.pairwise(frames)):
        moved = float((np.abs(before.astype(np.int16) - after.astype(np.int16)).max(axis=2) >= 2).mean())
        assert moved > 0.1, f"frames {index} and {index + 1}: only {moved:.0%} of the pixels changed"


async def test_a_close_up_image_slowly_pushes_in(renderer: AnimaticRenderer, blobs: FakeBlobStore) -> None:
    video = await renderer.render(one_scene("close-up", square_image(blobs)), nothing, never)

    frames = rgb_frames(video.path)
    widths = [bright_extent(frame)[0] for frame in frames]
    assert_never_frozen(frames)
    assert all(a <= b for a, b in itertools.pairwise(widths))
    assert widths[-1] - widths[0] >= 0.12 * widths[0]
    assert abs(bright_extent(frames[-1])[1] - 640) < 4


async def test_a_wide_or_establishing_image_slowly_pulls_out(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    for shot in ("wide", "establishing"):
        video = await renderer.render(one_scene(shot, square_image(blobs)), nothing, never)

        frames = rgb_frames(video.path)
        widths = [bright_extent(frame)[0] for frame in frames]
        assert_never_frozen(frames)
        assert all(a >= b for a, b in itertools.pairwise(widths))
        assert widths[0] - widths[-1] >= 0.12 * widths[-1]


async def test_a_product_image_pans_sideways_at_a_steady_size(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    video = await renderer.render(one_scene("product", square_image(blobs)), nothing, never)

    frames = rgb_frames(video.path)
    measured = [bright_extent(frame) for frame in frames]
    centres = [centre for _, centre in measured]
    assert_never_frozen(frames)
    assert all(a > b for a, b in itertools.pairwise(centres))
    assert centres[0] - centres[-1] > 100
    assert max(width for width, _ in measured) - min(width for width, _ in measured) <= 2


async def test_any_other_shot_gets_a_gentle_ken_burns(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    for shot in ("medium", "pov", "something-new"):
        video = await renderer.render(one_scene(shot, square_image(blobs)), nothing, never)

        frames = rgb_frames(video.path)
        widths = [bright_extent(frame)[0] for frame in frames]
        assert_never_frozen(frames)
        assert widths[-1] > widths[0]


def striped(size: tuple[int, int], colour: tuple[int, int, int], marker: int) -> Image.Image:
    """A ``colour`` picture with a white square of ``marker`` px in its centre (to see any stretch)."""
    picture = Image.new("RGB", size, colour)
    left, top = (size[0] - marker) // 2, (size[1] - marker) // 2
    ImageDraw.Draw(picture).rectangle((left, top, left + marker - 1, top + marker - 1), fill=(255, 255, 255))
    return picture


async def test_footage_fills_the_frame_cropped_without_distortion_or_bars(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    blue = (30, 60, 200)
    landscape_4x3 = clip_of([striped((320, 240), blue, 80)] * 5, fps=10)
    visual = RenderAsset("clip", blobs.add(landscape_4x3), "video", "video/mp4", 320, 240, 0.5)
    for aspect in ("16:9", "9:16"):
        request = RenderRequest("job", (RenderScene(1, 0.5, "d", "", "wide", "cut", visual),), format=aspect)
        video = await renderer.render(request, nothing, never)

        frame = rgb_frames(video.path)[2]
        edges = [frame[0], frame[-1], frame[:, 0], frame[:, -1]]
        assert all(int(edge.max(axis=1).min()) > 100 for edge in edges), f"black bars in {aspect}"
        bright = frame.min(axis=2) > 200
        rows, cols = np.flatnonzero(bright.any(axis=1)), np.flatnonzero(bright.any(axis=0))
        assert abs(len(rows) - len(cols)) <= 4, f"the square is stretched in {aspect}"


async def test_footage_longer_than_its_scene_is_cut_and_plays_in_order(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    red, green, blue = (220, 30, 30), (30, 200, 30), (30, 30, 220)
    source = clip([red] * 5 + [green] * 5 + [blue] * 10, fps=10)
    visual = RenderAsset("clip", blobs.add(source), "video", "video/mp4", 320, 240, 2.0)
    video = await renderer.render(one_scene("wide", visual, duration=1.0), nothing, never)

    frames = rgb_frames(video.path)
    dominant = ["rgb"[int(np.argmax(frame.reshape(-1, 3).mean(axis=0)))] for frame in frames]
    assert len(frames) == 10
    assert dominant == ["r"] * 5 + ["g"] * 5


async def test_a_scene_with_nothing_assigned_moves_in_the_brand_colours(renderer: AnimaticRenderer) -> None:
    for brand, channel in (("#1e40af", 2), ("#b91c1c", 0)):
        request = RenderRequest(
            "job", (RenderScene(1, 1.5, "d", "", "medium", "cut"),), brand_colors=(brand,)
        )
        video = await renderer.render(request, nothing, never)

        frames = rgb_frames(video.path)
        assert_always_drifting(frames)
        for frame in frames:
            mean = frame.reshape(-1, 3).mean(axis=0)
            assert int(np.argmax(mean)) == channel
            target = np.array([int(brand[i : i + 2], 16) for i in (1, 3, 5)])
            assert float(np.linalg.norm(mean - target)) < 70


@pytest.mark.parametrize("size", [(1280, 720), (640, 360), (1920, 1080)])
async def test_footage_of_the_output_ratio_plays_at_its_own_frame_rate(
    renderer: AnimaticRenderer, blobs: FakeBlobStore, size: tuple[int, int]
) -> None:
    red, green = (220, 30, 30), (30, 200, 30)
    source = clip([red] * 25 + [green] * 25, fps=25, size=size)
    visual = RenderAsset("clip", blobs.add(source), "video", "video/mp4", *size, 2.0)
    video = await renderer.render(one_scene("wide", visual, duration=2.0), nothing, never)

    frames = rgb_frames(video.path)
    dominant = ["rgb"[int(np.argmax(frame.reshape(-1, 3).mean(axis=0)))] for frame in frames]
    assert dominant == ["r"] * 10 + ["g"] * 10


async def test_a_dissolve_between_two_clips_mixes_them_then_plays_the_second(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    red, green, blue = (220, 30, 30), (30, 200, 30), (30, 30, 220)
    first = RenderAsset("one", blobs.add(clip([red] * 20, fps=10)), "video", "video/mp4", 320, 240, 2.0)
    second = RenderAsset("two", blobs.add(clip([green] * 10 + [blue] * 10, fps=10)), "video", "video/mp4")
    scenes = (
        RenderScene(1, 2.0, "d", "", "wide", "dissolve", first),
        RenderScene(2, 2.0, "d", "", "wide", "cut", second),
    )
    video = await renderer.render(RenderRequest("job", scenes), nothing, never)

    frames = rgb_frames(video.path)
    means = [frame.reshape(-1, 3).mean(axis=0) for frame in frames]
    assert len(frames) == 40
    assert means[20][0] > 60
    assert means[20][1] > 60
    assert [int(np.argmax(mean)) for mean in means[24:30]] == [1] * 6
    assert [int(np.argmax(mean)) for mean in means[31:40]] == [2] * 9
