"""Idempotency keys of the API's retried POSTs (core.idempotency)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """One client retry key per user: claimed by inserting the row before the work is done, then
    completed with the response to replay. Kept 24 h (purge_idempotency_keys)."""

    class Status(models.TextChoices):
        IN_FLIGHT = "in_flight", _("in flight")
        DONE = "done", _("done")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text=_("SHA-256 of method, path and body."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("idempotency key")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key_unique")
        ]
        indexes = [models.Index(fields=["created_at"], name="core_idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
