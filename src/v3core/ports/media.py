"""Generative-media ports (SPEC §8): images, video clips, speech and music, each call priced.

Adapters wrap one provider SDK each (Replicate, OpenAI, Google) or draw locally. What they
produce is *staged* (``StagedFile``: bytes on local disk, hashed, size-capped and inspected),
so the caller stores it as an asset of the job like any other ingested file.

Long-running generation (video) is one awaitable call: the adapter submits, polls with
backoff until ``deadline_seconds`` and downloads the result. Cancelling the awaiting task
cancels the provider's work (the prediction or operation) before the cancellation propagates.

Failures are domain errors: ``RateLimited`` (429, with ``retry_after``), ``UpstreamTimeout``
(the deadline passed; the provider's work is cancelled), ``ContentRefused`` (a content-policy
refusal), ``UpstreamError`` (401, 422, 5xx, a prediction that ended ``failed``/``canceled``,
an output that cannot be downloaded or is not the expected medium).
"""

from __future__ import annotations

from typing import Protocol

import attrs

from v3core.ports.blobs import StagedFile


@attrs.frozen
class ImageRequest:
    """One still image: ``prompt`` (what to show), ``negative_prompt`` (what never to show).

    ``width``/``height`` are the pixels wanted and ``aspect_ratio`` (``16:9``, ``9:16``,
    ``1:1``, ``4:5``) the frame the job renders at; providers that only take sizes or ratios
    from a fixed list pick the nearest one of the same orientation. ``reference_images`` are
    local paths of images to stay consistent with (brand assets), used where supported.
    """

    prompt: str
    negative_prompt: str
    width: int
    height: int
    aspect_ratio: str
    seed: int | None = None
    reference_images: tuple[str, ...] = ()


@attrs.frozen
class VideoRequest:
    """One clip of ``duration`` seconds at ``aspect_ratio``; ``first_frame`` a local image path.

    Providers with fixed clip lengths return their nearest supported length; the renderer
    trims or loops the clip to the scene.
    """

    prompt: str
    negative_prompt: str
    duration: float
    aspect_ratio: str
    width: int
    height: int
    first_frame: str | None = None
    seed: int | None = None


@attrs.frozen
class GeneratedMedia:
    """What one call produced: the staged file, who made it and what it cost (USD)."""

    staged: StagedFile
    provider: str
    model: str
    cost: float


class ImageGenerator(Protocol):
    """Draws still images (storyboard frames, first frames of clips)."""

    @property
    def provider(self) -> str:
        """The provider's short name (``local``, ``replicate``, ``openai``)."""
        ...

    @property
    def model(self) -> str:
        """The model used (``black-forest-labs/flux-schnell``, ``gpt-image-1``, ...)."""
        ...

    def price(self, request: ImageRequest) -> float:
        """What ``generate(request)`` will cost (USD), for estimates and budgets."""
        ...

    async def generate(self, request: ImageRequest) -> GeneratedMedia:
        """Generate one image (staged and inspected as an image)."""
        ...


class VideoGenerator(Protocol):
    """Makes video clips; each call may run for minutes on the provider's side."""

    @property
    def provider(self) -> str:
        """The provider's short name (``local``, ``replicate``, ``google``)."""
        ...

    @property
    def model(self) -> str:
        """The model used (an image-to-video model, ``veo-3.1-...``)."""
        ...

    def price(self, request: VideoRequest) -> float:
        """What ``generate(request)`` will cost (USD): seconds of video times price per second."""
        ...

    async def generate(self, request: VideoRequest) -> GeneratedMedia:
        """Generate one clip (staged and inspected as a video).

        Cancelling the awaiting task cancels the provider's work; past the adapter's deadline
        the work is cancelled and ``UpstreamTimeout`` raised.
        """
        ...


@attrs.frozen
class SpeechRequest:
    """One scene's voiceover: ``text`` spoken by ``voice`` at ``speed`` (1.0 = natural pace)."""

    text: str
    voice: str
    speed: float = 1.0


@attrs.frozen
class MusicRequest:
    """A music bed of at least ``duration`` seconds in the style ``style`` (e.g. "upbeat electronic").

    ``seed`` makes procedural generators repeatable.
    """

    style: str
    duration: float
    seed: int | None = None


class SpeechSynthesizer(Protocol):
    """Speaks scripts (a voiceover per scene)."""

    @property
    def provider(self) -> str:
        """The provider's short name (``openai``, ``espeak``)."""
        ...

    @property
    def model(self) -> str:
        """The voice model (``gpt-4o-mini-tts``, ``espeak-ng``)."""
        ...

    def price(self, request: SpeechRequest) -> float:
        """What ``synthesize(request)`` will cost (USD)."""
        ...

    async def synthesize(self, request: SpeechRequest) -> GeneratedMedia:
        """The spoken text as an audio file (staged and inspected as audio)."""
        ...


class MusicGenerator(Protocol):
    """Makes a music bed for a whole video."""

    @property
    def provider(self) -> str:
        """The provider's short name (``local``, ``replicate``)."""
        ...

    @property
    def model(self) -> str:
        """The model (``meta/musicgen``, ``procedural``)."""
        ...

    def price(self, request: MusicRequest) -> float:
        """What ``compose(request)`` will cost (USD)."""
        ...

    async def compose(self, request: MusicRequest) -> GeneratedMedia:
        """A track of about ``request.duration`` seconds (staged and inspected as audio)."""
        ...
