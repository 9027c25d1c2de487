"""A fake voice and music bed: every script is "spoken" as a real WAV tone staged through the ``FileStager``
(standard library only), so the renderer decodes and mixes it like a real voiceover.

The tone lasts ``seconds`` (or ``seconds_per_word`` times the script's words when set) at
48 kHz stereo, with a steady level from its very first sample: its onset in the video is
exactly where the voice was placed. Calls and requests are counted; ``fail_on`` makes any
request whose text contains the marker raise the given error.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import AsyncIterator

import attrs

from v3core.ports.blobs import ContentInfo, FileStager, StagedFile
from v3core.ports.media import (
    GeneratedMedia,
    MusicGenerator,
    MusicRequest,
    SpeechRequest,
    SpeechSynthesizer,
)

RATE = 48_000


def tone_wav(seconds: float, hz: float = 220.0, level: float = 0.3) -> bytes:
    """A 16-bit 48 kHz stereo WAV of a sine at ``hz``."""
    frames = bytearray()
    for index in range(round(seconds * RATE)):
        sample = round(32767 * level * math.sin(2 * math.pi * hz * index / RATE))
        frames += struct.pack("<hh", sample, sample)
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes(bytes(frames))
    return out.getvalue()


async def _one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


@attrs.define
class FakeSpeechSynthesizer(SpeechSynthesizer):
    """Speaks every script as a tone; ``cost_per_char`` USD per character of text."""

    stager: FileStager
    seconds: float = 0.8
    seconds_per_word: float | None = None
    cost_per_char: float = 0.0
    fail_on: dict[str, Exception] = attrs.field(factory=dict)
    requests: list[SpeechRequest] = attrs.field(factory=list)
    staged: list[StagedFile] = attrs.field(factory=list)
    calls: int = 0

    @property
    def provider(self) -> str:
        return "fake"

    @property
    def model(self) -> str:
        return "fake-voice-1"

    def price(self, request: SpeechRequest) -> float:
        return round(self.cost_per_char * len(request.text), 6)

    def length(self, text: str) -> float:
        """How long the tone for ``text`` lasts."""
        if self.seconds_per_word is None:
            return self.seconds
        return round(self.seconds_per_word * len(text.split()), 3)

    async def synthesize(self, request: SpeechRequest) -> GeneratedMedia:
        self.requests.append(request)
        for marker, error in self.fail_on.items():
            if marker in request.text:
                raise error
        seconds = self.length(request.text)
        staged = await self.stager.stage(_one_chunk(tone_wav(seconds)), filename="voice.wav")
        staged = attrs.evolve(staged, info=ContentInfo("audio/wav", "wav", duration=seconds))
        self.staged.append(staged)
        self.calls += 1
        cost = self.price(request)
        return GeneratedMedia(staged=staged, provider=self.provider, model=self.model, cost=cost)


@attrs.define
class FakeMusicGenerator(MusicGenerator):
    """Composes every bed as a quiet low tone of the requested length; records the requests."""

    stager: FileStager
    cost_per_second: float = 0.0
    fail_with: Exception | None = None
    requests: list[MusicRequest] = attrs.field(factory=list)
    staged: list[StagedFile] = attrs.field(factory=list)

    @property
    def provider(self) -> str:
        return "fake"

    @property
    def model(self) -> str:
        return "fake-music-1"

    def price(self, request: MusicRequest) -> float:
        return round(self.cost_per_second * request.duration, 6)

    async def compose(self, request: MusicRequest) -> GeneratedMedia:
        self.requests.append(request)
        if self.fail_with is not None:
            raise self.fail_with
        seconds = max(0.1, request.duration)
        bed = tone_wav(seconds, hz=110.0, level=0.1)
        staged = await self.stager.stage(_one_chunk(bed), filename="bed.wav")
        staged = attrs.evolve(staged, info=ContentInfo("audio/wav", "wav", duration=seconds))
        self.staged.append(staged)
        cost = self.price(request)
        return GeneratedMedia(staged=staged, provider=self.provider, model=self.model, cost=cost)
