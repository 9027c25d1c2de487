"""SPEC §8 "Encoding" beyond the renderer contract: yuv420p in every format, room for audio."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest

from adapters.rendering import AnimaticRenderer
from adapters.rendering.encoder import AudioFormat, Mp4Writer
from adapters.rendering.frames import BLACK_YUV, solid, to_frame
from v3core.ports.renderer import RenderRequest, RenderScene
from v3core.testing.contracts.renderer import mp4_facts

from .conftest import decoded_frames


def scenes(*durations: float) -> tuple[RenderScene, ...]:
    return tuple(
        RenderScene(number, duration, "d", f"Line {number}.", "medium", "dissolve")
        for number, duration in enumerate(durations, start=1)
    )


async def nothing(done: int, total: int, message: str) -> None:
    return None


def top_level_boxes(data: bytes) -> list[str]:
    """The ISO BMFF top-level box types of an MP4, in file order."""
    return list(mp4_facts(data).top_level)


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1", "4:5"])
async def test_every_format_is_h264_yuv420p(renderer: AnimaticRenderer, aspect: str) -> None:
    """What the contract's box reader cannot see (the sizes, duration, fast start and codec entry
    are checked by ``RendererContract`` in test_renderer_contract.py)."""
    video = await renderer.render(RenderRequest("job", scenes(0.3), format=aspect), nothing, lambda: False)

    with av.open(video.path) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")


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
