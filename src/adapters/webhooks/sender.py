"""``HttpxWebhookSender``: one POST to an endpoint through the same outbound guard as URL imports.

Every connection goes through ``GuardedNetworkBackend`` (loopback, private, link-local and
metadata addresses refused, also behind a host name, unless ``WEBHOOK_ALLOW_PRIVATE_NETWORKS``);
redirects are never followed (a 3xx is a failed attempt); one deadline covers connecting,
sending and reading the answer, of which at most ``MAX_ANSWER_BYTES`` are read. What went wrong
is the attempt's outcome, with URLs redacted, never an exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import httpx

from adapters.fetch.httpx_fetcher import GuardedTransport
from adapters.fetch.network import GuardedNetworkBackend, Resolver, system_resolver
from v3core.errors import ForbiddenTarget, UpstreamError
from v3core.ports.webhooks import WebhookSender
from v3core.redaction import redact_url, redact_urls
from v3core.webhooks import AttemptOutcome

MAX_ANSWER_BYTES = 64 * 1024
"""Of a receiver's answer only the status matters; this much of the body is read (so the
connection can be reused), the rest is dropped with the connection."""
USER_AGENT = "v3-webhooks/1.0 (Standard Webhooks)"


class HttpxWebhookSender(WebhookSender):
    """Posts with one shared ``httpx.AsyncClient`` (connections reused per receiver); ``aclose()``
    it at shutdown."""

    def __init__(
        self,
        *,
        timeout_seconds: float = 10.0,
        allow_private_networks: bool = False,
        resolver: Resolver = system_resolver,
        max_connections: int = 100,
    ) -> None:
        self._timeout = timeout_seconds
        backend = GuardedNetworkBackend(allow_private_networks, resolver)
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(backend, max_connections=max_connections),
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": USER_AGENT},
        )

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._client.aclose()

    async def post(self, url: str, body: str, headers: Mapping[str, str]) -> AttemptOutcome:
        try:
            async with asyncio.timeout(self._timeout):
                return await self._post(url, body, headers)
        except ForbiddenTarget as refused:
            return AttemptOutcome(None, f"refused by the outbound guard: {refused.message}", permanent=True)
        except (TimeoutError, httpx.TimeoutException):
            return AttemptOutcome(None, f"no answer within {self._timeout:g} s")
        except UpstreamError as error:
            return AttemptOutcome(None, error.message)
        except (httpx.HTTPError, OSError) as error:
            return AttemptOutcome(
                None, redact_urls(f"{type(error).__name__}: {error}") or type(error).__name__
            )

    async def _post(self, url: str, body: str, headers: Mapping[str, str]) -> AttemptOutcome:
        async with self._client.stream("POST", url, content=body.encode(), headers=dict(headers)) as answer:
            read = 0
            async for chunk in answer.aiter_raw():
                read += len(chunk)
                if read > MAX_ANSWER_BYTES:
                    break
            status = answer.status_code
            if 200 <= status < 300:
                return AttemptOutcome(status)
            if 300 <= status < 400:
                location = redact_url(answer.headers.get("location", "")) or "nowhere"
                return AttemptOutcome(status, f"HTTP {status}: redirect to {location} not followed")
            return AttemptOutcome(status, f"HTTP {status} {answer.reason_phrase}".strip())
