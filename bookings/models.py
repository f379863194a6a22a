"""Bookings and their history. The state changes only through the django-fsm transitions below,
called by bookings.services; the transition methods only change the instance."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from bookings.domain import policies
from bookings.domain.dashboard import BOOKED_STATES
from bookings.domain.policies import NOTE_MAX_LENGTHS, Timing
from bookings.domain.states import ACTIVE_STATES, TRANSITIONS, State

_ACTIVE = sorted(s.value for s in ACTIVE_STATES)  # sorted: stable migrations
_BOOKED = sorted(s.value for s in BOOKED_STATES)


def _sources(action: str) -> list[str]:
    return sorted(s.value for s in TRANSITIONS[action].sources)


def _target(action: str) -> str:
    target = TRANSITIONS[action].target
    assert target is not None
    return target.value


def _rules(action: str) -> Callable[[Any], bool]:
    """The condition of `action`'s transitions: the domain's rules for the attempt bound to the
    row (raising their precise refusal); no attempt of this action bound, no transition."""

    def condition(booking: Any) -> bool:
        attempt = booking.attempt
        if attempt is None or attempt.action != action:
            return False
        policies.check_rules(attempt, booking.timing())
        return True

    condition.__name__ = f"{action}_rules"
    return condition


if TYPE_CHECKING:
    from accounts.models import User

    # The type checker sees the mixin as Any, which would make Booking Any everywhere.
    class _TransitionGuard(models.Model):
        class Meta:
            abstract = True

else:

    class _TransitionGuard(ConcurrentTransitionMixin, models.Model):
        """Saves check that the state is still the one read (no lost concurrent transition)."""

        class Meta:
            abstract = True


class Booking(_TransitionGuard):
    class StateChoices(models.TextChoices):
        PENDING = State.PENDING.value, _("pending")
        CONFIRMED = State.CONFIRMED.value, _("confirmed")
        IN_PROGRESS = State.IN_PROGRESS.value, _("in progress")
        COMPLETED = State.COMPLETED.value, _("completed")
        CANCELLED = State.CANCELLED.value, _("cancelled")
        EXPIRED = State.EXPIRED.value, _("expired")
        NO_SHOW = State.NO_SHOW.value, _("no-show")

    # The workshop's own: never shown to customers (core.api.visibility).
    STAFF_ONLY_FIELDS: ClassVar[tuple[str, ...]] = ("operator_note", "cancelled_by")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("customer"),
    )
    vehicle = models.ForeignKey(
        "vehicles.Vehicle", on_delete=models.PROTECT, related_name="+", verbose_name=_("vehicle")
    )
    vehicle_plate = models.CharField(_("plate"), max_length=12)
    vehicle_category = models.CharField(_("vehicle category"), max_length=10)
    service = models.ForeignKey(
        "pricing.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    service_name = models.CharField(_("service name"), max_length=200)
    option_codes = models.JSONField(_("options"), default=list, blank=True)
    site = models.ForeignKey(
        "scheduling.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    resource = models.ForeignKey(
        "scheduling.Resource",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("resource"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    blocked_until = models.DateTimeField(
        _("blocked until"), help_text=_("End plus the service's clean-up buffer.")
    )
    state = FSMField(
        _("state"),
        max_length=12,
        choices=StateChoices.choices,
        default=State.PENDING.value,
        protected=True,
    )

    total = models.DecimalField(_("total"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    price_snapshot = models.JSONField(_("price snapshot"))
    promo_code = models.CharField(_("promo code"), max_length=40, blank=True)
    promo_redemption_id = models.BigIntegerField(null=True, blank=True, editable=False)

    customer_note = models.TextField(
        _("customer note"), max_length=NOTE_MAX_LENGTHS["customer_note"], blank=True
    )
    operator_note = models.TextField(
        _("operator note"), max_length=NOTE_MAX_LENGTHS["operator_note"], blank=True
    )

    cancellation_reason = models.TextField(_("cancellation reason"), max_length=1000, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    fee = models.DecimalField(
        _("cancellation fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    calendar_sequence = models.PositiveIntegerField(
        _("calendar revision"),
        default=0,
        editable=False,
        help_text=_(
            "The SEQUENCE of the booking's calendar event: up by one on each confirmation, "
            "reschedule, cancellation or expiry, so that calendars take the change."
        ),
    )

    created_at = models.DateTimeField(_("created at"))
    pending_since = models.DateTimeField(
        _("pending since"),
        help_text=_(
            "When the booking last became pending (its creation, or a customer's reschedule "
            "that sent it back): its confirmation window runs from here."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("no-show at"), null=True, blank=True)
    rescheduled_at = models.DateTimeField(_("rescheduled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ("-start",)
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")) & Q(end__lte=F("blocked_until")),
                name="bookings_booking_times_ordered",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="bookings_booking_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & (Q(fee__isnull=True) | Q(fee__gte=0)),
                name="bookings_booking_amounts_not_negative",
            ),
        ]
        indexes = [
            # The busy-time read: active bookings of some resources in a window.
            models.Index(
                fields=["resource", "start", "blocked_until"],
                condition=Q(state__in=_ACTIVE),
                name="bookings_active_resource_idx",
            ),
            # The assignment's read: the time booked on some resources over a day, done or not.
            models.Index(
                fields=["resource", "start", "blocked_until"],
                condition=Q(state__in=_BOOKED),
                name="bookings_held_resource_idx",
            ),
            models.Index(fields=["site", "start"], name="bookings_site_start_idx"),
            models.Index(fields=["customer", "-start"], name="bookings_customer_start_idx"),
            # The expiry job's read: pending bookings, oldest window first.
            models.Index(
                fields=["pending_since"],
                condition=Q(state="pending"),
                name="bookings_pending_since_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_active(self) -> bool:
        return self.state in _ACTIVE

    def timing(self) -> Timing:
        """The times the policies of bookings.domain decide on."""
        return Timing.of(self)

    # One transition per row of SPEC §6 (creation is the initial state, pending). django-fsm is the
    # enforcer: the source states come from the domain's table, the one condition is the domain's
    # rules (policies.check_rules) for the Attempt the booking service bound to the row, which
    # raises the precise refusal. Without a bound attempt no transition runs (fail closed): only
    # bookings.services.transitions.run_transition calls them. Each sets what its data says and
    # returns the fields it changed (the service saves them and `state`).

    attempt: policies.Attempt | None = None

    @transition(
        field=state,
        source=_sources("confirm"),
        target=_target("confirm"),
        conditions=[_rules("confirm")],
    )
    def confirm(self, *, at: datetime) -> tuple[str, ...]:
        self.confirmed_at = at
        if self.pk is not None:  # a row made confirmed (auto-confirm) has no calendar event yet
            self.calendar_sequence += 1  # its calendar event is confirmed now
        return ("confirmed_at", "calendar_sequence")

    @transition(
        field=state,
        source=_sources("expire"),
        target=_target("expire"),
        conditions=[_rules("expire")],
    )
    def expire(self, *, at: datetime) -> tuple[str, ...]:
        self.expired_at = at
        self.calendar_sequence += 1  # its calendar event is cancelled
        return ("expired_at", "calendar_sequence")

    @transition(
        field=state,
        source=_sources("reschedule"),
        target=State.PENDING.value,
        conditions=[_rules("reschedule")],
    )
    def reschedule_to_pending(
        self, *, at: datetime, start: datetime, resource_pk: int
    ) -> tuple[str, ...]:
        """A customer's reschedule of a confirmed booking needs confirming again."""
        self.confirmed_at = None
        self.pending_since = at  # a fresh confirmation window
        return (
            *self._move(at=at, start=start, resource_pk=resource_pk),
            "confirmed_at",
            "pending_since",
        )

    @transition(
        field=state, source=_sources("reschedule"), target=None, conditions=[_rules("reschedule")]
    )
    def reschedule_in_place(
        self, *, at: datetime, start: datetime, resource_pk: int
    ) -> tuple[str, ...]:
        """Any other reschedule keeps the state (target None: no state change)."""
        return self._move(at=at, start=start, resource_pk=resource_pk)

    def _move(self, *, at: datetime, start: datetime, resource_pk: int) -> tuple[str, ...]:
        """The booking keeps its duration and buffer, and its price (SPEC §4: its snapshot)."""
        duration, buffer = self.end - self.start, self.blocked_until - self.end
        self.start = start
        self.end = start + duration
        self.blocked_until = self.end + buffer
        self.resource_id = resource_pk
        self.rescheduled_at = at
        self.reminder_sent_at = None
        self.calendar_sequence += 1  # calendars move the event (same UID)
        return (
            "start",
            "end",
            "blocked_until",
            "resource",
            "rescheduled_at",
            "reminder_sent_at",
            "calendar_sequence",
        )

    @transition(
        field=state, source=_sources("start"), target=_target("start"), conditions=[_rules("start")]
    )
    def start_work(self, *, at: datetime) -> tuple[str, ...]:
        self.started_at = at
        return ("started_at",)

    @transition(
        field=state,
        source=_sources("complete"),
        target=_target("complete"),
        conditions=[_rules("complete")],
    )
    def complete(self, *, at: datetime) -> tuple[str, ...]:
        self.completed_at = at
        return ("completed_at",)

    @transition(
        field=state,
        source=_sources("cancel"),
        target=_target("cancel"),
        conditions=[_rules("cancel")],
    )
    def cancel(
        self, *, at: datetime, by: User | None, reason: str, fee: Decimal
    ) -> tuple[str, ...]:
        self.cancelled_at = at
        self.cancelled_by = by
        self.cancellation_reason = reason.strip()
        self.fee = fee
        self.calendar_sequence += 1  # its calendar event is cancelled
        return ("cancelled_at", "cancelled_by", "cancellation_reason", "fee", "calendar_sequence")

    @transition(
        field=state,
        source=_sources("no_show"),
        target=_target("no_show"),
        conditions=[_rules("no_show")],
    )
    def mark_no_show(self, *, at: datetime, fee: Decimal) -> tuple[str, ...]:
        self.no_show_at = at
        self.fee = fee
        return ("no_show_at", "fee")


class BookingEvent(models.Model):
    """One row per transition (and per reschedule or rating): from, to, actor, time, reason.
    Append-only: never updated or deleted (the admin offers neither)."""

    # Which staff account did what is the workshop's own; customers see `actor_role`.
    STAFF_ONLY_FIELDS: ClassVar[tuple[str, ...]] = ("actor",)

    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="events", verbose_name=_("booking")
    )
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(_("from"), max_length=12, blank=True)
    to_state = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_role = models.CharField(_("actor role"), max_length=12)
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking history")
        ordering = ("at", "pk")
        indexes = [models.Index(fields=["booking", "at"], name="bookings_event_booking_at_idx")]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.action} {self.from_state}->{self.to_state}"
