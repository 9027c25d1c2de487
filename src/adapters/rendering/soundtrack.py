"""The soundtrack of a render: staged voices and music decoded, mixed (``adapters.audio.mixing``)
and fed to the MP4 writer in step with the frames.

numpy, scipy and pyloudnorm are imported when a render with sound starts, never at module
import, so the API process starts without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import av

from .encoder import Mp4Writer

if TYPE_CHECKING:
    from adapters.audio.signal import Audio

_CHUNK = 4096
"""Samples per audio frame handed to the encoder (it re-frames them to AAC's 1024)."""


class Soundtrack:
    """A mixed soundtrack (48 kHz stereo float32) written out as the video advances."""

    def __init__(self, voices: Sequence[tuple[float, str]], music: str | None, duration: float) -> None:
        from adapters.audio import mixing, signal

        placed = [mixing.PlacedVoice(start, signal.decode(path)) for start, path in voices]
        bed = signal.decode(music) if music is not None else None
        self._audio: Audio = mixing.mix(duration, placed, bed)
        self._rate = signal.RATE
        self._sent = 0

    def feed(self, writer: Mp4Writer, seconds: Fraction) -> None:
        """Write the soundtrack up to ``seconds`` into the video."""
        end = min(len(self._audio), int(seconds * self._rate))
        while self._sent < end:
            stop = min(end, self._sent + _CHUNK)
            chunk = self._audio[self._sent : stop].T.copy()
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            frame.sample_rate = self._rate
            frame.pts = self._sent
            frame.time_base = Fraction(1, self._rate)
            writer.write_audio(frame)
            self._sent = stop

    def finish(self, writer: Mp4Writer) -> None:
        """Write whatever is left."""
        self.feed(writer, Fraction(len(self._audio), self._rate))
