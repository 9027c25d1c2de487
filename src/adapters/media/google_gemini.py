"""Veo on the Gemini API through the official ``google-genai`` SDK: submit, poll, download.

The Gemini API runs Veo as a long-running operation:
``POST /v1beta/models/{model}:predictLongRunning`` → ``{"name": ".../operations/..."}``,
``GET /v1beta/{name}`` until ``done``, then ``GET /v1beta/files/{id}:download?alt=media``.
google-genai 3.x answers ``generate_videos`` with "only supported in Gemini Enterprise Agent
Platform" when the client is in Gemini API mode, so the submit goes through the SDK's own
API client (same auth header, base URL, API version, error types) with the documented wire
body; polling (``aio.operations.get``) and the download (``aio.files.download``) are the
SDK's public calls. The download streams into our ``FileStager`` (size cap) chunk by chunk.
The SDK has no operation cancel and the Gemini API documents none for Veo.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import httpx2
from google import genai
from google.genai import errors, types

from adapters.media.polling import TransientUpstreamError, parse_retry_after
from adapters.planners.replies import redact
from v3core.errors import ContentRefused, DomainError, RateLimited, UpstreamError, UpstreamTimeout
from v3core.ports.blobs import FileStager, StagedFile

PROVIDER = "google"
API_VERSION = "v1beta"
REFUSAL = re.compile(
    r"safety|responsible ai|\brai\b|usage guidelines|policy|blocked|filtered|sensitive", re.I
)
TRANSPORT_ERRORS = (httpx.HTTPError, httpx2.HTTPError)
"""The SDK sends with httpx2 when it is installed (the openai SDK brings it), else httpx."""
_RETRY_DELAY = re.compile(r"^(\d+(?:\.\d+)?)s$")


class GeminiVeo:
    """The three Gemini API calls of one Veo generation."""

    def __init__(self, api_key: str, base_url: str | None = None, request_timeout: float = 60.0) -> None:
        self._key = api_key
        options = types.HttpOptions(
            base_url=base_url or None, api_version=API_VERSION, timeout=int(request_timeout * 1000)
        )
        self._client = genai.Client(api_key=api_key, http_options=options)

    async def submit(self, model: str, body: dict[str, Any]) -> types.GenerateVideosOperation:
        """Start the operation (``predictLongRunning``)."""
        api = self._client.aio._api_client  # generate_videos refuses Gemini API mode in 3.x
        try:
            response = await api.async_request("post", f"models/{model}:predictLongRunning", body)
        except errors.APIError as exc:
            raise self._domain_error(exc) from None
        except TRANSPORT_ERRORS as exc:
            raise _transport_error(exc) from exc
        payload = json.loads(response.body) if response.body else {}
        return types.GenerateVideosOperation.from_api_response(payload, is_vertex_ai=False)

    async def poll(self, operation: types.GenerateVideosOperation) -> types.GenerateVideosOperation:
        """The operation's current state."""
        try:
            return await self._client.aio.operations.get(operation)
        except errors.APIError as exc:
            raise self._domain_error(exc) from None
        except TRANSPORT_ERRORS as exc:
            raise _transport_error(exc) from exc

    async def download(self, video: types.Video, stager: FileStager) -> StagedFile:
        """Stream the clip's bytes into a staged file (the stager's cap aborts a huge one)."""
        if video.video_bytes:
            return await stager.stage(_once(video.video_bytes), filename="clip.mp4")
        pipe = _Pipe()
        try:
            async with asyncio.TaskGroup() as group:
                staging = group.create_task(stager.stage(pipe.chunks(), filename="clip.mp4"))
                group.create_task(self._download_into(video, pipe))
        except BaseExceptionGroup as failed:
            raise failed.exceptions[0] from None
        return staging.result()

    async def _download_into(self, video: types.Video, pipe: _Pipe) -> None:
        try:
            await self._client.aio.files.download(file=video, destination=pipe)  # type: ignore[call-overload]  # an async writer: the SDK awaits write()
        except errors.APIError as exc:
            raise UpstreamError(f"{PROVIDER} clip could not be downloaded (HTTP {exc.code})") from None
        except ValueError as exc:
            raise UpstreamError(f"{PROVIDER} returned a clip reference that cannot be downloaded") from exc
        except TRANSPORT_ERRORS as exc:
            raise _transport_error(exc) from exc
        await pipe.close()

    async def aclose(self) -> None:
        """Close the SDK's connections."""
        await self._client.aio.aclose()

    def _domain_error(self, exc: errors.APIError) -> DomainError:
        code = int(exc.code or 0)
        detail = redact(str(exc.message or exc.status or ""), self._key)[:300]
        suffix = f": {detail}" if detail else ""
        if code == 429:
            return RateLimited(f"{PROVIDER} is rate limiting requests (HTTP 429){suffix}", _retry_after(exc))
        if code in (401, 403) or (code == 400 and "api key" in detail.lower()):
            return UpstreamError(f"{PROVIDER} rejected the API key (HTTP {code}){suffix}")
        if code == 400 and REFUSAL.search(detail):
            return ContentRefused(f"{PROVIDER} refused the prompt under its content policy{suffix}")
        if code >= 500:
            return TransientUpstreamError(f"{PROVIDER} failed with HTTP {code}{suffix}")
        return UpstreamError(f"{PROVIDER} refused the request with HTTP {code}{suffix}")


def finished_video(operation: types.GenerateVideosOperation) -> types.Video:
    """The clip of a finished operation; ``ContentRefused`` when Veo filtered it, else ``UpstreamError``."""
    if operation.error:
        message = str(operation.error.get("message") or operation.error)[:300]
        if REFUSAL.search(message):
            raise ContentRefused(f"{PROVIDER} refused the prompt under its content policy: {message}")
        raise UpstreamError(f"{PROVIDER} video operation failed: {message}")
    result = operation.response or operation.result
    videos = [v.video for v in (result.generated_videos or []) if v.video] if result else []
    if videos:
        return videos[0]
    if result and (result.rai_media_filtered_count or result.rai_media_filtered_reasons):
        reasons = "; ".join(result.rai_media_filtered_reasons or ["filtered"])[:300]
        raise ContentRefused(f"{PROVIDER} filtered the clip under its content policy: {reasons}")
    raise UpstreamError(f"{PROVIDER} video operation finished without a clip")


def image_part(data: bytes) -> dict[str, str]:
    """An image for the request body (``bytesBase64Encoded`` with its type)."""
    mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return {"bytesBase64Encoded": base64.b64encode(data).decode("ascii"), "mimeType": mime}


def _retry_after(exc: errors.APIError) -> float | None:
    headers = getattr(exc.response, "headers", None)
    header = parse_retry_after(headers.get("retry-after")) if headers is not None else None
    if header is not None:
        return header
    details = exc.details.get("error", {}).get("details", []) if isinstance(exc.details, dict) else []
    for item in details if isinstance(details, list) else []:
        match = _RETRY_DELAY.match(str(item.get("retryDelay", ""))) if isinstance(item, dict) else None
        if match:
            return float(match.group(1))
    return None


def _transport_error(exc: httpx.HTTPError | httpx2.HTTPError) -> DomainError:
    name = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException | httpx2.TimeoutException):
        return UpstreamTimeout(f"{PROVIDER} did not answer in time ({name})")
    return UpstreamError(f"{PROVIDER} could not be reached ({name})")


class _Pipe:
    """A bounded queue the SDK writes the download into while the stager reads from it."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=4)

    async def write(self, chunk: bytes) -> None:
        await self._queue.put(chunk)

    async def close(self) -> None:
        await self._queue.put(None)

    async def chunks(self) -> AsyncIterator[bytes]:
        while (chunk := await self._queue.get()) is not None:
            yield chunk


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data
