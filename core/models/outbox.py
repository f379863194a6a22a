from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it reports (a transactional
    outbox, core.outbox). `dispatched_at` is set once every consumer has recorded what it will
    deliver (its e-mails, its webhook deliveries); until then the sweeper hands it again."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=64)
    schema_version = models.PositiveSmallIntegerField(_("schema version"), default=1)
    occurred_at = models.DateTimeField(_("occurred at"))
    aggregate_type = models.CharField(_("aggregate type"), max_length=32)
    aggregate_id = models.CharField(_("aggregate id"), max_length=64)
    payload = models.JSONField(_("payload"), encoder=DjangoJSONEncoder)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("dispatch attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        ordering = ["-occurred_at"]
        indexes = [
            # The sweeper's question: what is still waiting, oldest first.
            models.Index(
                fields=["occurred_at"],
                condition=Q(dispatched_at__isnull=True),
                name="core_outbox_undispatched_idx",
            ),
            models.Index(fields=["dispatched_at"], name="core_outbox_dispatched_idx"),
            models.Index(
                fields=["aggregate_type", "aggregate_id", "occurred_at"],
                name="core_outbox_aggregate_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.aggregate_id} ({self.id})"
