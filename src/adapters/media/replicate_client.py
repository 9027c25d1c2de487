"""One prediction on Replicate through the official ``replicate`` client, start to finish.

``create`` → ``POST /v1/models/{owner}/{name}/predictions`` (an official model) or
``POST /v1/predictions`` with ``version`` (``owner/name:version``); no ``Prefer: wait``
header, so the API answers at once with a ``starting`` prediction. ``async_reload`` polls
``GET /v1/predictions/{id}`` with our backoff; ``async_cancel`` is
``POST /v1/predictions/{id}/cancel``. The client's HTTP layer retries 429/503/504 on GETs
by itself; a 429 that survives (or any 429 on a POST) is turned into ``RateLimited``
with the ``Retry-After`` header by a response hook, since ``ReplicateError`` drops headers.
"""

from __future__ import annotations

import asyncio
import base64
import re
from pathlib import Path
from typing import Any

import httpx
from replicate.client import Client as ReplicateClient
from replicate.exceptions import ReplicateError
from replicate.prediction import Prediction

from adapters.media.polling import (
    Backoff,
    TransientUpstreamError,
    UpstreamWork,
    parse_retry_after,
    with_retries,
)
from adapters.planners.replies import redact
from v3core.errors import ContentRefused, DomainError, RateLimited, UpstreamError, UpstreamTimeout

PROVIDER = "replicate"
REFUSAL = re.compile(
    r"nsfw|not safe for work|flagged as sensitive|sensitive content|safety"
    r"|content (?:policy|moderation)|\bE005\b",
    re.I,
)
MAGIC = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"RIFF", "image/webp"))


class ReplicatePredictions:
    """Runs predictions for a generator (one connection pool; ``aclose`` it at shutdown)."""

    def __init__(self, api_token: str, base_url: str | None = None, request_timeout: float = 30.0) -> None:
        self._token = api_token
        self._transport = httpx.AsyncHTTPTransport()  # ours, so that ``aclose`` can close it
        self._client = ReplicateClient(
            api_token=api_token,
            base_url=base_url or None,
            timeout=httpx.Timeout(request_timeout, connect=10.0),
            event_hooks={"response": [_raise_rate_limited]},
            transport=self._transport,
        )

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._transport.aclose()

    async def run(
        self, model: str, inputs: dict[str, Any], work: UpstreamWork, backoff: Backoff, retries: int
    ) -> Any:
        """Create a prediction (retrying 429 and 5xx up to ``retries`` times), poll it to the end
        and return its ``output``; ``work`` tracks its id for cancelling."""
        body = await _with_data_uris(inputs)
        prediction = await with_retries(lambda: self.create(model, body), retries, backoff)
        work.ident = prediction.id
        delays = backoff.delays()
        while prediction.status not in ("succeeded", "failed", "canceled"):
            await asyncio.sleep(next(delays))
            prediction = await self._call(self._client.predictions.async_get(prediction.id))
        return _output_of(prediction)

    async def create(self, model: str, inputs: dict[str, Any]) -> Prediction:
        """Start a prediction on ``owner/name`` or ``owner/name:version``."""
        name, _, version = model.partition(":")
        if version:
            return await self._call(self._client.predictions.async_create(version=version, input=inputs))
        return await self._call(self._client.models.predictions.async_create(model=name, input=inputs))

    async def cancel(self, prediction_id: str) -> None:
        """Ask Replicate to stop the prediction (it stops billing)."""
        await self._call(self._client.predictions.async_cancel(prediction_id))

    async def _call(self, request: Any) -> Prediction:
        try:
            result: Prediction = await request
        except ReplicateError as exc:
            raise _status_error(exc, self._token) from None
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(f"{PROVIDER} did not answer in time ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise UpstreamError(f"{PROVIDER} could not be reached ({type(exc).__name__})") from None
        return result


async def _raise_rate_limited(response: httpx.Response) -> None:
    if response.status_code == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        raise RateLimited(f"{PROVIDER} is rate limiting requests (HTTP 429)", retry_after)


def _status_error(exc: ReplicateError, token: str) -> DomainError:
    status = exc.status or 0
    detail = redact(str(exc.detail or exc.title or ""), token)[:300]
    suffix = f": {detail}" if detail else ""
    if REFUSAL.search(detail):
        return ContentRefused(f"{PROVIDER} refused the prompt under its content policy{suffix}")
    if status in (401, 403):
        return UpstreamError(f"{PROVIDER} rejected the API token (HTTP {status}){suffix}")
    if status >= 500:
        return TransientUpstreamError(f"{PROVIDER} failed with HTTP {status}{suffix}")
    return UpstreamError(f"{PROVIDER} refused the request with HTTP {status}{suffix}")


def _output_of(prediction: Prediction) -> Any:
    if prediction.status == "succeeded":
        return prediction.output
    error = str(prediction.error or "no reason given")[:300]
    if prediction.status == "canceled":
        raise UpstreamError(f"{PROVIDER} prediction {prediction.id} was canceled")
    if REFUSAL.search(error):
        raise ContentRefused(f"{PROVIDER} refused the prompt under its content policy: {error}")
    raise UpstreamError(f"{PROVIDER} prediction {prediction.id} failed: {error}")


def first_url(output: Any) -> str:
    """The first URL in a prediction's output (a string, or a list of them)."""
    if isinstance(output, str) and output:
        return output
    if isinstance(output, list | tuple):
        for item in output:
            if isinstance(item, str) and item:
                return item
    raise UpstreamError(f"{PROVIDER} prediction succeeded without an output URL")


async def _with_data_uris(inputs: dict[str, Any]) -> dict[str, Any]:
    """Local files (``Path`` values) become ``data:`` URIs with their sniffed image type."""
    converted = dict(inputs)
    for key, value in inputs.items():
        if isinstance(value, Path):
            converted[key] = await asyncio.to_thread(_data_uri, value)
    return converted


def _data_uri(path: Path) -> str:
    data = path.read_bytes()
    mime = next((m for magic, m in MAGIC if data.startswith(magic)), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
