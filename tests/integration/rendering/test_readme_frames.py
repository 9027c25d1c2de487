"""One frame of each kind of shot, rendered by the offline compositor and saved to docs/frames/
for the README: a close-up image pushing in, a product image panning, footage cropped to fill,
and a procedural background in the brand colours with the call to action on the last scene.
The frames are judged here too: each kind looks different, none is blank, and the footage frame
carries the clip's colours edge to edge (cropped to cover, never letterboxed)."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from adapters.rendering import AnimaticRenderer
from v3core.ports.renderer import RenderAsset, RenderRequest, RenderScene

from .conftest import FakeBlobStore, clip_of, rgb_frames

FRAMES = Path(__file__).resolve().parents[3] / "docs" / "frames"
KINDS = ("close-up image", "product image", "footage", "procedural background")


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
    draw.rounded_rectangle((width * 0.25, height * 0.45, width * 0.75, height * 0.75), 40, fill=(230, 80, 30))
    draw.rounded_rectangle((width * 0.25, height * 0.68, width * 0.75, height * 0.76), 12, fill=(30, 30, 30))
    draw.ellipse((width * 0.5, height * 0.35, width * 0.72, height * 0.6), fill=(230, 80, 30))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


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
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    photo = RenderAsset("photo", blobs.add(product_photo((1600, 1000))), "image", "image/png", 1600, 1000)
    footage = RenderAsset(
        "clip", blobs.add(trail_footage((640, 480), 48, 24)), "video", "video/mp4", 640, 480, 2.0
    )
    scenes = (
        RenderScene(1, 2.0, "hero close-up", "Meet the trail shoe.", "close-up", "cut", photo),
        RenderScene(2, 2.0, "product pan", "Grip on any ground.", "product", "cut", photo),
        RenderScene(3, 2.0, "sunrise run", "Mud, rock, rain: one shoe.", "wide", "cut", footage),
        RenderScene(4, 2.0, "closing", "Built for weekend runners.", "medium", "cut", None),
    )
    request = RenderRequest(
        "readme", scenes, "16:9", brand_colors=("#ff5500", "#14161a"), call_to_action="Shop now"
    )
    video = await renderer.render(request, nothing, lambda: False)
    frames = rgb_frames(video.path)
    per_scene = len(frames) // len(scenes)
    FRAMES.mkdir(parents=True, exist_ok=True)
    chosen = []
    for index, kind in enumerate(KINDS):
        frame = frames[index * per_scene + per_scene * 3 // 4]
        chosen.append(frame)
        Image.fromarray(frame).save(FRAMES / f"{kind.replace(' ', '-')}.png")
    for frame in chosen:
        assert frame.std() > 10  # a picture, not a blank card
    for first, second in itertools.pairwise(chosen):
        assert np.abs(first.astype(int) - second.astype(int)).mean() > 5
    footage_frame = chosen[2]
    for edge in (footage_frame[:, :4], footage_frame[:, -4:]):
        assert edge.mean() > 20  # the 4:3 clip fills the 16:9 frame: no black bars at the sides
