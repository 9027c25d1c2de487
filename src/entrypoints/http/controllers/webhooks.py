"""``/api/v3/webhooks``: signed callbacks on job events (SPEC §11) and their delivery log."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody

from entrypoints.http.auth import owner_id
from entrypoints.http.di import Inject
from entrypoints.http.envelope import Deleted, Envelope, ok, ok_page
from entrypoints.http.webhook_dto import DeliveryOut, WebhookCreate, WebhookOut, WebhookWithSecretOut
from v3core.ports.storage import PageRequest
from v3core.services.webhooks import (
    CreateWebhook,
    CreateWebhookCommand,
    DeleteWebhook,
    GetWebhook,
    ListWebhookDeliveries,
    ListWebhooks,
    RedeliverWebhook,
    RotateWebhookSecret,
)

AnyRequest = Request[Any, Any, Any]


class WebhookController(Controller):
    """The authenticated user's webhook endpoints."""

    path = "/webhooks"
    tags = ["webhooks"]

    @get(operation_id="listWebhooks", summary="List your webhook endpoints (no secrets)")
    async def list_webhooks(
        self, request: AnyRequest, page: Inject[PageRequest], list_webhooks: Inject[ListWebhooks]
    ) -> Response[Envelope[list[WebhookOut]]]:
        found = await list_webhooks.execute(owner_id(request), page)
        return ok_page(request, [WebhookOut.of(w) for w in found.items], found.total, page)

    @post(
        operation_id="createWebhook",
        summary="Register a webhook endpoint; its signing secret is shown in this answer only",
    )
    async def create_webhook(
        self, request: AnyRequest, data: JSONBody[WebhookCreate], create_webhook: Inject[CreateWebhook]
    ) -> Response[Envelope[WebhookWithSecretOut]]:
        command = CreateWebhookCommand(owner_id(request), data.url, list(data.events), data.description)
        issued = await create_webhook.execute(command)
        return ok(request, WebhookWithSecretOut.of(issued.webhook, issued.secret), 201)

    @get("/{webhook_id:str}", operation_id="getWebhook", summary="Get a webhook endpoint (no secret)")
    async def get_webhook(
        self, request: AnyRequest, webhook_id: FromPath[str], get_webhook: Inject[GetWebhook]
    ) -> Response[Envelope[WebhookOut]]:
        return ok(request, WebhookOut.of(await get_webhook.execute(owner_id(request), webhook_id)))

    @delete(
        "/{webhook_id:str}",
        operation_id="deleteWebhook",
        summary="Delete a webhook endpoint and its delivery log (waiting retries are dropped)",
        status_code=200,
    )
    async def delete_webhook(
        self, request: AnyRequest, webhook_id: FromPath[str], delete_webhook: Inject[DeleteWebhook]
    ) -> Response[Envelope[Deleted]]:
        await delete_webhook.execute(owner_id(request), webhook_id)
        return ok(request, Deleted(webhook_id))

    @post(
        "/{webhook_id:str}/rotate-secret",
        operation_id="rotateWebhookSecret",
        summary="Replace the signing secret now (shown in this answer only; the old one stops signing)",
        status_code=200,
    )
    async def rotate_secret(
        self,
        request: AnyRequest,
        webhook_id: FromPath[str],
        rotate_webhook_secret: Inject[RotateWebhookSecret],
    ) -> Response[Envelope[WebhookWithSecretOut]]:
        issued = await rotate_webhook_secret.execute(owner_id(request), webhook_id)
        return ok(request, WebhookWithSecretOut.of(issued.webhook, issued.secret))

    @get(
        "/{webhook_id:str}/deliveries",
        operation_id="listWebhookDeliveries",
        summary="The endpoint's delivery log, newest first",
    )
    async def list_deliveries(
        self,
        request: AnyRequest,
        webhook_id: FromPath[str],
        page: Inject[PageRequest],
        list_webhook_deliveries: Inject[ListWebhookDeliveries],
    ) -> Response[Envelope[list[DeliveryOut]]]:
        found = await list_webhook_deliveries.execute(owner_id(request), webhook_id, page)
        return ok_page(request, [DeliveryOut.of(d) for d in found.items], found.total, page)

    @post(
        "/{webhook_id:str}/deliveries/{delivery_id:str}/redeliver",
        operation_id="redeliverWebhook",
        summary="Send a delivery again now (same webhook-id; a fresh round of retries)",
        status_code=202,
    )
    async def redeliver(
        self,
        request: AnyRequest,
        webhook_id: FromPath[str],
        delivery_id: FromPath[str],
        redeliver_webhook: Inject[RedeliverWebhook],
    ) -> Response[Envelope[DeliveryOut]]:
        delivery = await redeliver_webhook.execute(owner_id(request), webhook_id, delivery_id)
        return ok(request, DeliveryOut.of(delivery), 202)
