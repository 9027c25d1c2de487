"""Standard Webhooks signatures with the specification's own library (``standardwebhooks``)."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook as StandardWebhook

from v3core.ports.webhooks import WebhookSigner

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
"""The specification asks for 24 to 64 random bytes."""


class StandardWebhooksSigner(WebhookSigner):
    """``whsec_`` + base64 secrets and ``v1,<base64 HMAC-SHA256>`` signatures over
    ``{webhook-id}.{webhook-timestamp}.{body}``, computed by ``standardwebhooks.Webhook.sign``."""

    def new_secret(self) -> str:
        return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")

    def signature(self, secret: str, message_id: str, timestamp: datetime, body: str) -> str:
        return StandardWebhook(secret).sign(message_id, timestamp, body)
