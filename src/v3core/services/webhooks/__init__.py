"""Webhook use cases: endpoints, dispatch of job events, delivery attempts, recovery."""

from v3core.services.webhooks.delivery import DeliverWebhook
from v3core.services.webhooks.dispatch import (
    DispatchCommittedEvents,
    ResumeWebhookDeliveries,
    WebhookDispatcher,
)
from v3core.services.webhooks.endpoints import (
    CreateWebhook,
    CreateWebhookCommand,
    DeleteWebhook,
    GetWebhook,
    IssuedWebhook,
    ListWebhookDeliveries,
    ListWebhooks,
    RedeliverWebhook,
    RotateWebhookSecret,
)

__all__ = [
    "CreateWebhook",
    "CreateWebhookCommand",
    "DeleteWebhook",
    "DeliverWebhook",
    "DispatchCommittedEvents",
    "GetWebhook",
    "IssuedWebhook",
    "ListWebhookDeliveries",
    "ListWebhooks",
    "RedeliverWebhook",
    "ResumeWebhookDeliveries",
    "RotateWebhookSecret",
    "WebhookDispatcher",
]
