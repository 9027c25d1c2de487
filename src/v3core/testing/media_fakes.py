"""In-memory generation providers: real small media files, counted calls, scripted failures.

``FakeImageGenerator`` draws a solid-colour PNG (standard library only; the colour derived from
the prompt, so each scene's frame differs) at a small size of the requested aspect ratio;
``FakeVideoGenerator`` stages the MP4 bytes it was given (tests make them with PyAV). Both stage
through the ``FileStager`` passed in, like the real adapters, count their calls (and the most
in flight at once), record their requests, can fail any request whose prompt contains a
marker, wait ``delay`` seconds per call, wait for a ``gate``, or block until cancelled
(counting the cancellations).
"""

from __future__ import annotations

import asyncio
import hashlib
import struct
import zlib
from collections.abc import AsyncIterator

import attrs

from v3core.errors import DomainError, UpstreamError
from v3core.ports.blobs import ContentInfo, FileStager
from v3core.ports.media import GeneratedMedia, ImageGenerator, ImageRequest, VideoGenerator, VideoRequest


def solid_png(width: int, height: int, rgb: tuple[int, int, int] = (40, 90, 200)) -> bytes:
    """A valid solid-colour RGB PNG (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


async def _one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


@attrs.define
class _Behaviour:
    """What the fakes share: scripted failures, latency, blocking and the counters."""

    fail_on: dict[str, Exception] = attrs.field(factory=dict)
    """Prompt marker → the error raised for any request whose prompt contains it."""
    fail_first: list[Exception] = attrs.field(factory=list)
    """Errors raised by the next calls, one per call, whatever the prompt."""
    delay: float = 0.0
    block: bool = False
    gate: asyncio.Event | None = None
    """When set, every call waits for it before answering."""
    calls: int = 0
    started: int = 0
    cancelled: int = 0
    in_flight: int = 0
    peak: int = 0
    """The most calls ever in flight at once."""

    async def run(self, prompt: str) -> None:
        self.started += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await self._answer(prompt)
        finally:
            self.in_flight -= 1
        self.calls += 1

    async def _answer(self, prompt: str) -> None:
        try:
            if self.fail_first:
                raise self.fail_first.pop(0)
            for marker, error in self.fail_on.items():
                if marker in prompt:
                    raise error
            if self.block:
                await asyncio.Event().wait()
            if self.gate is not None:
                await self.gate.wait()
            if self.delay:
                await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise


@attrs.define
class FakeImageGenerator(ImageGenerator):
    """Counts ``calls`` (successful generations); ``requests`` holds every request received."""

    stager: FileStager
    cost: float = 0.003
    behaviour: _Behaviour = attrs.field(factory=_Behaviour)
    requests: list[ImageRequest] = attrs.field(factory=list)
    scale: int = 20

    @property
    def provider(self) -> str:
        return "fake"

    @property
    def model(self) -> str:
        return "fake-image-1"

    @property
    def calls(self) -> int:
        """Generations that succeeded (each one is paid)."""
        return self.behaviour.calls

    def price(self, request: ImageRequest) -> float:
        return self.cost

    async def generate(self, request: ImageRequest) -> GeneratedMedia:
        self.requests.append(request)
        await self.behaviour.run(request.prompt)
        width, height = max(2, request.width // self.scale), max(2, request.height // self.scale)
        rgb = tuple(hashlib.sha256(request.prompt.encode()).digest()[:3])
        picture = solid_png(width, height, (rgb[0], rgb[1], rgb[2]))
        staged = await self.stager.stage(_one_chunk(picture), filename="frame.png")
        staged = attrs.evolve(staged, info=ContentInfo("image/png", "png", width, height))
        return GeneratedMedia(staged=staged, provider=self.provider, model=self.model, cost=self.cost)


@attrs.define
class FakeVideoGenerator(VideoGenerator):
    """Stages ``clip`` (MP4 bytes) for every request; charges ``cost_per_second`` times the duration."""

    stager: FileStager
    clip: bytes
    cost_per_second: float = 0.05
    behaviour: _Behaviour = attrs.field(factory=_Behaviour)
    requests: list[VideoRequest] = attrs.field(factory=list)

    @property
    def provider(self) -> str:
        return "fake"

    @property
    def model(self) -> str:
        return "fake-video-1"

    @property
    def calls(self) -> int:
        """Generations that succeeded (each one is paid)."""
        return self.behaviour.calls

    def price(self, request: VideoRequest) -> float:
        return round(self.cost_per_second * request.duration, 6)

    async def generate(self, request: VideoRequest) -> GeneratedMedia:
        self.requests.append(request)
        await self.behaviour.run(request.prompt)
        staged = await self.stager.stage(_one_chunk(self.clip), filename="clip.mp4")
        staged = attrs.evolve(staged, info=ContentInfo("video/mp4", "mp4"))
        return GeneratedMedia(
            staged=staged, provider=self.provider, model=self.model, cost=self.price(request)
        )


def failing(message: str = "the provider failed") -> DomainError:
    """A provider failure as the adapters report it."""
    return UpstreamError(message)
