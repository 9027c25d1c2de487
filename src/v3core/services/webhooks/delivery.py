"""One attempt of a webhook delivery (the task the runner runs for ``DELIVER_WEBHOOK``)."""

from __future__ import annotations

import logging

import attrs

from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.system import Clock
from v3core.ports.webhooks import WebhookSender, WebhookSigner
from v3core.webhooks import DeliveryState, RetrySchedule, record_attempt

log = logging.getLogger(__name__)

EARLY_TOLERANCE_SECONDS = 0.005
"""A task woken this little before the delivery is due attempts it anyway (timer rounding)."""


@attrs.frozen
class DeliverWebhook:
    """Sends a due delivery once, signed with the endpoint's current secret and stamped now, and
    records the outcome; answers the wait before the next attempt (``None``: no further attempt,
    or not for this task to schedule). The caller queues that next attempt."""

    uow: UnitOfWorkFactory
    clock: Clock
    signer: WebhookSigner
    sender: WebhookSender
    schedule: RetrySchedule

    async def execute(self, delivery_id: str) -> float | None:
        async with self.uow() as uow:
            delivery = await uow.webhook_deliveries.get_any(delivery_id)
            webhook = await uow.webhooks.get_any(delivery.webhook_id) if delivery is not None else None
        if delivery is None or webhook is None or not delivery.waiting:
            return None  # gone with its endpoint, or already settled
        now = self.clock.now()
        if delivery.next_attempt_at is not None:
            early = (delivery.next_attempt_at - now).total_seconds()
            if early > EARLY_TOLERANCE_SECONDS:
                return early  # woken before its time (recovery queued it early): wait on
        expected = delivery.attempts
        headers = {
            "content-type": "application/json",
            "webhook-id": delivery.message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": self.signer.signature(
                webhook.secret, delivery.message_id, now, delivery.body
            ),
        }
        outcome = await self.sender.post(webhook.url, delivery.body, headers)
        delay = record_attempt(delivery, outcome, self.schedule, self.clock.now())
        async with self.uow() as uow:
            stored = await uow.webhook_deliveries.update(delivery, expected)
            await uow.commit()
        if not stored:
            log.info("delivery %s: another attempt was recorded first; this one is dropped", delivery_id)
            return None
        if delivery.state is DeliveryState.FAILED:
            log.warning(
                "webhook delivery %s failed for good after %d attempt(s): %s",
                delivery_id,
                delivery.round_attempts,
                delivery.last_error,
            )
        return delay
