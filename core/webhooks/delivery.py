"""The webhook consumer: one delivery per event and subscribed endpoint, attempted by the
worker, retried on RETRY_SCHEDULE (about a day), each attempt logged (status, duration, response
excerpt). An endpoint that has failed continuously for WEBHOOK_DISABLE_AFTER_HOURS is disabled
and the operators are told (an e-mail through the outbox: the event `webhook.endpoint_disabled`)."""

from __future__ import annotations

import http.client
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from core import metrics
from core.clock import resolve_now
from core.dispatch import Consumer, Event, Writer, public_event_types
from core.emails import OutgoingEmail, queue_writer
from core.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from core.outbox import emit
from core.retry import scheduled_seconds
from core.webhooks import net
from core.webhooks.endpoints import signing_secrets, subscribed
from core.webhooks.signing import signature_headers

logger = logging.getLogger(__name__)


def _lease() -> timedelta:
    """How long a claim holds (settings.DELIVERY_LEASE_SECONDS): a worker that died holding it
    leaves the row to the next attempt after this."""
    return timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)


Status = WebhookDelivery.Status
# The wait after the n-th failed attempt (Standard Webhooks' suggested schedule): 5 s, 5 min,
# 30 min, 2 h, 5 h, 10 h, 10 h, each +/- 10 %; 8 attempts over about 27 h, then "failed".
RETRY_SCHEDULE: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)
EXCERPT_CHARS = 500
ENDPOINT_DISABLED = "webhook.endpoint_disabled"


def body_of(event: Event) -> str:
    """The request body: the event itself (Standard Webhooks' type, timestamp and data, with
    our id and schema version)."""
    return json.dumps(
        {
            "id": str(event.id),
            "type": event.type,
            "timestamp": event.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "schema_version": event.schema_version,
            "data": event.payload,
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def prepare(event: Event) -> Writer | None:
    if event.type not in public_event_types():
        return None  # internal events (an endpoint disabled) are not for integrations
    endpoint_ids = [
        pk
        for pk, types in WebhookEndpoint.objects.filter(active=True).values_list(
            "pk", "event_types"
        )
        if subscribed(types, event.type)
    ]
    if not endpoint_ids:
        return None

    def write() -> None:
        moment = resolve_now(None)
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    event_id=event.id, endpoint_id=pk, next_attempt_at=moment, created_at=moment
                )
                for pk in endpoint_ids
            ],
            ignore_conflicts=True,
        )

    return write


CONSUMER = Consumer(name="core.webhooks", prepare=prepare)


@dataclass(frozen=True)
class Outcome:
    claimed: bool = True
    delivered: bool = False
    retry_in: float | None = None


def _claim(pk: int, moment: datetime) -> bool:
    return bool(
        WebhookDelivery.objects.filter(
            Q(status=Status.PENDING) | Q(status=Status.SENDING, lease_until__lte=moment), pk=pk
        ).update(status=Status.SENDING, attempts=F("attempts") + 1, lease_until=moment + _lease())
    )


def webhook_attempt(*, delivery_id: int, now: datetime | None = None) -> Outcome:
    """One POST of one delivery (no transaction open while it waits for the endpoint)."""
    moment = resolve_now(now)
    if not _claim(delivery_id, moment):
        return Outcome(claimed=False)
    delivery = WebhookDelivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.FAILED, lease_until=None, last_error=_("The endpoint is disabled.")
        )
        return Outcome()
    event = Event.of(delivery.event)
    body = body_of(event)
    headers = signature_headers(
        message_id=str(event.id),
        body=body,
        at=moment,
        secrets=signing_secrets(endpoint, now=moment),
    )
    status: int | None = None
    excerpt = ""
    error = ""
    started = time.monotonic()
    try:
        response = net.post(
            endpoint.url,
            body=body.encode(),
            headers=headers,
            connect_timeout=settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_private=settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
        )
        status = response.status
        excerpt = response.body.decode("utf-8", "replace")[:EXCERPT_CHARS]
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except (net.Refused, OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
    duration_ms = round((time.monotonic() - started) * 1000)
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=moment,
        duration_ms=duration_ms,
        status_code=status,
        response_excerpt=excerpt,
        error=error,
    )
    if not error:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.DELIVERED,
            delivered_at=moment,
            last_status_code=status,
            last_error="",
            lease_until=None,
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=False).update(
            failing_since=None
        )
        return Outcome(delivered=True)
    metrics.WEBHOOK_FAILURES.inc()
    delay = scheduled_seconds(delivery.attempts, RETRY_SCHEDULE)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.FAILED if delay is None else Status.PENDING,
        next_attempt_at=moment + timedelta(seconds=delay or 0),
        last_status_code=status,
        last_error=error,
        lease_until=None,
    )
    _note_failure(endpoint.pk, moment)
    return Outcome(retry_in=delay)


def _note_failure(endpoint_id: int, moment: datetime) -> None:
    """Starts the endpoint's failing clock, or disables it once it has run long enough."""
    WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=True).update(
        failing_since=moment
    )
    limit = moment - timedelta(hours=settings.WEBHOOK_DISABLE_AFTER_HOURS)
    with transaction.atomic():
        endpoint = (
            WebhookEndpoint.objects.select_for_update()
            .filter(pk=endpoint_id, active=True, failing_since__lte=limit)
            .first()
        )
        if endpoint is None:
            return
        reason = _("Every attempt failed for %(hours)s hours.") % {
            "hours": settings.WEBHOOK_DISABLE_AFTER_HOURS
        }
        endpoint.active = False
        endpoint.disabled_at = moment
        endpoint.disabled_reason = reason
        endpoint.save(update_fields=["active", "disabled_at", "disabled_reason"])
        emit(
            ENDPOINT_DISABLED,
            {
                "endpoint_id": endpoint.pk,
                "url": endpoint.url,
                "failing_since": endpoint.failing_since,
                "reason": reason,
            },
            aggregate_type="webhook_endpoint",
            aggregate_id=str(endpoint.pk),
            now=moment,
        )
    logger.error("webhook endpoint %s disabled: %s", endpoint_id, reason)


def webhook_replay(
    *, delivery_ids: Sequence[int], actor: Any, now: datetime | None = None
) -> list[int]:
    """An operator's replay: each delivery is attempted anew, on a fresh schedule (its attempt
    log kept). Returns the ids to hand on."""
    moment = resolve_now(now)
    replayable = WebhookDelivery.objects.filter(pk__in=list(delivery_ids)).exclude(
        status=Status.SENDING
    )
    ids = list(replayable.values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=Status.PENDING, attempts=0, next_attempt_at=moment, lease_until=None
    )
    logger.info("webhook deliveries %s replayed by %s", ids, getattr(actor, "pk", actor))
    return ids


def _operator_notice(event: Event) -> Writer | None:
    recipients = list(settings.WEBHOOK_NOTICE_EMAILS)
    if not recipients:
        logger.warning(
            "webhook endpoint %s disabled; WEBHOOK_NOTICE_EMAILS is empty", event.aggregate_id
        )
        return None
    data = event.payload
    subject = _("Webhook endpoint disabled: %(url)s") % {"url": data["url"]}
    text = _(
        "The webhook endpoint %(id)s (%(url)s) has been disabled: %(reason)s\n"
        "It has been failing since %(since)s. Its deliveries are kept in the admin; once the "
        "receiver is fixed, enable the endpoint again and replay what it missed."
    ) % {
        "id": data["endpoint_id"],
        "url": data["url"],
        "reason": data["reason"],
        "since": data["failing_since"],
    }
    return queue_writer(
        event_id=event.id,
        emails=[
            OutgoingEmail(recipient=address, kind=ENDPOINT_DISABLED, subject=subject, text=text)
            for address in recipients
        ],
    )


OPERATOR_NOTICE = Consumer(
    name="core.webhooks.operator_notice",
    prepare=_operator_notice,
    event_types=frozenset({ENDPOINT_DISABLED}),
)
