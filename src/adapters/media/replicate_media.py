"""``ReplicateImageGenerator``, ``ReplicateVideoGenerator`` and ``ReplicateMusicGenerator``: the
ports on Replicate predictions.

Each call: build the model's inputs, create the prediction (retrying 429 honouring
``Retry-After``, and 5xx, a bounded number of times), poll with backoff, download the
output URL through the guarded fetcher and verify the medium, all within the deadline;
on deadline, cancellation or failure the prediction is cancelled upstream.
"""

from __future__ import annotations

import math
from typing import Any

from adapters.media.outputs import Medium, OutputStaging
from adapters.media.polling import Backoff, Deadline, UpstreamWork
from adapters.media.replicate_client import PROVIDER, ReplicatePredictions, first_url
from adapters.media.replicate_inputs import billed_seconds, image_input, video_input
from v3core.ports.blobs import StagedFile
from v3core.ports.media import (
    GeneratedMedia,
    ImageGenerator,
    ImageRequest,
    MusicGenerator,
    MusicRequest,
    VideoGenerator,
    VideoRequest,
)


class _ReplicateGenerator:
    def __init__(
        self,
        predictions: ReplicatePredictions,
        model: str,
        staging: OutputStaging,
        *,
        unit_price: float,
        timeout_seconds: float,
        max_retries: int = 2,
        backoff: Backoff = Backoff(),
    ) -> None:
        self._unit_price = unit_price
        """USD per image, or per second of video or music."""
        self._predictions = predictions
        self._model = model
        self._staging = staging
        self._deadline = Deadline(PROVIDER, timeout_seconds)
        self._retries = max_retries
        self._backoff = backoff

    @property
    def provider(self) -> str:
        return PROVIDER

    @property
    def model(self) -> str:
        return self._model

    async def aclose(self) -> None:
        """Close the client's pooled connections."""
        await self._predictions.aclose()

    async def _generate(self, inputs: dict[str, Any], medium: Medium) -> StagedFile:
        work = UpstreamWork(self._predictions.cancel)

        async def attempt() -> StagedFile:
            output = await self._predictions.run(self._model, inputs, work, self._backoff, self._retries)
            return await self._staging.from_url(PROVIDER, first_url(output), medium)

        return await self._deadline.run(work, attempt)


class ReplicateImageGenerator(_ReplicateGenerator, ImageGenerator):
    """Still images from a Replicate text-to-image model (default ``black-forest-labs/flux-schnell``)."""

    def price(self, request: ImageRequest) -> float:
        return self._unit_price

    async def generate(self, request: ImageRequest) -> GeneratedMedia:
        staged = await self._generate(image_input(self._model, request), "image")
        return GeneratedMedia(staged, PROVIDER, self._model, self.price(request))


class ReplicateVideoGenerator(_ReplicateGenerator, VideoGenerator):
    """Clips from a Replicate image-to-video model (default ``google/veo-3.1``)."""

    def price(self, request: VideoRequest) -> float:
        return billed_seconds(self._model, request.duration) * self._unit_price

    async def generate(self, request: VideoRequest) -> GeneratedMedia:
        staged = await self._generate(video_input(self._model, request), "video")
        return GeneratedMedia(staged, PROVIDER, self._model, self.price(request))


MUSICGEN_MAX_SECONDS = 30
"""Longest bed asked of MusicGen in one prediction; the mix loops it under longer videos."""


class ReplicateMusicGenerator(_ReplicateGenerator, MusicGenerator):
    """A music bed from Replicate's MusicGen (default ``meta/musicgen``), one track per video."""

    def price(self, request: MusicRequest) -> float:
        return _music_seconds(request) * self._unit_price

    async def compose(self, request: MusicRequest) -> GeneratedMedia:
        inputs: dict[str, Any] = {
            "prompt": request.style,
            "duration": _music_seconds(request),
            "model_version": "stereo-large",
            "output_format": "wav",
            "normalization_strategy": "loudness",
        }
        if request.seed is not None:
            inputs["seed"] = request.seed
        staged = await self._generate(inputs, "audio")
        return GeneratedMedia(staged, PROVIDER, self._model, self.price(request))


def _music_seconds(request: MusicRequest) -> int:
    return max(1, min(MUSICGEN_MAX_SECONDS, math.ceil(request.duration)))
