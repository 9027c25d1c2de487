"""``GoogleVideoGenerator``: clips from Veo (default ``veo-3.1-generate-preview``) on the Gemini API.

Submit (retrying 429 honouring ``Retry-After``/``RetryInfo``, and 5xx, a bounded number of
times), poll the operation with backoff, stream the clip into a staged file and verify it
is a video, all within ``MEDIA_TIMEOUT_SECONDS``. Veo takes 4, 6 or 8 s clips in 16:9 or
9:16; the shortest length covering the scene is asked for (and priced), the renderer trims
and crops. The Gemini API has no cancel for these operations: on the deadline or a
cancelled task we stop polling and the operation runs out on Google's side.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from adapters.media.google_gemini import PROVIDER, GeminiVeo, finished_video, image_part
from adapters.media.outputs import OutputStaging
from adapters.media.polling import Backoff, Deadline, UpstreamWork, with_retries
from v3core.costs import billed_clip_seconds
from v3core.errors import DomainError, UpstreamError
from v3core.ports.blobs import StagedFile
from v3core.ports.media import GeneratedMedia, VideoGenerator, VideoRequest

VEO_SECONDS = (4, 6, 8)
"""The clip lengths Veo takes and bills (``entrypoints.media`` hands them to the dry run)."""


class GoogleVideoGenerator(VideoGenerator):
    """Veo clips through the Gemini API (``GEMINI_API_KEY``; ``GOOGLE_GEMINI_BASE_URL`` for another host)."""

    def __init__(
        self,
        veo: GeminiVeo,
        model: str,
        staging: OutputStaging,
        *,
        price_per_second: float,
        timeout_seconds: float,
        max_retries: int = 2,
        backoff: Backoff = Backoff(initial=1.0, factor=1.5, cap=10.0),
    ) -> None:
        self._veo = veo
        self._model = model
        self._staging = staging
        self._per_second = price_per_second
        self._deadline = Deadline(PROVIDER, timeout_seconds)
        self._retries = max_retries
        self._backoff = backoff

    @property
    def provider(self) -> str:
        return PROVIDER

    @property
    def model(self) -> str:
        return self._model

    def price(self, request: VideoRequest) -> float:
        return clip_seconds(request.duration) * self._per_second

    async def generate(self, request: VideoRequest) -> GeneratedMedia:
        body = await _body(request)
        staged = await self._deadline.run(UpstreamWork(cancel=None), lambda: self._run(body))
        return GeneratedMedia(staged, PROVIDER, self._model, self.price(request))

    async def aclose(self) -> None:
        """Close the SDK's connections."""
        await self._veo.aclose()

    async def _run(self, body: dict[str, Any]) -> StagedFile:
        operation = await with_retries(
            lambda: self._veo.submit(self._model, body), self._retries, self._backoff
        )
        delays = self._backoff.delays()
        while not operation.done:
            await asyncio.sleep(next(delays))
            operation = await self._veo.poll(operation)
        video = finished_video(operation)
        try:
            staged = await self._veo.download(video, self._staging.stager)
        except UpstreamError:
            raise
        except DomainError as exc:
            raise UpstreamError(f"{PROVIDER} clip could not be stored: {exc.message}") from exc
        return await self._staging.verified(PROVIDER, staged, "video")


def clip_seconds(duration: float) -> int:
    """The shortest Veo clip length covering ``duration`` (8 s at most)."""
    return billed_clip_seconds(duration, VEO_SECONDS)


async def _body(request: VideoRequest) -> dict[str, Any]:
    instance: dict[str, Any] = {"prompt": request.prompt}
    if request.first_frame:
        instance["image"] = image_part(await asyncio.to_thread(Path(request.first_frame).read_bytes))
    parameters: dict[str, Any] = {
        "aspectRatio": _landscape_or_portrait(request.aspect_ratio),
        "durationSeconds": clip_seconds(request.duration),
        "resolution": "720p",
    }
    if request.negative_prompt.strip():
        parameters["negativePrompt"] = request.negative_prompt
    return {"instances": [instance], "parameters": parameters}


def _landscape_or_portrait(aspect_ratio: str) -> str:
    width, _, height = aspect_ratio.partition(":")
    try:
        return "9:16" if float(height) > float(width) else "16:9"
    except ValueError:
        return "16:9"
