"""SQLAlchemy repositories of webhook endpoints and deliveries (the delivery outbox)."""

from __future__ import annotations

import builtins
import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row

from adapters.sqlalchemy.base import Transaction, by_id, owned, page_of
from adapters.sqlalchemy.tables import job_events, webhook_deliveries, webhooks
from v3core.events import JobEvent
from v3core.ports.storage import Page, PageRequest
from v3core.ports.webhooks import MissedEvent, WebhookDeliveryRepository, WebhookRepository
from v3core.webhooks import DeliveryState, Webhook, WebhookDelivery


def webhook_values(w: Webhook) -> dict[str, Any]:
    return {**attrs.asdict(w, recurse=False), "events": list(w.events)}


def webhook_from_row(r: Row[Any]) -> Webhook:
    return Webhook(
        r.id, r.owner_id, r.url, tuple(r.events), r.description, r.secret, r.created_at, r.updated_at
    )


def delivery_values(d: WebhookDelivery) -> dict[str, Any]:
    return {**attrs.asdict(d, recurse=False), "state": d.state.value}


def delivery_from_row(r: Row[Any]) -> WebhookDelivery:
    values = {field.name: getattr(r, field.name) for field in attrs.fields(WebhookDelivery)}
    return WebhookDelivery(**{**values, "state": DeliveryState(r.state)})


_OUTBOX_KEY = [webhook_deliveries.c.webhook_id, webhook_deliveries.c.job_id, webhook_deliveries.c.seq]
_FIXED = ("id", "webhook_id", "owner_id", "job_id", "seq", "event_type", "body", "created_at")
"""Delivery columns an attempt never changes."""

# Statements built once (building one costs more than running it on SQLite; decision 0175's
# benchmark dispatches and records a delivery several hundred times a second).


@functools.cache
def _endpoints_of_owner() -> sa.Select[Any]:
    return sa.select(webhooks).where(webhooks.c.owner_id == sa.bindparam("owner_id"))


@functools.cache
def _record_new(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(webhook_deliveries)
        .on_conflict_do_nothing(index_elements=_OUTBOX_KEY)
        .returning(webhook_deliveries.c.id)
    )


@functools.cache
def _record_attempt() -> sa.Update:
    changed = [c.name for c in webhook_deliveries.c if c.name not in _FIXED]
    return (
        sa.update(webhook_deliveries)
        .where(
            webhook_deliveries.c.id == sa.bindparam("key_id"),
            webhook_deliveries.c.attempts == sa.bindparam("key_attempts"),
        )
        .values({name: sa.bindparam(f"new_{name}") for name in changed})
    )


class SqlAlchemyWebhookRepository(WebhookRepository):
    """Endpoints in SQL."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def add(self, webhook: Webhook) -> None:
        await self._tx.execute(sa.insert(webhooks).values(webhook_values(webhook)))

    async def get(self, owner_id: str, webhook_id: str) -> Webhook | None:
        row = await self._tx.fetch_first(by_id(webhooks, "owner_id"), {"id": webhook_id, "scope": owner_id})
        return webhook_from_row(row) if row is not None else None

    async def get_any(self, webhook_id: str) -> Webhook | None:
        row = await self._tx.fetch_first(by_id(webhooks), {"id": webhook_id})
        return webhook_from_row(row) if row is not None else None

    async def update(self, webhook: Webhook) -> None:
        values = webhook_values(webhook)
        for fixed in ("id", "owner_id", "created_at"):
            del values[fixed]
        where = (webhooks.c.id == webhook.id, webhooks.c.owner_id == webhook.owner_id)
        await self._tx.execute(sa.update(webhooks).where(*where).values(values))

    async def delete(self, owner_id: str, webhook_id: str) -> bool:
        # the deliveries go first: SQLite enforces the cascade only with foreign keys switched on
        await self._tx.execute(
            sa.delete(webhook_deliveries).where(*owned(webhook_deliveries, owner_id, webhook_id=webhook_id))
        )
        result = await self._tx.execute(
            sa.delete(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.owner_id == owner_id)
        )
        return bool(result.rowcount)

    async def list(self, owner_id: str, page: PageRequest) -> Page[Webhook]:
        return await page_of(self._tx, webhooks, owned(webhooks, owner_id), page, webhook_from_row)

    async def list_for_owner(self, owner_id: str) -> Sequence[Webhook]:
        return [
            webhook_from_row(r)
            for r in await self._tx.fetch_all(_endpoints_of_owner(), {"owner_id": owner_id})
        ]


class SqlAlchemyWebhookDeliveryRepository(WebhookDeliveryRepository):
    """Deliveries in SQL: ``INSERT ... ON CONFLICT DO NOTHING`` on ``(webhook_id, job_id, seq)``
    makes recording idempotent, and attempts are recorded with a compare-and-set on ``attempts``."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def add_new(self, deliveries: Sequence[WebhookDelivery]) -> Sequence[WebhookDelivery]:
        statement = _record_new(self._tx.dialect)
        stored = []
        for delivery in deliveries:
            if (await self._tx.execute(statement, delivery_values(delivery))).first() is not None:
                stored.append(delivery)  # (rowcount is -1 on psycopg: RETURNING tells)
        return stored

    async def get(self, owner_id: str, webhook_id: str, delivery_id: str) -> WebhookDelivery | None:
        row = await self._tx.fetch_first(
            by_id(webhook_deliveries, "owner_id"), {"id": delivery_id, "scope": owner_id}
        )
        return delivery_from_row(row) if row is not None and row.webhook_id == webhook_id else None

    async def get_any(self, delivery_id: str) -> WebhookDelivery | None:
        row = await self._tx.fetch_first(by_id(webhook_deliveries), {"id": delivery_id})
        return delivery_from_row(row) if row is not None else None

    async def update(self, delivery: WebhookDelivery, expected_attempts: int) -> bool:
        values = {f"new_{k}": v for k, v in delivery_values(delivery).items() if k not in _FIXED}
        params = {"key_id": delivery.id, "key_attempts": expected_attempts, **values}
        result = await self._tx.execute(_record_attempt(), params)
        return bool(result.rowcount)

    async def list(self, owner_id: str, webhook_id: str, page: PageRequest) -> Page[WebhookDelivery]:
        where = owned(webhook_deliveries, owner_id, webhook_id=webhook_id)
        return await page_of(self._tx, webhook_deliveries, where, page, delivery_from_row)

    async def pending(self, limit: int) -> Sequence[WebhookDelivery]:
        query = (
            sa.select(webhook_deliveries)
            .where(webhook_deliveries.c.state == DeliveryState.PENDING.value)
            .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.id)
            .limit(limit)
        )
        return [delivery_from_row(r) for r in await self._tx.execute(query)]

    async def missed_events(
        self, since: datetime, event_types: Sequence[str], limit: int
    ) -> Sequence[MissedEvent]:
        e, w, d = job_events, webhooks, webhook_deliveries
        delivered = sa.exists().where(d.c.webhook_id == w.c.id, d.c.job_id == e.c.job_id, d.c.seq == e.c.seq)
        query = (
            sa.select(w, *[c.label(f"event_{c.name}") for c in e.c])
            .join_from(e, w, sa.and_(w.c.owner_id == e.c.owner_id, w.c.created_at <= e.c.created_at))
            .where(e.c.type.in_(list(event_types)), e.c.created_at >= since, ~delivered)
            .order_by(e.c.created_at, e.c.job_id, e.c.seq)
            .limit(limit)
        )
        found: builtins.list[MissedEvent] = []
        for row in await self._tx.execute(query):
            event = JobEvent(
                row.event_job_id,
                row.event_owner_id,
                row.event_seq,
                row.event_type,
                row.event_data,
                row.event_created_at,
            )
            found.append(MissedEvent(webhook_from_row(row), event))
        return found
