"""The catalogue (services, per-category overrides, options, skills), time-based price rules and
promo codes. The database has the last word on every rule it can hold (check and unique
constraints); `clean()` repeats the rules that need a Python check so the admin shows them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from pricing.domain.vocabulary import (
    DEFAULT_TAX_RATE,
    MAX_RULE_PERCENTAGE,
    MIN_RULE_PERCENTAGE,
    PROMO_AMOUNT,
    PROMO_PERCENT,
    SERVICE_KINDS,
    normalize_promo_code,
)
from pricing.validators import (
    duration_q,
    extra_minutes_q,
    validate_duration,
    validate_energies,
    validate_extra_minutes,
    validate_weekdays,
)
from vehicles.public import CATEGORIES

SERVICE_KIND_LABELS = {
    "wash": _("Wash"),
    "detailing": _("Detailing"),
    "maintenance": _("Maintenance"),
    "tyres": _("Tyres"),
    "diagnostics": _("Diagnostics"),
    "other": _("Other"),
}
# The same words as the vehicles' categories (one translation).
CATEGORY_LABELS = {
    "small": _("Small car"),
    "medium": _("Medium car"),
    "large": _("Large car / SUV"),
    "van": _("Van"),
}


class Skill(models.Model):
    """What a resource must be able to do to perform a service (scheduling's resources have
    skills; a service may require one)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ("name", "code")

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A job the business sells. `code` is its public identifier."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[(kind, SERVICE_KIND_LABELS[kind]) for kind in SERVICE_KINDS],
    )
    base_duration_minutes = models.PositiveSmallIntegerField(
        _("base duration (minutes)"), validators=[validate_duration]
    )
    base_price = models.DecimalField(
        _("base price"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Tax included."),
    )
    tax_rate = models.DecimalField(
        _("tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_TAX_RATE,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    required_skill = models.ForeignKey(
        Skill,
        verbose_name=_("required skill"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
    )
    excluded_energies = models.JSONField(
        _("excluded energies"),
        default=list,
        blank=True,
        validators=[validate_energies],
        help_text=_('Energies this service cannot be done on, e.g. ["electric"].'),
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        _("buffer after (minutes)"),
        default=0,
        validators=[validate_extra_minutes],
        help_text=_("Clean-up time blocked on the resource after the job."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ("name", "code")
        constraints = [
            models.CheckConstraint(
                condition=duration_q("base_duration_minutes"),
                name="pricing_service_duration_on_grid",
                violation_error_message=_(
                    "A duration is a multiple of 5 minutes between 5 and 480."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(base_price__gte=0),
                name="pricing_service_price_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(tax_rate__gte=0, tax_rate__lte=100),
                name="pricing_service_tax_rate_range",
            ),
            models.CheckConstraint(
                condition=extra_minutes_q("buffer_after_minutes"),
                name="pricing_service_buffer_on_grid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SERVICE_KINDS), name="pricing_service_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CategoryOverride(models.Model):
    """A service's price and/or duration for one vehicle category (what is left empty falls back
    to the service's base)."""

    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="category_overrides",
    )
    category = models.CharField(
        _("vehicle category"), max_length=10, choices=[(c, CATEGORY_LABELS[c]) for c in CATEGORIES]
    )
    price = models.DecimalField(
        _("price"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[validate_duration]
    )

    class Meta:
        verbose_name = _("category override")
        verbose_name_plural = _("category overrides")
        ordering = ("service", "category")
        constraints = [
            models.UniqueConstraint(
                fields=("service", "category"),
                name="pricing_override_one_per_category",
                violation_error_message=_(
                    "This service already has an override for this category."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(price__isnull=False) | models.Q(duration_minutes__isnull=False),
                name="pricing_override_sets_something",
                violation_error_message=_("Give a price, a duration or both."),
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0) | models.Q(price__isnull=True),
                name="pricing_override_price_not_negative",
            ),
            models.CheckConstraint(
                condition=duration_q("duration_minutes", nullable=True),
                name="pricing_override_duration_on_grid",
                violation_error_message=_(
                    "A duration is a multiple of 5 minutes between 5 and 480."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=CATEGORIES), name="pricing_override_category_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} / {self.category}"


class Option(models.Model):
    """An add-on (e.g. interior vacuum) offered for a set of services."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    price = models.DecimalField(
        _("price"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Tax included."),
    )
    extra_duration_minutes = models.PositiveSmallIntegerField(
        _("extra duration (minutes)"), default=0, validators=[validate_extra_minutes]
    )
    services = models.ManyToManyField(
        Service, verbose_name=_("offered for"), related_name="options", blank=True
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ("name", "code")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="pricing_option_price_not_negative"
            ),
            models.CheckConstraint(
                condition=extra_minutes_q("extra_duration_minutes"),
                name="pricing_option_extra_on_grid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PriceRule(models.Model):
    """A time-based modifier: a percentage applied when the booking's local start matches."""

    name = models.CharField(_("name"), max_length=120)
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(MIN_RULE_PERCENTAGE),
            MaxValueValidator(MAX_RULE_PERCENTAGE),
        ],
        help_text=_("From -50 (a discount) to +100 (a surcharge)."),
    )
    weekdays = models.JSONField(
        _("weekdays"),
        default=list,
        blank=True,
        validators=[validate_weekdays],
        help_text=_("ISO numbers, 1 = Monday ... 7 = Sunday; empty = every day."),
    )
    start_time = models.TimeField(_("from (local time)"), null=True, blank=True)
    end_time = models.TimeField(_("until (local time, excluded)"), null=True, blank=True)
    valid_from = models.DateField(_("first day"), null=True, blank=True)
    valid_until = models.DateField(_("last day"), null=True, blank=True)
    all_services = models.BooleanField(_("all services"), default=True)
    services = models.ManyToManyField(
        Service, verbose_name=_("services"), related_name="price_rules", blank=True
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower numbers apply first.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("price rule")
        verbose_name_plural = _("price rules")
        ordering = ("priority", "name", "id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    percentage__gte=MIN_RULE_PERCENTAGE, percentage__lte=MAX_RULE_PERCENTAGE
                ),
                name="pricing_rule_percentage_range",
                violation_error_message=_("The percentage is between -50 and +100."),
            ),
            models.CheckConstraint(
                condition=models.Q(start_time__isnull=True, end_time__isnull=True)
                | models.Q(
                    start_time__isnull=False,
                    end_time__isnull=False,
                    start_time__lt=models.F("end_time"),
                ),
                name="pricing_rule_time_window",
                violation_error_message=_(
                    "Give both times or neither; the window ends after it starts (for a window "
                    "across midnight, make two rules)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_until")),
                name="pricing_rule_date_range",
                violation_error_message=_("The last day is on or after the first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.percentage:+}%)"


class PromoCode(models.Model):
    """A discount code: a percentage or a fixed amount, within a validity window, with an optional
    cap on total redemptions. Each customer uses a code at most once (PromoRedemption)."""

    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("Case-insensitive; stored upper-case.")
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=[(PROMO_PERCENT, _("percentage")), (PROMO_AMOUNT, _("fixed amount"))],
        default=PROMO_PERCENT,
    )
    value = models.DecimalField(
        _("value"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Percent (0-100] or an amount, tax included."),
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until (excluded)"), null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(
        _("maximum redemptions"), null=True, blank=True, help_text=_("Empty = unlimited.")
    )
    min_order_total = models.DecimalField(
        _("minimum order total"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    redemptions_count = models.PositiveIntegerField(_("redemptions"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ("code",)
        constraints = [
            models.UniqueConstraint(
                Upper("code"),
                name="pricing_promo_code_ci_unique",
                violation_error_message=_("A promo code with this code already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind=PROMO_PERCENT, value__gt=0, value__lte=100)
                | models.Q(kind=PROMO_AMOUNT, value__gt=0),
                name="pricing_promo_value_range",
                violation_error_message=_(
                    "A percentage is above 0 and at most 100; an amount is above 0."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_from__lt=models.F("valid_until")),
                name="pricing_promo_window",
                violation_error_message=_("The end of validity is after its start."),
            ),
            models.CheckConstraint(
                condition=models.Q(min_order_total__gte=0), name="pricing_promo_minimum_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_redemptions__isnull=True)
                | models.Q(redemptions_count__lte=models.F("max_redemptions")),
                name="pricing_promo_count_within_max",
                violation_error_message=_(
                    "The maximum cannot be below the redemptions already made."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.code = normalize_promo_code(self.code)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.code = normalize_promo_code(self.code or "")


class PromoRedemption(models.Model):
    """One use of a promo code by a customer (taken when a booking is created). Released when
    that booking is cancelled before confirmation or expires: the row stays for the record."""

    promo = models.ForeignKey(
        PromoCode,
        verbose_name=_("promo code"),
        on_delete=models.PROTECT,
        related_name="redemptions",
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="promo_redemptions",
    )
    order_total = models.DecimalField(_("order total"), max_digits=10, decimal_places=2)
    redeemed_at = models.DateTimeField(_("redeemed at"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("promo redemption")
        verbose_name_plural = _("promo redemptions")
        ordering = ("-redeemed_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("promo", "customer"),
                condition=models.Q(released_at__isnull=True),
                name="pricing_redemption_once_per_customer",
                violation_error_message=_("This customer has already used this promo code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.promo_id} / {self.customer_id}"
