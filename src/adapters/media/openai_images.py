"""``OpenAIImageGenerator``: still images from ``gpt-image-1`` on the official ``openai`` SDK.

One ``POST {OPENAI_BASE_URL}/images/generations`` per image (``n=1``, png, ``quality``
medium so that the price per image is known, a size picked from the model's three by
orientation) — or, when the request carries reference images (the brand's product shot and
logo), one ``POST /images/edits`` with them as the input images, so the frame shows the real
product. ``gpt-image-1`` always answers ``b64_json``; the bytes are staged (size cap)
and sniffed as an image. The SDK retries 429/5xx itself (``max_retries``, honouring
``Retry-After`` up to a minute); what still fails becomes a domain error: ``RateLimited``
with the header's wait, ``ContentRefused`` for ``moderation_blocked`` or
``content_policy_violation``, ``UpstreamError`` otherwise. The model takes no negative
prompt, so restrictions are appended as an "Avoid:" instruction.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from pathlib import Path

import openai

from adapters.media.outputs import OutputStaging
from adapters.media.polling import Deadline, UpstreamWork, parse_retry_after
from adapters.planners.replies import error_detail, sdk_error
from v3core.errors import ContentRefused, DomainError, RateLimited, UpstreamError, UpstreamTimeout
from v3core.ports.media import GeneratedMedia, ImageGenerator, ImageRequest

PROVIDER = "openai"
REFUSAL_CODES = frozenset({"moderation_blocked", "content_policy_violation"})
LANDSCAPE, PORTRAIT, SQUARE = "1536x1024", "1024x1536", "1024x1024"
MAX_REFERENCES = 16
"""``gpt-image-1`` edits take up to 16 input images."""


class OpenAIImageGenerator(ImageGenerator):
    """Images from the OpenAI Images API (or any server speaking it, via ``base_url``)."""

    def __init__(
        self,
        api_key: str,
        model: str,
        staging: OutputStaging,
        *,
        price_per_image: float,
        timeout_seconds: float,
        base_url: str | None = None,
        max_retries: int = 2,
    ) -> None:
        self._key = api_key
        self._model = model
        self._staging = staging
        self._price = price_per_image
        self._timeout = timeout_seconds
        self._retries = max_retries
        self._deadline = Deadline(PROVIDER, timeout_seconds)  # all attempts together
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url or None, timeout=timeout_seconds, max_retries=max_retries
        )

    @property
    def provider(self) -> str:
        return PROVIDER

    @property
    def model(self) -> str:
        return self._model

    def price(self, request: ImageRequest) -> float:
        return self._price

    async def generate(self, request: ImageRequest) -> GeneratedMedia:
        return await self._deadline.run(UpstreamWork(cancel=None), lambda: self._generate(request))

    async def _generate(self, request: ImageRequest) -> GeneratedMedia:
        try:
            if request.reference_images:
                response = await self._client.images.edit(
                    model=self._model,
                    image=await asyncio.to_thread(_files, request.reference_images),
                    prompt=_prompt(request),
                    n=1,
                    size=size_for(request.width, request.height),
                    output_format="png",
                    quality="medium",
                )
            else:
                response = await self._client.images.generate(
                    model=self._model,
                    prompt=_prompt(request),
                    n=1,
                    size=size_for(request.width, request.height),
                    output_format="png",
                    quality="medium",
                )
        except openai.OpenAIError as exc:
            raise self._domain_error(exc) from None
        encoded = response.data[0].b64_json if response.data else None
        if not encoded:
            raise UpstreamError(f"{PROVIDER} answered without image data")
        staged = await self._staging.from_bytes(PROVIDER, _decoded(encoded), "image", "image.png")
        return GeneratedMedia(staged, PROVIDER, self._model, self._price)

    async def aclose(self) -> None:
        """Close the SDK's connection pool."""
        await self._client.close()

    def _domain_error(self, exc: openai.OpenAIError) -> DomainError:
        if isinstance(exc, openai.APIStatusError):
            detail = error_detail(exc.body, self._key)
            if _code(exc.body) in REFUSAL_CODES:
                return ContentRefused(f"{PROVIDER} refused the prompt under its content policy: {detail}")
            if exc.status_code == 429:
                wait = parse_retry_after(exc.response.headers.get("retry-after"))
                return RateLimited(
                    f"{PROVIDER} is rate limiting requests (HTTP 429, after {self._retries} retries)", wait
                )
        error = sdk_error(
            openai, exc, provider=PROVIDER, timeout=self._timeout, retries=self._retries, secret=self._key
        )
        return error if isinstance(error, UpstreamError | UpstreamTimeout) else UpstreamError(error.message)


def size_for(width: int, height: int) -> str:
    """The model size of the same orientation as ``width`` by ``height``."""
    if width > height:
        return LANDSCAPE
    return PORTRAIT if height > width else SQUARE


def _files(paths: tuple[str, ...]) -> list[tuple[str, bytes, str]]:
    """The reference images as the SDK's multipart files (name, bytes, type)."""
    files = []
    for path in paths[:MAX_REFERENCES]:
        data = Path(path).read_bytes()
        kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            kind = "image/webp"
        files.append((Path(path).name, data, kind))
    return files


def _prompt(request: ImageRequest) -> str:
    negative = request.negative_prompt.strip()
    return f"{request.prompt}\nAvoid: {negative}" if negative else request.prompt


def _code(body: object) -> str | None:
    if not isinstance(body, dict):
        return None
    inner = body.get("error", body)
    code = inner.get("code") if isinstance(inner, dict) else None
    return code if isinstance(code, str) else None


def _decoded(encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UpstreamError(f"{PROVIDER} answered with image data that is not base64") from exc
