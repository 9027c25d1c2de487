"""SPEC §8 "Encoding": H.264 yuv420p, fast start, the per-format sizes, exact duration, room for audio."""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

import av
import pytest

from adapters.rendering import AnimaticRenderer
from adapters.rendering.encoder import AudioFormat, Mp4Writer
from adapters.rendering.frames import BLACK_YUV, solid, to_frame
from v3core.ports.renderer import RenderRequest, RenderScene

from .conftest import decoded_frames, read_bytes


def scenes(*durations: float) -> tuple[RenderScene, ...]:
    return tuple(
        RenderScene(number, duration, "d", f"Line {number}.", "medium", "dissolve")
        for number, duration in enumerate(durations, start=1)
    )


async def nothing(done: int, total: int, message: str) -> None:
    return None


def top_level_boxes(data: bytes) -> list[str]:
    """The ISO BMFF top-level box types of an MP4, in file order."""
    boxes: list[str] = []
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            (size,) = struct.unpack(">Q", data[offset + 8 : offset + 16])
        elif size == 0:
            size = len(data) - offset
        boxes.append(kind.decode("latin-1"))
        offset += size
    return boxes


async def test_the_video_is_h264_yuv420p_with_the_index_before_the_media(renderer: AnimaticRenderer) -> None:
    video = await renderer.render(RenderRequest("job", scenes(0.5, 0.5)), nothing, lambda: False)

    with av.open(video.path) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
    boxes = top_level_boxes(read_bytes(video.path))
    assert boxes[0] == "ftyp"
    assert boxes.index("moov") < boxes.index("mdat")
    assert video.content_type == "video/mp4"


@pytest.mark.parametrize(
    ("aspect", "size"),
    [("16:9", (1280, 720)), ("9:16", (720, 1280)), ("1:1", (1080, 1080)), ("4:5", (1080, 1350))],
)
async def test_each_format_is_encoded_at_the_spec_size(
    renderer: AnimaticRenderer, aspect: str, size: tuple[int, int]
) -> None:
    video = await renderer.render(RenderRequest("job", scenes(0.3), format=aspect), nothing, lambda: False)

    with av.open(video.path) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == size
        assert stream.codec_context.pix_fmt == "yuv420p"
    assert (video.width, video.height) == size


@pytest.mark.parametrize("durations", [(1.37,), (0.93, 1.71, 0.55), (2.04, 0.26)])
async def test_the_duration_matches_the_storyboard_within_a_frame(
    renderer: AnimaticRenderer, durations: tuple[float, ...]
) -> None:
    video = await renderer.render(RenderRequest("job", scenes(*durations)), nothing, lambda: False)

    total = sum(durations)
    frame = 1 / 10
    with av.open(video.path) as container:
        measured = container.duration / av.time_base
    assert abs(measured - total) <= frame
    assert abs(len(decoded_frames(video.path)) / 10 - total) <= frame


def test_the_writer_can_carry_an_aac_audio_stream_next_to_the_video(tmp_path: Path) -> None:
    path = str(tmp_path / "with-sound.mp4")
    writer = Mp4Writer(path, (320, 180), 24, "libx264", AudioFormat())
    picture = to_frame(solid((320, 180), BLACK_YUV))
    for index in range(24):
        writer.write(picture)
        samples = av.AudioFrame(format="fltp", layout="stereo", samples=2000)
        for plane in samples.planes:
            plane.update(bytes(plane.buffer_size))
        samples.sample_rate = 48_000
        samples.pts = index * 2000
        samples.time_base = Fraction(1, 48_000)
        writer.write_audio(samples)
    writer.finish()

    with av.open(path) as container:
        audio = container.streams.audio[0]
        assert (audio.codec_context.name, audio.sample_rate, audio.layout.name) == ("aac", 48_000, "stereo")
        assert container.streams.video[0].codec_context.name == "h264"
    assert top_level_boxes(Path(path).read_bytes()).index("moov") < top_level_boxes(
        Path(path).read_bytes()
    ).index("mdat")


def test_frames_carrying_their_source_time_base_are_timed_by_the_output_rate(tmp_path: Path) -> None:
    path = str(tmp_path / "rebased.mp4")
    writer = Mp4Writer(path, (320, 180), 24, "libx264")
    for _ in range(48):
        picture = to_frame(solid((320, 180), BLACK_YUV))
        picture.time_base = Fraction(1, 12288)
        writer.write(picture)
    writer.finish()

    assert len(decoded_frames(path)) == 48
    with av.open(path) as container:
        assert abs(container.duration / av.time_base - 2.0) <= 1 / 24
