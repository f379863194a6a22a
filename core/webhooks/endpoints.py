"""Webhook endpoints: the use cases operators (admin) and staff (`manage.py webhooks`) call.
A new endpoint gets a generated secret, returned once to show; rotating makes a new one while
the previous keeps signing for ROTATION_OVERLAP, so that receivers can switch without a gap."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.dispatch import public_event_types
from core.errors import NotFound, ValidationFailed
from core.models import WebhookEndpoint
from core.webhooks.signing import new_secret

logger = logging.getLogger(__name__)

ALL_TYPES = "*"
ROTATION_OVERLAP = timedelta(hours=24)


@dataclass(frozen=True)
class EndpointSecret:
    endpoint_id: int
    secret: str


def subscribed(event_types: Sequence[str], event_type: str) -> bool:
    return ALL_TYPES in event_types or event_type in event_types


def clean_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationFailed(details={"url": [_("Give an http:// or https:// URL with a host.")]})
    if parts.username or parts.password:
        raise ValidationFailed(details={"url": [_("Credentials in the URL are not allowed.")]})
    if len(url) > 2000:
        raise ValidationFailed(details={"url": [_("At most 2000 characters.")]})
    return url


def clean_event_types(event_types: Sequence[str]) -> list[str]:
    wanted = sorted({name.strip() for name in event_types if name.strip()})
    if not wanted:
        raise ValidationFailed(details={"event_types": [_("Choose at least one event type.")]})
    known = public_event_types()
    unknown = [name for name in wanted if name != ALL_TYPES and name not in known]
    if unknown:
        raise ValidationFailed(
            details={
                "event_types": [
                    _("Unknown event type(s): %(names)s. Known: %(known)s.")
                    % {"names": ", ".join(unknown), "known": ", ".join(known)}
                ]
            }
        )
    return [ALL_TYPES] if ALL_TYPES in wanted else wanted


def webhook_endpoint_add(
    *,
    url: str,
    event_types: Sequence[str],
    description: str = "",
    actor: Any,
    now: datetime | None = None,
) -> EndpointSecret:
    moment = resolve_now(now)
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        url=clean_url(url),
        event_types=clean_event_types(event_types),
        description=description.strip()[:200],
        secret=secret,
        created_at=moment,
    )
    logger.info("webhook endpoint %s added by %s", endpoint.pk, getattr(actor, "pk", actor))
    return EndpointSecret(endpoint_id=endpoint.pk, secret=secret)


def _locked(endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound(_("No webhook endpoint %(id)s.") % {"id": endpoint_id})
    return endpoint


def webhook_endpoint_update(
    *,
    endpoint_id: int,
    url: str,
    event_types: Sequence[str],
    description: str,
    active: bool,
    actor: Any,
    now: datetime | None = None,
) -> None:
    moment = resolve_now(now)
    with transaction.atomic():
        endpoint = _locked(endpoint_id)
        endpoint.url = clean_url(url)
        endpoint.event_types = clean_event_types(event_types)
        endpoint.description = description.strip()[:200]
        _set_active(endpoint, active, moment, reason=_("disabled by an operator"))
        endpoint.save()
    logger.info("webhook endpoint %s changed by %s", endpoint_id, getattr(actor, "pk", actor))


def _set_active(endpoint: WebhookEndpoint, active: bool, moment: datetime, *, reason: str) -> None:
    if active and not endpoint.active:
        endpoint.active = True
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
        endpoint.failing_since = None  # a fresh start: the next failure counts from then
    elif not active and endpoint.active:
        endpoint.active = False
        endpoint.disabled_at = moment
        endpoint.disabled_reason = reason[:300]


def webhook_secret_rotate(
    *, endpoint_id: int, actor: Any, now: datetime | None = None
) -> EndpointSecret:
    moment = resolve_now(now)
    secret = new_secret()
    with transaction.atomic():
        endpoint = _locked(endpoint_id)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = moment + ROTATION_OVERLAP
        endpoint.secret = secret
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    logger.info("webhook secret of %s rotated by %s", endpoint_id, getattr(actor, "pk", actor))
    return EndpointSecret(endpoint_id=endpoint_id, secret=secret)


def webhook_endpoint_set_active(
    *,
    endpoint_id: int,
    active: bool,
    actor: Any,
    reason: str = "",
    now: datetime | None = None,
) -> bool:
    """Enables or disables; False when it already was so."""
    moment = resolve_now(now)
    with transaction.atomic():
        endpoint = _locked(endpoint_id)
        if endpoint.active == active:
            return False
        _set_active(endpoint, active, moment, reason=reason or _("disabled by an operator"))
        endpoint.save(update_fields=["active", "disabled_at", "disabled_reason", "failing_since"])
    logger.info(
        "webhook endpoint %s %s by %s",
        endpoint_id,
        "enabled" if active else "disabled",
        getattr(actor, "pk", actor),
    )
    return True


def webhook_endpoints() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.order_by("pk")


def signing_secrets(endpoint: WebhookEndpoint, *, now: datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one, then the previous while it lasts."""
    secrets = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > now:
        secrets.append(endpoint.previous_secret)
    return secrets
