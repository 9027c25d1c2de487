"""MP4 output: H.264 through libx264 when the build has it, MPEG-4 Part 2 otherwise.

The file is written with ``movflags=+faststart`` (the ``moov`` index is moved before
the ``mdat`` media data when the file is closed), so a browser plays it while it
downloads. An optional audio stream (AAC) can be added next to the video; the
caller interleaves ``write_audio`` with ``write`` in time order.
"""

from __future__ import annotations

import contextlib
from fractions import Fraction
from typing import cast

import attrs
import av
from av.audio.stream import AudioStream
from av.codec.codec import UnknownCodecError
from av.video.stream import VideoStream

PREFERRED_CODECS: tuple[str, ...] = ("libx264", "mpeg4")
"""Encoders tried in order (see docs/decisions/0060-animatic-renderer.md)."""

X264_OPTIONS = {"preset": "ultrafast", "crf": "26"}
MPEG4_BIT_RATE = 2_500_000


def available_codec(preferred: tuple[str, ...] = PREFERRED_CODECS) -> str:
    """The first encoder of ``preferred`` this PyAV build can use."""
    for name in preferred:
        try:
            av.codec.Codec(name, "w")
        except UnknownCodecError:
            continue
        return name
    raise RuntimeError(f"no usable video encoder among {', '.join(preferred)}")


@attrs.frozen
class AudioFormat:
    """The audio stream of the MP4 (SPEC §8: AAC 48 kHz stereo)."""

    sample_rate: int = 48_000
    layout: str = "stereo"
    codec: str = "aac"
    bit_rate: int = 192_000


class Mp4Writer:
    """Encodes yuv420p frames at a constant frame rate into a fast-start MP4 file."""

    def __init__(
        self, path: str, size: tuple[int, int], fps: int, codec: str, audio: AudioFormat | None = None
    ) -> None:
        self._container = av.open(path, "w", format="mp4", container_options={"movflags": "+faststart"})
        options = X264_OPTIONS if codec == "libx264" else {}
        stream = cast(VideoStream, self._container.add_stream(codec, rate=fps, options=dict(options)))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = self._time_base = Fraction(1, fps)
        if codec != "libx264":
            stream.codec_context.bit_rate = MPEG4_BIT_RATE
        self._stream = stream
        self._audio: AudioStream | None = None
        if audio is not None:
            sound = cast(AudioStream, self._container.add_stream(audio.codec, rate=audio.sample_rate))
            sound.layout = audio.layout
            sound.bit_rate = audio.bit_rate
            self._audio = sound
        self.frames = 0

    def write(self, frame: av.VideoFrame) -> None:
        """Append ``frame`` as the next frame (the same frame object may be sent again)."""
        frame.pts = self.frames
        frame.time_base = self._time_base  # a decoded or scaled frame carries its source's
        self._container.mux(self._stream.encode(frame))
        self.frames += 1

    def write_audio(self, frame: av.AudioFrame) -> None:
        """Append ``frame`` (with its ``pts`` in samples) to the audio stream."""
        if self._audio is None:
            raise RuntimeError("this writer has no audio stream")
        self._container.mux(self._audio.encode(frame))

    def finish(self) -> None:
        """Flush the encoders and write the index; the file is complete afterwards."""
        self._container.mux(self._stream.encode(None))
        if self._audio is not None:
            self._container.mux(self._audio.encode(None))
        self._container.close()

    def abort(self) -> None:
        """Close without caring whether the file is usable (the caller deletes it)."""
        with contextlib.suppress(av.FFmpegError, OSError):
            self._container.close()
