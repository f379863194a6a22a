"""The back-office view of side effects: domain events, e-mail notifications (read-only, "send
again"), webhook endpoints (secret shown once, rotatable) and deliveries (attempt log, replay).
Every write calls a use case of core.emails or core.webhooks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.dispatch import public_event_types
from core.emails import email_send_again, is_confidential
from core.errors import DomainError, ValidationFailed
from core.models import (
    EmailNotification,
    OutboxEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from core.tasks import hand_emails, hand_webhooks
from core.webhooks import endpoints
from core.webhooks.delivery import webhook_replay
from core.webhooks.signing import masked


class _ReadOnly:
    """Rows written only by the worker: seen, never edited or deleted by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _excerpt(text: str, length: int = 80) -> str:
    return Truncator(text).chars(length)


class EmailInline(_ReadOnly, admin.TabularInline[EmailNotification, OutboxEvent]):
    model = EmailNotification
    fields = ("recipient", "kind", "status", "attempts", "sent_at", "last_error")
    readonly_fields = fields
    extra = 0
    show_change_link = True


class DeliveryInline(_ReadOnly, admin.TabularInline[WebhookDelivery, OutboxEvent]):
    model = WebhookDelivery
    fields = ("endpoint", "status", "attempts", "last_status_code", "delivered_at", "last_error")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(OutboxEvent)
class OutboxEventAdmin(_ReadOnly, admin.ModelAdmin[OutboxEvent]):
    list_display = (
        "occurred_at",
        "type",
        "aggregate_type",
        "aggregate_id",
        "dispatched_at",
        "attempts",
    )
    list_filter = ("type", ("dispatched_at", admin.EmptyFieldListFilter))
    search_fields = ("aggregate_id", "=id")
    date_hierarchy = "occurred_at"
    readonly_fields = (
        "id",
        "type",
        "schema_version",
        "occurred_at",
        "aggregate_type",
        "aggregate_id",
        "payload",
        "dispatched_at",
        "attempts",
        "last_error",
    )
    inlines = (EmailInline, DeliveryInline)


@admin.register(EmailNotification)
class EmailNotificationAdmin(_ReadOnly, admin.ModelAdmin[EmailNotification]):
    list_display = (
        "created_at",
        "kind",
        "recipient",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "error",
    )
    list_filter = ("status", "kind")
    search_fields = ("recipient", "subject", "=event__id")
    date_hierarchy = "created_at"
    readonly_fields = (
        "event",
        "recipient",
        "kind",
        "language",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "body",
    )
    exclude = ("body_text", "body_html", "attachments", "lease_until")
    actions = ("send_again",)

    @admin.display(description=_("last error"))
    def error(self, notification: EmailNotification) -> str:
        return _excerpt(notification.last_error)

    @admin.display(description=_("text"))
    def body(self, notification: EmailNotification) -> str:
        if is_confidential(notification.kind):
            return str(_("Not shown: it holds a link that only its recipient may use."))
        return notification.body_text

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("core.change_emailnotification")

    @admin.action(description=_("Send again"), permissions=["resend"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[EmailNotification]) -> None:
        ids = email_send_again(
            notification_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        hand_emails(ids)
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", len(ids))
            % {"count": len(ids)},
            messages.SUCCESS,
        )


class AttemptInline(_ReadOnly, admin.TabularInline[WebhookAttempt, WebhookDelivery]):
    model = WebhookAttempt
    fields = ("at", "status_code", "duration_ms", "response_excerpt", "error")
    readonly_fields = fields
    extra = 0


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_ReadOnly, admin.ModelAdmin[WebhookDelivery]):
    list_display = (
        "created_at",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_select_related = ("event", "endpoint")
    list_filter = ("status", "endpoint")
    search_fields = ("=event__id", "endpoint__url")
    date_hierarchy = "created_at"
    readonly_fields = (
        "event",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
    )
    exclude = ("lease_until",)
    inlines = (AttemptInline,)
    actions = ("replay",)

    @admin.display(description=_("event"), ordering="event__type")
    def event_type(self, delivery: WebhookDelivery) -> str:
        return delivery.event.type

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("core.change_webhookdelivery")

    @admin.action(description=_("Replay"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        ids = webhook_replay(
            delivery_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        hand_webhooks(ids)
        self.message_user(
            request,
            ngettext("%(count)d delivery replayed.", "%(count)d deliveries replayed.", len(ids))
            % {"count": len(ids)},
            messages.SUCCESS,
        )


def _type_choices() -> list[tuple[str, str]]:
    return [(endpoints.ALL_TYPES, str(_("every event type")))] + [
        (name, f"{name} — {description}") for name, description in public_event_types().items()
    ]


class WebhookEndpointForm(forms.ModelForm[WebhookEndpoint]):
    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("event types"), choices=_type_choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "description", "event_types", "active")

    def clean(self) -> dict[str, Any]:
        # The rules live in the use case (core.webhooks.endpoints): asked here for the messages.
        data = super().clean() or {}
        for name, check in (
            ("url", endpoints.clean_url),
            ("event_types", endpoints.clean_event_types),
        ):
            if name in data:
                try:
                    data[name] = check(data[name])
                except ValidationFailed as error:
                    for message in error.details.get(name, [error.message]):
                        self.add_error(name, str(message))
        return data


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    form = WebhookEndpointForm
    list_display = (
        "pk",
        "url",
        "description",
        "types",
        "active",
        "failing_since",
        "disabled_at",
        "disabled_reason",
        "secret_hint",
    )
    list_filter = ("active",)
    search_fields = ("url", "description")
    readonly_fields = (
        "secret_hint",
        "created_at",
        "failing_since",
        "disabled_at",
        "disabled_reason",
    )
    actions = ("rotate_secret", "disable", "enable")

    @admin.display(description=_("event types"))
    def types(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.event_types)

    @admin.display(description=_("secret"))
    def secret_hint(self, endpoint: WebhookEndpoint) -> str:
        return masked(endpoint.secret)

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            endpoints.webhook_endpoint_update(
                endpoint_id=obj.pk,
                url=data["url"],
                event_types=data["event_types"],
                description=data.get("description", ""),
                active=data.get("active", True),
                actor=request.user,
            )
            obj.refresh_from_db()
            return
        made = endpoints.webhook_endpoint_add(
            url=data["url"],
            event_types=data["event_types"],
            description=data.get("description", ""),
            actor=request.user,
        )
        if not data.get("active", True):
            endpoints.webhook_endpoint_set_active(
                endpoint_id=made.endpoint_id, active=False, actor=request.user
            )
        obj.pk = made.endpoint_id
        obj.refresh_from_db()
        request._webhook_new_secret = made.secret  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: WebhookEndpoint, post_url_continue: Any = None
    ) -> HttpResponse:
        secret = getattr(request, "_webhook_new_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return self._secrets_page(request, [(obj, secret)], rotated=False)

    def _secrets_page(
        self, request: HttpRequest, secrets: list[tuple[WebhookEndpoint, str]], *, rotated: bool
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Webhook secret"),
            "secrets": secrets,
            "rotated": rotated,
        }
        response = TemplateResponse(request, "admin/core/webhookendpoint/secret.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Rotate the secret"), permissions=["change"])
    def rotate_secret(
        self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]
    ) -> HttpResponse:
        made = [
            (
                endpoint,
                endpoints.webhook_secret_rotate(endpoint_id=endpoint.pk, actor=request.user).secret,
            )
            for endpoint in queryset
        ]
        return self._secrets_page(request, made, rotated=True)

    @admin.action(description=_("Disable"), permissions=["change"])
    def disable(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        self._set_active(request, queryset, active=False)

    @admin.action(description=_("Enable"), permissions=["change"])
    def enable(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        self._set_active(request, queryset, active=True)

    def _set_active(
        self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint], *, active: bool
    ) -> None:
        changed = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                changed += endpoints.webhook_endpoint_set_active(
                    endpoint_id=pk, active=active, actor=request.user
                )
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d endpoint changed.", "%(count)d endpoints changed.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )
