"""SPEC §8 "Encoding": decoding a source never loads it whole, an 8K clip costs no more memory than a
1080p one. Measured by ``benchmarks/bench_composition.py`` (its exit code fails on a miss); here,
without timing or RSS, what keeps that bound (docs/decisions/0205-footage-memory.md): a looping clip
is opened once, so the file is never probed again while its decoder runs, and looping by seeking
still shows the clip from its first frame every time."""

from __future__ import annotations

import io
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image

from adapters.rendering import AnimaticRenderer
from v3core.ports.renderer import RenderAsset, RenderRequest, RenderScene

from .conftest import FakeBlobStore, clip, colour_at, decoded_frames

YELLOW, CYAN = (230, 230, 20), (20, 220, 230)


async def nothing(done: int, total: int, message: str) -> None:
    return None


def footage(blobs: FakeBlobStore, data: bytes) -> RenderAsset:
    return RenderAsset("clip", blobs.add(data), "video", "video/mp4", 320, 240, 0.5)


def footage_scene(visual: RenderAsset, seconds: float) -> RenderScene:
    return RenderScene(1, seconds, "d", "A line.", "medium", "cut", visual)


def is_yellow(colour: tuple[int, int, int]) -> bool:
    red, green, blue = colour
    return red > 150 and green > 150 and blue < 100


def yellow_at(second: float) -> bool:
    """Whether the 0.5 s clip (yellow, yellow, cyan, cyan at 8 fps) looped from 0 s shows yellow."""
    return int(second * 8 + 1e-6) % 4 < 2  # the latest clip frame at or before that time


def matroska_with_b_frames(colours: Sequence[tuple[int, int, int]], fps: int, first_pts: int) -> bytes:
    """An H.264 Matroska clip with B-frames (reordered decoding) whose first frame is not at 0 s."""
    out = io.BytesIO()
    with av.open(out, "w", format="matroska") as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": "medium", "bf": "2"})
        stream.width, stream.height = 320, 240
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        for index, colour in enumerate(colours):
            frame = av.VideoFrame.from_image(Image.new("RGB", (320, 240), colour))
            frame.pts = first_pts + index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return out.getvalue()


async def test_a_clip_looped_five_times_is_opened_and_probed_once(
    renderer: AnimaticRenderer, blobs: FakeBlobStore, work_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each opening probes the file with a decoder of its own (``avformat_find_stream_info``): for an
    8K clip, another 70 MB on top of the decoder playing it, at every loop."""
    opened: list[str] = []
    real_open = av.open

    def counting_open(file: Any, mode: str = "r", **options: Any) -> Any:
        if mode == "r" and str(file).startswith(str(work_dir)):
            opened.append(str(file))
        return real_open(file, mode, **options)

    monkeypatch.setattr(av, "open", counting_open)
    visual = footage(blobs, clip([YELLOW, YELLOW, CYAN, CYAN], fps=8))  # 0.5 s
    video = await renderer.render(RenderRequest("job", (footage_scene(visual, 2.5),)), nothing, lambda: False)

    monkeypatch.setattr(av, "open", real_open)
    frames = decoded_frames(video.path)
    assert len(frames) == 25
    assert [is_yellow(colour_at(frame)) for frame in frames] == [yellow_at(index / 10) for index in range(25)]
    assert len(opened) == 1


async def test_a_looped_clip_with_b_frames_starting_late_restarts_from_its_first_frame(
    renderer: AnimaticRenderer, blobs: FakeBlobStore
) -> None:
    """Looping seeks back to the stream's first frame: a Matroska clip whose timestamps start at
    3/8 s, decoded with reordering, shows its frames in order on every pass."""
    colours = [YELLOW, YELLOW, CYAN, CYAN]
    visual = footage(blobs, matroska_with_b_frames(colours, fps=8, first_pts=3))
    video = await renderer.render(RenderRequest("job", (footage_scene(visual, 1.6),)), nothing, lambda: False)

    frames = decoded_frames(video.path)
    assert [is_yellow(colour_at(frame)) for frame in frames] == [yellow_at(index / 10) for index in range(16)]
