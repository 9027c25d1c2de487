"""One frame of each kind of shot, rendered by the offline compositor for the README: a close-up
image pushing in, a product image panning, a wide landscape image pulling out, footage cropped
to fill, and a procedural background in the brand colours with the call to action on the last
scene. The frames are judged here too: each kind looks different, none is blank, the close-up
grows and the wide shot shrinks what it shows over the scene, and the footage frame carries
the clip's colours edge to edge (cropped to cover, never letterboxed).

The frames are written to docs/frames/ only with ``UPDATE_README_FRAMES=1`` (otherwise to the
test's temporary folder), so a test run never changes the working tree."""

from __future__ import annotations

import io
import itertools
import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from adapters.rendering import AnimaticRenderer
from v3core.ports.renderer import RenderAsset, RenderRequest, RenderScene

from .conftest import FakeBlobStore, clip_of, rgb_frames

FRAMES = Path(__file__).resolve().parents[3] / "docs" / "frames"
KINDS = ("close-up image", "product image", "wide image", "footage", "procedural background")
SUN = (255, 200, 90)
SHOE = (230, 80, 30)


async def nothing(done: int, total: int, message: str) -> None:
    return None


def product_photo(size: tuple[int, int]) -> bytes:
    """A studio-like picture: a soft gradient floor and a shoe-shaped silhouette."""
    width, height = size
    picture = Image.new("RGB", size)
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    ramp = np.linspace(235, 150, height, dtype=np.float32)[:, None]
    pixels[...] = np.stack([ramp + 5, ramp, ramp - 10], axis=2).clip(0, 255).astype(np.uint8)
    picture = Image.fromarray(pixels)
    draw = ImageDraw.Draw(picture)
    draw.ellipse((width * 0.2, height * 0.72, width * 0.8, height * 0.82), fill=(120, 110, 100))
    draw.rounded_rectangle((width * 0.25, height * 0.45, width * 0.75, height * 0.75), 40, fill=SHOE)
    draw.rounded_rectangle((width * 0.25, height * 0.68, width * 0.75, height * 0.76), 12, fill=(30, 30, 30))
    draw.ellipse((width * 0.5, height * 0.35, width * 0.72, height * 0.6), fill=SHOE)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def valley_photo(size: tuple[int, int]) -> bytes:
    """A wide landscape: a sky fading to the horizon, the sun, two ridges and a trail."""
    width, height = size
    rows = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    sky = np.array([70, 130, 200], np.float32) * (1 - rows) + np.array([250, 200, 150], np.float32) * rows
    picture = Image.fromarray(np.broadcast_to(sky, (height, width, 3)).clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((width * 0.66, height * 0.2, width * 0.74, height * 0.2 + width * 0.08), fill=SUN)
    draw.polygon(
        [
            (0, height),
            (0, height * 0.55),
            (width * 0.3, height * 0.4),
            (width * 0.6, height * 0.6),
            (width, height * 0.5),
            (width, height),
        ],
        fill=(70, 90, 110),
    )
    draw.polygon(
        [
            (0, height),
            (0, height * 0.75),
            (width * 0.45, height * 0.62),
            (width, height * 0.8),
            (width, height),
        ],
        fill=(40, 75, 45),
    )
    draw.line(
        [(width * 0.5, height), (width * 0.45, height * 0.8), (width * 0.55, height * 0.66)],
        fill=(150, 120, 80),
        width=12,
    )
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def area_of(frame: npt.NDArray[np.uint8], colour: tuple[int, int, int]) -> int:
    """Pixels of ``frame`` within 12 of ``colour`` in every channel."""
    return int((np.abs(frame.astype(int) - np.array(colour)).max(axis=2) < 12).sum())


def trail_footage(size: tuple[int, int], frames: int, fps: int) -> bytes:
    """A 4:3 clip of a sunrise over a ridge, the sun rising (footage for a 16:9 scene)."""
    width, height = size
    pictures = []
    for index in range(frames):
        sky = Image.new("RGB", size, (40 + index, 90 + index // 2, 160))
        draw = ImageDraw.Draw(sky)
        sun_y = height * 0.55 - index * 2
        draw.ellipse((width * 0.6, sun_y, width * 0.6 + 60, sun_y + 60), fill=(255, 200, 90))
        draw.polygon(
            [
                (0, height),
                (0, height * 0.6),
                (width * 0.4, height * 0.45),
                (width, height * 0.7),
                (width, height),
            ],
            fill=(30, 60, 40),
        )
        pictures.append(sky)
    return clip_of(pictures, fps)


async def test_one_frame_of_each_kind_of_shot_for_the_readme(
    renderer: AnimaticRenderer, blobs: FakeBlobStore, tmp_path: Path
) -> None:
    folder = FRAMES if os.environ.get("UPDATE_README_FRAMES") == "1" else tmp_path
    photo = RenderAsset("photo", blobs.add(product_photo((1600, 1000))), "image", "image/png", 1600, 1000)
    valley = RenderAsset("valley", blobs.add(valley_photo((1920, 1080))), "image", "image/png", 1920, 1080)
    footage = RenderAsset(
        "clip", blobs.add(trail_footage((640, 480), 48, 24)), "video", "video/mp4", 640, 480, 2.0
    )
    scenes = (
        RenderScene(1, 2.0, "hero close-up", "Meet the trail shoe.", "close-up", "cut", photo),
        RenderScene(2, 2.0, "product pan", "Grip on any ground.", "product", "cut", photo),
        RenderScene(3, 2.0, "the valley", "Every trail, one shoe.", "establishing", "cut", valley),
        RenderScene(4, 2.0, "sunrise run", "Mud, rock, rain: one shoe.", "wide", "cut", footage),
        RenderScene(5, 2.0, "closing", "Built for weekend runners.", "medium", "cut", None),
    )
    request = RenderRequest(
        "readme", scenes, "16:9", brand_colors=("#ff5500", "#14161a"), call_to_action="Shop now"
    )
    video = await renderer.render(request, nothing, lambda: False)
    frames = rgb_frames(video.path)
    per_scene = len(frames) // len(scenes)
    folder.mkdir(parents=True, exist_ok=True)
    chosen = []
    for index, kind in enumerate(KINDS):
        frame = frames[index * per_scene + per_scene * 3 // 4]
        chosen.append(frame)
        Image.fromarray(frame).save(folder / f"{kind.replace(' ', '-')}.png")
    close_up_start, close_up_end = frames[2], frames[per_scene - 3]
    assert area_of(close_up_end, SHOE) > area_of(close_up_start, SHOE) * 1.05  # push-in: the shoe grows
    wide_start, wide_end = frames[2 * per_scene + 2], frames[3 * per_scene - 3]
    assert area_of(wide_end, SUN) < area_of(wide_start, SUN) / 1.05  # pull-out: the sun shrinks
    for frame in chosen:
        assert frame.std() > 10  # a picture, not a blank card
    for first, second in itertools.pairwise(chosen):
        assert np.abs(first.astype(int) - second.astype(int)).mean() > 5
    footage_frame = chosen[3]
    for edge in (footage_frame[:, :4], footage_frame[:, -4:]):
        assert edge.mean() > 20  # the 4:3 clip fills the 16:9 frame: no black bars at the sides
