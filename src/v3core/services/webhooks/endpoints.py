"""A tenant's webhook endpoints: create (secret shown once), read, list, delete, rotate the
secret, and the delivery log with redelivery."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from v3core.errors import Conflict, NotFound
from v3core.ports.storage import Page, PageRequest, UnitOfWork, UnitOfWorkFactory
from v3core.ports.system import Clock, IdGenerator
from v3core.ports.tasks import TaskKind, TaskRunner
from v3core.ports.webhooks import WebhookSigner
from v3core.webhooks import Webhook, WebhookDelivery, restart, validate_endpoint


@attrs.frozen
class IssuedWebhook:
    """An endpoint and its signing secret, which this answer shows for the only time."""

    webhook: Webhook
    secret: str


@attrs.frozen
class CreateWebhookCommand:
    """A new endpoint of ``owner_id``."""

    owner_id: str
    url: str
    events: Sequence[str]
    description: str | None = None


async def load_webhook(uow: UnitOfWork, owner_id: str, webhook_id: str) -> Webhook:
    """The owner's endpoint, or ``NotFound`` (another tenant's endpoint looks missing)."""
    webhook = await uow.webhooks.get(owner_id, webhook_id)
    if webhook is None:
        raise NotFound("webhook", webhook_id)
    return webhook


@attrs.frozen
class CreateWebhook:
    """Registers an endpoint with a fresh signing secret."""

    uow_factory: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    signer: WebhookSigner

    async def execute(self, command: CreateWebhookCommand) -> IssuedWebhook:
        """The stored endpoint and its secret (``ValidationFailed`` naming each bad field)."""
        events = validate_endpoint(command.url, command.events, command.description)
        now = self.clock.now()
        secret = self.signer.new_secret()
        webhook = Webhook(
            self.ids.new_id(),
            command.owner_id,
            command.url.strip(),
            events,
            command.description,
            secret,
            now,
            now,
        )
        async with self.uow_factory() as uow:
            await uow.webhooks.add(webhook)
            await uow.commit()
        return IssuedWebhook(webhook, secret)


@attrs.frozen
class GetWebhook:
    """One endpoint of the owner."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, owner_id: str, webhook_id: str) -> Webhook:
        async with self.uow_factory() as uow:
            return await load_webhook(uow, owner_id, webhook_id)


@attrs.frozen
class ListWebhooks:
    """The owner's endpoints, newest first."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, owner_id: str, page: PageRequest) -> Page[Webhook]:
        async with self.uow_factory() as uow:
            return await uow.webhooks.list(owner_id, page)


@attrs.frozen
class DeleteWebhook:
    """Removes an endpoint with its delivery log; pending deliveries to it are dropped."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, owner_id: str, webhook_id: str) -> None:
        async with self.uow_factory() as uow:
            if not await uow.webhooks.delete(owner_id, webhook_id):
                raise NotFound("webhook", webhook_id)
            await uow.commit()


@attrs.frozen
class RotateWebhookSecret:
    """Replaces an endpoint's secret at once: every attempt from now on, including retries of
    earlier deliveries, is signed with the new one."""

    uow_factory: UnitOfWorkFactory
    clock: Clock
    signer: WebhookSigner

    async def execute(self, owner_id: str, webhook_id: str) -> IssuedWebhook:
        secret = self.signer.new_secret()
        async with self.uow_factory() as uow:
            webhook = await load_webhook(uow, owner_id, webhook_id)
            webhook.secret, webhook.updated_at = secret, self.clock.now()
            await uow.webhooks.update(webhook)
            await uow.commit()
        return IssuedWebhook(webhook, secret)


@attrs.frozen
class ListWebhookDeliveries:
    """An endpoint's delivery log, newest first."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, owner_id: str, webhook_id: str, page: PageRequest) -> Page[WebhookDelivery]:
        async with self.uow_factory() as uow:
            await load_webhook(uow, owner_id, webhook_id)
            return await uow.webhook_deliveries.list(owner_id, webhook_id, page)


@attrs.frozen
class RedeliverWebhook:
    """Sends a delivery again with the same ``webhook-id``: a new round of the retry schedule,
    starting now (a retry already waiting is brought forward)."""

    uow_factory: UnitOfWorkFactory
    clock: Clock
    tasks: TaskRunner

    async def execute(self, owner_id: str, webhook_id: str, delivery_id: str) -> WebhookDelivery:
        async with self.uow_factory() as uow:
            await load_webhook(uow, owner_id, webhook_id)
            delivery = await uow.webhook_deliveries.get(owner_id, webhook_id, delivery_id)
            if delivery is None:
                raise NotFound("delivery", delivery_id)
            expected = delivery.attempts
            restart(delivery, self.clock.now())
            if not await uow.webhook_deliveries.update(delivery, expected):
                raise Conflict(f"delivery {delivery_id!r} is being attempted right now; try again")
            await uow.commit()
        await self.tasks.cancel(delivery.id)
        await self.tasks.submit(TaskKind.DELIVER_WEBHOOK, delivery.id)
        return delivery
