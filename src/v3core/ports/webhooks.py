"""Webhook ports: the endpoints and deliveries (repositories of the unit of work), signing, and
the outbound request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import attrs

from v3core.events import JobEvent
from v3core.webhooks import AttemptOutcome, Webhook, WebhookDelivery

if TYPE_CHECKING:
    from v3core.ports.storage import Page, PageRequest


@attrs.frozen
class MissedEvent:
    """A committed job event an endpoint wants but that has no delivery to it yet."""

    webhook: Webhook
    event: JobEvent


class WebhookRepository(Protocol):
    """A tenant's endpoints; ``list_for_owner`` reads every one (dispatch filters by type)."""

    async def add(self, webhook: Webhook) -> None: ...
    async def get(self, owner_id: str, webhook_id: str) -> Webhook | None: ...
    async def get_any(self, webhook_id: str) -> Webhook | None:
        """An endpoint whatever its owner (for the delivery worker only)."""
        ...

    async def update(self, webhook: Webhook) -> None: ...
    async def delete(self, owner_id: str, webhook_id: str) -> bool:
        """Remove the endpoint and its deliveries; whether this call removed it."""
        ...

    async def list(self, owner_id: str, page: PageRequest) -> Page[Webhook]: ...
    async def list_for_owner(self, owner_id: str) -> Sequence[Webhook]: ...


class WebhookDeliveryRepository(Protocol):
    """Deliveries; ``add_new`` is idempotent per ``(webhook_id, job_id, seq)`` and ``update`` is a
    compare-and-set on ``attempts``."""

    async def add_new(self, deliveries: Sequence[WebhookDelivery]) -> Sequence[WebhookDelivery]:
        """Store the deliveries no row exists for yet (same endpoint, job and sequence number);
        the ones stored. A concurrent dispatch of the same event stores each at most once."""
        ...

    async def get(self, owner_id: str, webhook_id: str, delivery_id: str) -> WebhookDelivery | None: ...
    async def get_any(self, delivery_id: str) -> WebhookDelivery | None:
        """A delivery whatever its owner (for the delivery worker only)."""
        ...

    async def update(self, delivery: WebhookDelivery, expected_attempts: int) -> bool:
        """Store ``delivery`` if its stored ``attempts`` is still ``expected_attempts``; whether it
        was stored (``False``: another process recorded an attempt first)."""
        ...

    async def list(self, owner_id: str, webhook_id: str, page: PageRequest) -> Page[WebhookDelivery]:
        """Newest first."""
        ...

    async def pending(self, limit: int) -> Sequence[WebhookDelivery]:
        """Deliveries waiting for an attempt (any owner), soonest due first — for recovery."""
        ...

    async def missed_events(
        self, since: datetime, event_types: Sequence[str], limit: int
    ) -> Sequence[MissedEvent]:
        """Job events of ``event_types`` committed at or after ``since`` and after the endpoint
        was created, for each endpoint of the event's owner that has no delivery of it (whether
        the endpoint wants the type is for the caller to judge) — for recovery."""
        ...


class WebhookSigner(Protocol):
    """Standard Webhooks secrets and signatures."""

    def new_secret(self) -> str:
        """A fresh signing secret, ``whsec_`` + base64 of random bytes."""
        ...

    def signature(self, secret: str, message_id: str, timestamp: datetime, body: str) -> str:
        """The ``webhook-signature`` header value of ``body`` sent as ``message_id`` at ``timestamp``."""
        ...


class WebhookSender(Protocol):
    """Sends one request to an endpoint through the outbound guard, with a timeout, following no
    redirect; never raises for what the receiver or the network did (that is the outcome)."""

    async def post(self, url: str, body: str, headers: Mapping[str, str]) -> AttemptOutcome: ...
