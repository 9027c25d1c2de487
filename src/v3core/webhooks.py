"""Webhooks (SPEC §11): endpoints a tenant registers, and the deliveries of job events to them.

An endpoint has a URL, the event types it wants (``WEBHOOK_EVENT_TYPES`` or the wildcard
``job.*``) and a signing secret (``whsec_...``, Standard Webhooks). A committed job event of
a subscribed type becomes one ``WebhookDelivery`` per endpoint — unique per
``(webhook_id, job_id, seq)``, so dispatching an event twice never delivers it twice — whose
body is fixed when it is recorded and whose ``message_id`` (the ``webhook-id`` header) is the
same on every attempt. Failed attempts are retried on a ``RetrySchedule``.
"""

from __future__ import annotations

import enum
import json
import zlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

import attrs

from v3core.errors import ErrorDetail, ValidationFailed
from v3core.events import WEBHOOK_EVENT_TYPES, WEBHOOK_WILDCARD, JobEvent, subscribed
from v3core.limits import TEXT_MAX_LENGTH, URL_MAX_LENGTH

WEBHOOK_EVENT_CHOICES: Final = (*WEBHOOK_EVENT_TYPES, WEBHOOK_WILDCARD)
"""What ``events`` may list."""

MESSAGE_ID_PREFIX: Final = "msg_"


class DeliveryState(enum.StrEnum):
    """Where a delivery stands: waiting for its next attempt, received (2xx), or given up."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@attrs.define
class Webhook:
    """A tenant's endpoint. ``secret`` signs every delivery; it is shown to the tenant once
    (when created or rotated) and never logged (``repr`` leaves it out)."""

    id: str
    owner_id: str
    url: str
    events: tuple[str, ...]
    description: str | None
    secret: str = attrs.field(repr=False)
    created_at: datetime
    updated_at: datetime

    def wants(self, event_type: str) -> bool:
        """Whether this endpoint receives events of ``event_type``."""
        return subscribed(self.events, event_type)


@attrs.define
class WebhookDelivery:
    """One event on its way to one endpoint.

    ``attempts`` counts every request sent; ``round_attempts`` those since the delivery was
    last (re)scheduled from scratch (a redelivery starts a new round of the schedule).
    ``body`` is the exact JSON text sent on every attempt."""

    id: str
    webhook_id: str
    owner_id: str
    job_id: str
    seq: int
    event_type: str
    body: str
    state: DeliveryState
    attempts: int
    round_attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def waiting(self) -> bool:
        """Whether an attempt is still to be made (pending)."""
        return self.state is DeliveryState.PENDING

    @property
    def message_id(self) -> str:
        """The ``webhook-id`` header: one per delivery, the same on every attempt."""
        return MESSAGE_ID_PREFIX + self.id


@attrs.frozen
class RetrySchedule:
    """Waits (seconds) before each retry: attempt ``n + 1`` follows attempt ``n`` by
    ``delays[n - 1]``, so a delivery makes at most ``len(delays) + 1`` attempts per round.
    Each wait is spread by up to ``jitter`` (a fraction) from a hash of the delivery id, so
    deliveries that failed together (a receiver outage) do not all retry together."""

    delays: tuple[float, ...]
    jitter: float = 0.1

    @property
    def max_attempts(self) -> int:
        """Attempts in one round: the first one plus one per delay."""
        return len(self.delays) + 1

    def delay_after(self, round_attempts: int, delivery_id: str) -> float | None:
        """The wait before the next attempt once ``round_attempts`` have failed; ``None`` when
        the round is over (the delivery has failed)."""
        if round_attempts < 1 or round_attempts > len(self.delays):
            return None
        spread = (zlib.crc32(delivery_id.encode()) % 2001 - 1000) / 1000  # -1 .. 1
        return max(0.0, self.delays[round_attempts - 1] * (1 + self.jitter * spread))


DEFAULT_RETRY_DELAYS: Final = (10.0, 30.0, 90.0, 270.0, 810.0, 2430.0)
"""Exponential backoff, factor 3 from 10 s: 7 attempts over about an hour (decision 0175)."""


def validate_endpoint(url: str, events: Sequence[str], description: str | None) -> tuple[str, ...]:
    """Check an endpoint's fields; the events without duplicates, in the order given.

    ``ValidationFailed`` names every offending field: the URL must be absolute http(s) with a
    host (no credentials in it), the events a non-empty subset of ``WEBHOOK_EVENT_CHOICES``."""
    problems = [*_url_problems(url)]
    unknown = [e for e in events if e not in WEBHOOK_EVENT_CHOICES]
    if not events:
        problems.append(ErrorDetail(("events",), "list at least one event type", "missing"))
    for index, event in enumerate(events):
        if event in unknown:
            choices = ", ".join(WEBHOOK_EVENT_CHOICES)
            problems.append(ErrorDetail(("events", index), f"unknown event type {event!r}; one of {choices}"))
    if description is not None and len(description) > TEXT_MAX_LENGTH:
        problems.append(ErrorDetail(("description",), f"at most {TEXT_MAX_LENGTH} characters"))
    if problems:
        raise ValidationFailed("; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in problems), problems)
    return tuple(dict.fromkeys(events))


def _url_problems(url: str) -> list[ErrorDetail]:
    def problem(msg: str) -> list[ErrorDetail]:
        return [ErrorDetail(("url",), msg)]

    if len(url) > URL_MAX_LENGTH:
        return problem(f"at most {URL_MAX_LENGTH} characters")
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return problem("not a valid URL")
    if parts.scheme not in ("http", "https"):
        return problem("must be an http or https URL")
    if not parts.hostname:
        return problem("the URL has no host")
    if parts.username is not None or parts.password is not None:
        return problem("must not carry credentials (user:password@); use the signature to authenticate")
    return []


def delivery_body(event: JobEvent) -> str:
    """The JSON document sent for ``event`` (Standard Webhooks: ``type``, ``timestamp``, ``data``);
    ``data`` is the event's data with ``jobId`` and ``seq`` added."""
    data: dict[str, object] = {**event.data, "jobId": event.job_id, "seq": event.seq}
    payload = {"type": event.type, "timestamp": _iso(event.created_at), "data": data}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON-ready")


def new_delivery(delivery_id: str, webhook: Webhook, event: JobEvent, now: datetime) -> WebhookDelivery:
    """A pending delivery of ``event`` to ``webhook``, due at once."""
    return WebhookDelivery(
        id=delivery_id,
        webhook_id=webhook.id,
        owner_id=webhook.owner_id,
        job_id=event.job_id,
        seq=event.seq,
        event_type=event.type,
        body=delivery_body(event),
        state=DeliveryState.PENDING,
        attempts=0,
        round_attempts=0,
        next_attempt_at=now,
        last_attempt_at=None,
        last_status_code=None,
        last_error=None,
        delivered_at=None,
        created_at=now,
        updated_at=now,
    )


@attrs.frozen
class AttemptOutcome:
    """What one request achieved: the status code the receiver answered (``None`` when none
    came: network error, timeout, refused target) and, unless it was a 2xx, why it failed.
    ``permanent`` marks a failure no retry can fix (a target the outbound guard refuses)."""

    status_code: int | None
    error: str | None = None
    permanent: bool = False

    @property
    def succeeded(self) -> bool:
        """Only a 2xx answer counts as received (a 3xx is not followed)."""
        return self.status_code is not None and 200 <= self.status_code < 300 and self.error is None


def record_attempt(
    delivery: WebhookDelivery, outcome: AttemptOutcome, schedule: RetrySchedule, now: datetime
) -> float | None:
    """Apply one attempt's ``outcome`` to ``delivery``; the wait before the next attempt, or
    ``None`` when there is none (received, or failed for good)."""
    delivery.attempts += 1
    delivery.round_attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = outcome.status_code
    delivery.last_error = None if outcome.succeeded else (outcome.error or f"HTTP {outcome.status_code}")
    delivery.updated_at = now
    if outcome.succeeded:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = DeliveryState.SUCCEEDED, now, None
        return None
    delay = None if outcome.permanent else schedule.delay_after(delivery.round_attempts, delivery.id)
    if delay is None:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
        return None
    delivery.next_attempt_at = now + timedelta(seconds=delay)
    return delay


def restart(delivery: WebhookDelivery, now: datetime) -> None:
    """A redelivery: a new round of the schedule, due at once (the message id stays)."""
    delivery.state = DeliveryState.PENDING
    delivery.round_attempts = 0
    delivery.next_attempt_at = now
    delivery.updated_at = now
