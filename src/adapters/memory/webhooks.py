"""In-memory webhook endpoints and deliveries."""

from __future__ import annotations

import builtins
import copy
from collections.abc import Sequence
from datetime import datetime

from adapters.memory.state import Tables, copy_of, insert, page_of, require
from v3core.ports.storage import Page, PageRequest
from v3core.ports.webhooks import MissedEvent, WebhookDeliveryRepository, WebhookRepository
from v3core.webhooks import DeliveryState, Webhook, WebhookDelivery


class InMemoryWebhookRepository(WebhookRepository):
    """Endpoints in memory."""

    def __init__(self, t: Tables) -> None:
        self._t = t

    async def add(self, webhook: Webhook) -> None:
        require(self._t.users, webhook.owner_id, "user")
        insert(self._t.webhooks, webhook.id, webhook, "webhook")

    async def get(self, owner_id: str, webhook_id: str) -> Webhook | None:
        found = self._t.webhooks.get(webhook_id)
        return copy_of(found) if found is not None and found.owner_id == owner_id else None

    async def get_any(self, webhook_id: str) -> Webhook | None:
        return copy_of(self._t.webhooks.get(webhook_id))

    async def update(self, webhook: Webhook) -> None:
        stored = self._t.webhooks.get(webhook.id)
        if stored is not None and stored.owner_id == webhook.owner_id:
            self._t.webhooks.put(webhook.id, webhook)

    async def delete(self, owner_id: str, webhook_id: str) -> bool:
        if await self.get(owner_id, webhook_id) is None:
            return False
        for delivery in [d for d in self._t.webhook_deliveries.rows() if d.webhook_id == webhook_id]:
            self._t.webhook_deliveries.remove(delivery.id)
        self._t.webhooks.remove(webhook_id)
        return True

    async def list(self, owner_id: str, page: PageRequest) -> Page[Webhook]:
        return page_of((w for w in self._t.webhooks.rows() if w.owner_id == owner_id), page)

    async def list_for_owner(self, owner_id: str) -> Sequence[Webhook]:
        return [copy.deepcopy(w) for w in self._t.webhooks.rows() if w.owner_id == owner_id]


class InMemoryWebhookDeliveryRepository(WebhookDeliveryRepository):
    """Deliveries in memory; the uniqueness of ``(webhook_id, job_id, seq)`` is checked here."""

    def __init__(self, t: Tables) -> None:
        self._t = t

    async def add_new(self, deliveries: Sequence[WebhookDelivery]) -> Sequence[WebhookDelivery]:
        taken = {(d.webhook_id, d.job_id, d.seq) for d in self._t.webhook_deliveries.rows()}
        stored = []
        for delivery in deliveries:
            key = (delivery.webhook_id, delivery.job_id, delivery.seq)
            if key in taken or self._t.webhooks.get(delivery.webhook_id) is None:
                continue
            taken.add(key)
            insert(self._t.webhook_deliveries, delivery.id, delivery, "webhook delivery")
            stored.append(copy.deepcopy(delivery))
        return stored

    async def get(self, owner_id: str, webhook_id: str, delivery_id: str) -> WebhookDelivery | None:
        found = self._t.webhook_deliveries.get(delivery_id)
        if found is None or found.owner_id != owner_id or found.webhook_id != webhook_id:
            return None
        return copy_of(found)

    async def get_any(self, delivery_id: str) -> WebhookDelivery | None:
        return copy_of(self._t.webhook_deliveries.get(delivery_id))

    async def update(self, delivery: WebhookDelivery, expected_attempts: int) -> bool:
        stored = self._t.webhook_deliveries.get(delivery.id)
        if stored is None or stored.attempts != expected_attempts:
            return False
        self._t.webhook_deliveries.put(delivery.id, delivery)
        return True

    async def list(self, owner_id: str, webhook_id: str, page: PageRequest) -> Page[WebhookDelivery]:
        rows = self._t.webhook_deliveries.rows()
        return page_of((d for d in rows if d.owner_id == owner_id and d.webhook_id == webhook_id), page)

    async def pending(self, limit: int) -> Sequence[WebhookDelivery]:
        waiting = [d for d in self._t.webhook_deliveries.rows() if d.state is DeliveryState.PENDING]
        waiting.sort(key=lambda d: (d.next_attempt_at or d.created_at, d.id))
        return [copy.deepcopy(d) for d in waiting[:limit]]

    async def missed_events(
        self, since: datetime, event_types: Sequence[str], limit: int
    ) -> Sequence[MissedEvent]:
        delivered = {(d.webhook_id, d.job_id, d.seq) for d in self._t.webhook_deliveries.rows()}
        endpoints: builtins.list[Webhook] = list(self._t.webhooks.rows())
        found = []
        logged = [e for log in self._t.store.job_events.values() for e in log]
        for event in sorted(logged, key=lambda e: (e.created_at, e.job_id, e.seq)):
            if event.type not in event_types or event.created_at < since:
                continue
            for webhook in endpoints:
                if webhook.owner_id != event.owner_id or event.created_at < webhook.created_at:
                    continue
                if (webhook.id, event.job_id, event.seq) not in delivered:
                    found.append(MissedEvent(copy.deepcopy(webhook), copy.deepcopy(event)))
        return found[:limit]
