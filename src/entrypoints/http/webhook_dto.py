"""Wire shapes of webhook endpoints and their deliveries (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from entrypoints.http.dto import Text, Url
from v3core.webhooks import DeliveryState, Webhook, WebhookDelivery

EventType = Literal["job.storyboard_ready", "job.completed", "job.failed", "job.cancelled", "job.*"]
"""What an endpoint may subscribe to (``job.*``: every one of them)."""


class WebhookCreate(msgspec.Struct, rename="camel"):
    """Body of ``POST /webhooks``: where to send, which job events, and a note for yourself."""

    url: Url
    events: Annotated[list[EventType], msgspec.Meta(min_length=1, max_length=16)]
    description: Text | None = None


class WebhookOut(msgspec.Struct, rename="camel"):
    """An endpoint as listed: never its secret."""

    id: str
    url: str
    events: list[str]
    description: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, w: Webhook) -> WebhookOut:
        return cls(w.id, w.url, list(w.events), w.description, w.created_at, w.updated_at)


class WebhookWithSecretOut(msgspec.Struct, rename="camel"):
    """An endpoint with its signing secret (``whsec_...``), shown in this answer only: verify
    deliveries with it (Standard Webhooks: ``webhook-id``, ``webhook-timestamp``,
    ``webhook-signature``)."""

    id: str
    url: str
    events: list[str]
    description: str | None
    created_at: datetime
    updated_at: datetime
    secret: str

    @classmethod
    def of(cls, w: Webhook, secret: str) -> WebhookWithSecretOut:
        return cls(w.id, w.url, list(w.events), w.description, w.created_at, w.updated_at, secret)


class DeliveryOut(msgspec.Struct, rename="camel"):
    """One event on its way to an endpoint: ``messageId`` is the ``webhook-id`` header, the same
    on every attempt; ``state`` pending (an attempt is due at ``nextAttemptAt``), succeeded (a 2xx
    answer) or failed (attempts exhausted, or the target is refused)."""

    id: str
    webhook_id: str
    message_id: str
    event_type: str
    job_id: str
    seq: int
    state: DeliveryState
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, d: WebhookDelivery) -> DeliveryOut:
        return cls(
            d.id,
            d.webhook_id,
            d.message_id,
            d.event_type,
            d.job_id,
            d.seq,
            d.state,
            d.attempts,
            d.last_status_code,
            d.last_error,
            d.next_attempt_at,
            d.last_attempt_at,
            d.delivered_at,
            d.created_at,
            d.updated_at,
        )
