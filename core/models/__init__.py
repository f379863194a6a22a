"""Technical tables shared by the apps (no business here): idempotency keys, the outbox of
domain events, and the deliveries its consumers record (e-mails, webhooks)."""

from core.models.emails import EmailNotification
from core.models.idempotency import IdempotencyKey
from core.models.outbox import OutboxEvent
from core.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "EmailNotification",
    "IdempotencyKey",
    "OutboxEvent",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
