from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models.outbox import OutboxEvent


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class EmailNotification(models.Model):
    """One e-mail to one recipient about one event (unique: a duplicate dispatch of the event
    finds it there and sends nothing more). Rendered when the worker planned it, so that a retry
    or a "send again" sends the same message."""

    Status = DeliveryStatus

    event = models.ForeignKey(
        OutboxEvent, on_delete=models.CASCADE, related_name="emails", verbose_name=_("event")
    )
    recipient = models.EmailField(_("recipient"))
    kind = models.CharField(_("kind"), max_length=64)
    language = models.CharField(_("language"), max_length=8, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # [{"filename", "mimetype", "content_b64"}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    # A claimed e-mail ("sending") whose worker died is taken again once this has passed.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail notification")
        verbose_name_plural = _("e-mail notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"], name="core_email_one_per_event_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="core_email_due_idx"),
            models.Index(fields=["created_at"], name="core_email_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.status})"
