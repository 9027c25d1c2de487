"""``DeferredWebhookSender``: builds the httpx sender on the first delivery attempt, so a process
that never delivers (or has not yet) does not import httpx at start-up (``adapters.deferred``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from adapters.deferred import Deferred
from v3core.ports.webhooks import WebhookSender
from v3core.webhooks import AttemptOutcome


class ClosableSender(WebhookSender, Protocol):
    """A sender that holds connections until ``aclose()``."""

    async def aclose(self) -> None: ...


class DeferredWebhookSender(WebhookSender):
    """Sends with ``build()``'s sender, built once, on the first ``post``."""

    def __init__(self, build: Callable[[], ClosableSender]) -> None:
        self._sender = Deferred(build, "webhook sender")

    async def post(self, url: str, body: str, headers: Mapping[str, str]) -> AttemptOutcome:
        return await (await self._sender.get()).post(url, body, headers)

    async def aclose(self) -> None:
        """Close the real sender if one was built."""
        built = self._sender.close()
        if built is not None:
            await built.aclose()
