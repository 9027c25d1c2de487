"""The generative-media ports' contracts (``v3core.ports.media``) as pytest base classes.

Subclass one per generator and supply its fixture:

| class | fixture |
| --- | --- |
| ``ImageGeneratorContract`` | ``image_generator``: an ``ImageGenerator`` |
| ``VideoGeneratorContract`` | ``video_generator``: a ``VideoGenerator`` |
| ``SpeechSynthesizerContract`` | ``speech_synthesizer``: a ``SpeechSynthesizer`` |
| ``MusicGeneratorContract`` | ``music_generator``: a ``MusicGenerator`` |

What the ports promise, checked for every generator: it names its provider and model and
the result carries the same names; ``price(request)`` is what the call cost (USD, never
negative); the output is *staged* (a file on local disk whose size and sha256 are the
staged file's) and *inspected* (``info`` set) as the medium asked for, which the contract
also confirms from the file's magic bytes. An image keeps the orientation of the pixels
asked for (SPEC §8: the nearest size of the same orientation), unless the subclass sets
``honours_orientation = False`` (a fake server that answers one fixed picture); a music bed
lasts at least the duration asked for when its ``info`` states a duration.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from pathlib import Path
from typing import Literal

import pytest

from v3core.ports.media import (
    GeneratedMedia,
    ImageGenerator,
    ImageRequest,
    MusicGenerator,
    MusicRequest,
    SpeechRequest,
    SpeechSynthesizer,
    VideoGenerator,
    VideoRequest,
)

Medium = Literal["image", "video", "audio"]
SPEC_SIZES = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (1080, 1080), "4:5": (1080, 1350)}


def medium_of(head: bytes) -> Medium | None:
    """The medium the file's first bytes announce (PNG, JPEG, WebP, GIF; MP4/MOV, WebM;
    WAV, MP3, Ogg, FLAC, AAC), ``None`` when unrecognised."""
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "audio" if brand in (b"M4A ", b"M4B ") else "video"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio"
    if head.startswith((b"ID3", b"OggS", b"fLaC")) or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf1"):
        return "audio"
    return None


async def check_media(
    media: GeneratedMedia, provider: str, model: str, price: float, medium: Medium
) -> bytes:
    """The port's promises about one result; returns the staged bytes."""
    assert isinstance(media, GeneratedMedia)
    assert isinstance(provider, str) and provider.strip(), "the generator names no provider"
    assert isinstance(model, str) and model.strip(), "the generator names no model"
    assert (media.provider, media.model) == (provider, model), "the result names another provider/model"
    assert price >= 0 and math.isfinite(price), f"price {price}"
    assert media.cost == pytest.approx(price), f"the call cost {media.cost}, price() said {price}"
    staged = media.staged
    data = await asyncio.to_thread(Path(staged.path).read_bytes)
    assert len(data) == staged.size > 0, "the staged size is not the file's"
    assert hashlib.sha256(data).hexdigest() == staged.sha256, "the staged sha256 is not the file's"
    assert medium_of(data[:16]) == medium, f"the output's bytes are not {medium} ({data[:12]!r})"
    assert staged.info is not None, "the output was not inspected (StagedFile.info is None)"
    assert staged.info.mime.startswith(f"{medium}/"), f"inspected as {staged.info.mime}, not {medium}"
    return data


def image_request(aspect: str = "16:9") -> ImageRequest:
    width, height = SPEC_SIZES[aspect]
    return ImageRequest(
        prompt="A trail shoe on wet granite at dawn",
        negative_prompt="competitor logos",
        width=width,
        height=height,
        aspect_ratio=aspect,
        seed=7,
    )


def video_request(aspect: str = "16:9", duration: float = 4.0) -> VideoRequest:
    width, height = SPEC_SIZES[aspect]
    return VideoRequest(
        prompt="Slow push-in on a trail shoe",
        negative_prompt="competitor logos",
        duration=duration,
        aspect_ratio=aspect,
        width=width,
        height=height,
        seed=7,
    )


def _orientation(width: int, height: int) -> int:
    return (width > height) - (width < height)


class ImageGeneratorContract:
    """Every image generator test; needs the fixture ``image_generator``."""

    honours_orientation: bool = True

    @pytest.mark.asyncio
    async def test_an_image_is_staged_inspected_and_priced(self, image_generator: ImageGenerator) -> None:
        request = image_request()
        price = image_generator.price(request)
        media = await image_generator.generate(request)
        await check_media(media, image_generator.provider, image_generator.model, price, "image")

    @pytest.mark.asyncio
    @pytest.mark.parametrize("aspect", ["16:9", "9:16"])
    async def test_the_image_keeps_the_orientation_asked_for(
        self, image_generator: ImageGenerator, aspect: str
    ) -> None:
        if not self.honours_orientation:
            pytest.skip("this generator answers one fixed picture (honours_orientation = False)")
        request = image_request(aspect)
        media = await image_generator.generate(request)
        info = media.staged.info
        assert info is not None and info.width and info.height, "an image's size was not inspected"
        assert _orientation(info.width, info.height) == _orientation(request.width, request.height)


class VideoGeneratorContract:
    """Every video generator test; needs the fixture ``video_generator``."""

    @pytest.mark.asyncio
    async def test_a_clip_is_staged_inspected_and_priced(self, video_generator: VideoGenerator) -> None:
        request = video_request()
        price = video_generator.price(request)
        media = await video_generator.generate(request)
        await check_media(media, video_generator.provider, video_generator.model, price, "video")

    def test_a_longer_clip_never_costs_less(self, video_generator: VideoGenerator) -> None:
        short, long = video_request(duration=2.0), video_request(duration=8.0)
        assert 0 <= video_generator.price(short) <= video_generator.price(long)


class SpeechSynthesizerContract:
    """Every speech synthesizer test; needs the fixture ``speech_synthesizer``."""

    speech_voice: str = "default"
    """A voice your synthesizer knows."""

    @pytest.mark.asyncio
    async def test_a_script_is_spoken_staged_inspected_and_priced(
        self, speech_synthesizer: SpeechSynthesizer
    ) -> None:
        request = SpeechRequest("Grip on any rock. Shop Aurora today.", self.speech_voice)
        price = speech_synthesizer.price(request)
        media = await speech_synthesizer.synthesize(request)
        await check_media(media, speech_synthesizer.provider, speech_synthesizer.model, price, "audio")
        info = media.staged.info
        assert info is not None
        assert info.duration is None or info.duration > 0, "the voice lasts no time"

    def test_a_longer_script_never_costs_less(self, speech_synthesizer: SpeechSynthesizer) -> None:
        short = SpeechRequest("Shop today.", self.speech_voice)
        long = SpeechRequest("Grip on any rock, on any trail, in any weather. Shop today.", self.speech_voice)
        assert 0 <= speech_synthesizer.price(short) <= speech_synthesizer.price(long)


class MusicGeneratorContract:
    """Every music generator test; needs the fixture ``music_generator``."""

    @pytest.mark.asyncio
    async def test_a_bed_of_at_least_the_duration_is_staged_inspected_and_priced(
        self, music_generator: MusicGenerator
    ) -> None:
        request = MusicRequest("upbeat electronic", 1.5, seed=1)
        price = music_generator.price(request)
        media = await music_generator.compose(request)
        await check_media(media, music_generator.provider, music_generator.model, price, "audio")
        info = media.staged.info
        assert info is not None
        assert info.duration is None or info.duration >= request.duration - 0.05, (
            f"the bed lasts {info.duration} s, {request.duration} s were asked for"
        )
