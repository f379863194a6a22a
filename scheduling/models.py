"""Sites, their weekly opening hours, resources and closures. Every rule a database can hold is a
constraint here; the rest (no overlapping opening intervals, a real IANA timezone) is checked in
clean() and in the services."""

from __future__ import annotations

import uuid
import zoneinfo
from functools import lru_cache
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower, Mod
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.weekdays import WEEKDAY_CHOICES
from scheduling.domain import exceptions as exception_rules
from scheduling.domain import holidays as holiday_rules
from scheduling.domain import hours as hours_rules
from scheduling.domain.hours import WEEKDAYS, WallInterval

RESOURCE_KINDS = ("bay", "technician", "mobile_unit")
MIN_STEP, MAX_STEP = 5, 240
MAX_NOTICE_MINUTES = 30 * 24 * 60
MAX_HORIZON_DAYS = 365
MAX_CONFIRMATION_WINDOW_MINUTES = 7 * 24 * 60


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in _timezones():
        raise ValidationError(
            _("%(value)s is not an IANA timezone (e.g. Europe/Paris)."),
            code="invalid_timezone",
            params={"value": value},
        )


def validate_multiple_of_five(value: int) -> None:
    if value % MIN_STEP:
        raise ValidationError(_("Use a multiple of 5 minutes."), code="not_multiple_of_five")


def _between(field: str, low: int, high: int) -> models.Q:
    return models.Q(**{f"{field}__gte": low, f"{field}__lte": high})


class Site(models.Model):
    """A workshop: where resources work, with its clock (timezone) and booking policy."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    timezone = models.CharField(
        _("timezone"),
        max_length=64,
        default="Europe/Paris",
        validators=[validate_timezone],
        help_text=_("IANA name; opening hours are read on this clock."),
    )
    address = models.TextField(_("address"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        _("slot step (minutes)"),
        default=15,
        validators=[
            MinValueValidator(MIN_STEP),
            MaxValueValidator(MAX_STEP),
            validate_multiple_of_five,
        ],
        help_text=_("Starts are offered at each opening time plus a multiple of this step."),
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=120,
        validators=[MaxValueValidator(MAX_NOTICE_MINUTES)],
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_DAYS)],
    )
    auto_confirm = models.BooleanField(_("auto-confirm bookings"), default=False)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166 code (FR, DE, ...): the site is closed on its public holidays."),
    )
    subdivision = models.CharField(
        _("subdivision"),
        max_length=10,
        blank=True,
        help_text=_("The region whose public holidays apply too (e.g. 57 for Moselle, BY)."),
    )
    confirmation_window_minutes = models.PositiveIntegerField(
        _("confirmation window (minutes)"),
        default=120,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CONFIRMATION_WINDOW_MINUTES)],
        help_text=_("A pending booking not confirmed within this time expires."),
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="scheduling_site_name_ci_unique",
                violation_error_message=_("A site with this name already exists."),
            ),
            models.CheckConstraint(
                condition=_between("slot_step_minutes", MIN_STEP, MAX_STEP)
                & models.Q(models.lookups.Exact(Mod("slot_step_minutes", MIN_STEP), 0)),
                name="scheduling_site_step_range",
                violation_error_message=_("The slot step is a multiple of 5 minutes, 5 to 240."),
            ),
            models.CheckConstraint(
                condition=_between("min_notice_minutes", 0, MAX_NOTICE_MINUTES),
                name="scheduling_site_notice_range",
            ),
            models.CheckConstraint(
                condition=_between("horizon_days", 1, MAX_HORIZON_DAYS),
                name="scheduling_site_horizon_range",
            ),
            models.CheckConstraint(
                condition=_between(
                    "confirmation_window_minutes", 1, MAX_CONFIRMATION_WINDOW_MINUTES
                ),
                name="scheduling_site_confirmation_window_range",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True, longitude__isnull=True)
                    | (
                        # Spelled out: a comparison with NULL would let a half position pass.
                        models.Q(latitude__isnull=False, longitude__isnull=False)
                        & _between("latitude", -90, 90)
                        & _between("longitude", -180, 180)
                    )
                ),
                name="scheduling_site_coordinates",
                violation_error_message=_(
                    "Give both latitude (-90 to 90) and longitude (-180 to 180), or neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.country = (self.country or "").upper()
        problem = holiday_rules.region_problem(self.country, self.subdivision or "")
        if problem == holiday_rules.UNKNOWN_SUBDIVISION:
            raise ValidationError(
                {"subdivision": [_("This country has no such subdivision in the holiday table.")]}
            )
        if problem == holiday_rules.SUBDIVISION_WITHOUT_COUNTRY:
            raise ValidationError({"subdivision": [_("Give the country of this subdivision.")]})
        if problem is not None:
            raise ValidationError({"country": [_("No public-holiday table for this country.")]})


class WeeklyInterval(models.Model):
    """One opening interval on one weekday, local wall-clock time (ISO weekday, 1 = Monday)."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAY_CHOICES)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self) -> None:
        """The row's own rules (scheduling.domain.hours); the rules across a day's rows are the
        week's, checked where the week is written (scheduling.services)."""
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.opens is not None and self.closes is not None:
            interval = WallInterval(self.opens, self.closes)
            if (0, hours_rules.NOT_BEFORE) in hours_rules.day_hours_problems([interval]):
                errors["closes"] = [gettext(hours_rules.PROBLEM_MESSAGES[hours_rules.NOT_BEFORE])]
        for name in ("opens", "closes"):
            value = getattr(self, name)
            if value is not None and not hours_rules.is_whole_minute(value):
                message = hours_rules.PROBLEM_MESSAGES[hours_rules.NOT_WHOLE_MINUTE]
                errors.setdefault(name, []).append(gettext(message))
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def constraints_for(prefix: str, owner: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name=f"{prefix}_opens_before_closes",
                violation_error_message=_("Closing must be after opening, the same day."),
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__in=WEEKDAYS), name=f"{prefix}_weekday_iso"
            ),
            models.UniqueConstraint(
                fields=[owner, "weekday", "opens"],
                name=f"{prefix}_one_interval_per_opening",
                violation_error_message=_("Another interval opens at the same time that day."),
            ),
        ]


class OpeningHours(WeeklyInterval):
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("site")
    )

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ("site", "weekday", "opens")
        constraints = WeeklyInterval.constraints_for("scheduling_openinghours", "site")


class Resource(models.Model):
    """What performs a service at a site: a bay, a technician or a mobile unit."""

    class Kind(models.TextChoices):
        BAY = "bay", _("bay")
        TECHNICIAN = "technician", _("technician")
        MOBILE_UNIT = "mobile_unit", _("mobile unit")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="resources", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BAY)
    skills = models.ManyToManyField(
        "pricing.Skill", blank=True, related_name="+", verbose_name=_("skills")
    )
    active = models.BooleanField(_("active"), default=True)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"groups__name": "technician"},
        verbose_name=_("technician account"),
        help_text=_("The technician who works this resource sees and works its bookings."),
    )

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ("site", "name")
        constraints = [
            models.UniqueConstraint(
                "site",
                Lower("name"),
                name="scheduling_resource_name_ci_unique_per_site",
                violation_error_message=_("This site already has a resource with this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RESOURCE_KINDS),
                name="scheduling_resource_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ResourceHours(WeeklyInterval):
    """A resource's own hours. A resource with any works only inside them (and inside the site's
    hours); one without works the site's hours."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="own_hours", verbose_name=_("resource")
    )

    class Meta:
        verbose_name = _("resource hours")
        verbose_name_plural = _("resource hours")
        ordering = ("resource", "weekday", "opens")
        constraints = WeeklyInterval.constraints_for("scheduling_resourcehours", "resource")


class Closure(models.Model):
    """A period when a whole site, or one resource, takes no work (holidays, maintenance)."""

    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("site"),
    )
    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("resource"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ("start",)
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(site__isnull=False, resource__isnull=True)
                    | models.Q(site__isnull=True, resource__isnull=False)
                ),
                name="scheduling_closure_site_xor_resource",
                violation_error_message=_("A closure is for a site or for a resource, not both."),
            ),
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")),
                name="scheduling_closure_start_before_end",
                violation_error_message=_("A closure must end after it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["site", "end"], name="scheduling_closure_site_end"),
            models.Index(fields=["resource", "end"], name="scheduling_closure_res_end"),
        ]

    def __str__(self) -> str:
        owner = self.site if self.site_id else self.resource
        return f"{owner}: {self.start:%Y-%m-%d %H:%M} - {self.end:%Y-%m-%d %H:%M}"

    def _has_owner(self, name: str) -> bool:
        """Set by id, or as an object not saved yet (a closure added in the same back-office
        form as its new site or resource)."""
        field = cast("models.ForeignKey[Any, Any]", self._meta.get_field(name))
        return (
            getattr(self, field.attname) is not None
            or field.get_cached_value(self, default=None) is not None
        )

    def clean(self) -> None:
        super().clean()
        if self._has_owner("site") == self._has_owner("resource"):
            raise ValidationError(_("A closure is for a site or for a resource, not both."))
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValidationError({"end": [_("A closure must end after it starts.")]})


class DateException(models.Model):
    """One local date of a site, or of one resource, that does not follow the week: closed,
    different hours (its intervals), or the regular hours (a public holiday opened anyway)."""

    class Kind(models.TextChoices):
        CLOSED = exception_rules.CLOSED, _("closed")
        HOURS = exception_rules.HOURS, _("different hours")
        REGULAR = exception_rules.REGULAR, _("regular hours (open on a public holiday)")

    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="date_exceptions",
        verbose_name=_("site"),
    )
    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="date_exceptions",
        verbose_name=_("resource"),
    )
    day = models.DateField(_("date"), help_text=_("On the site's clock."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CLOSED)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("date exception")
        verbose_name_plural = _("date exceptions")
        ordering = ("day", "pk")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(site__isnull=False, resource__isnull=True)
                    | models.Q(site__isnull=True, resource__isnull=False)
                ),
                name="scheduling_dateexception_site_xor_resource",
                violation_error_message=_(
                    "A date exception is for a site or for a resource, not both."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=exception_rules.KINDS),
                name="scheduling_dateexception_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["site", "day"],
                name="scheduling_dateexception_one_per_site_day",
                violation_error_message=_("This site already has an exception on this date."),
            ),
            models.UniqueConstraint(
                fields=["resource", "day"],
                name="scheduling_dateexception_one_per_resource_day",
                violation_error_message=_("This resource already has an exception on this date."),
            ),
        ]

    def __str__(self) -> str:
        owner = self.site if self.site_id else self.resource
        return f"{owner}: {self.day:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        if (self.site_id is None) == (self.resource_id is None):
            raise ValidationError(_("A date exception is for a site or for a resource, not both."))


class DateExceptionInterval(models.Model):
    """An opening interval of a `hours` date exception, local wall-clock time."""

    exception = models.ForeignKey(
        DateException,
        on_delete=models.CASCADE,
        related_name="intervals",
        verbose_name=_("date exception"),
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening interval")
        verbose_name_plural = _("opening intervals")
        ordering = ("exception", "opens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="scheduling_dateexceptioninterval_opens_before_closes",
                violation_error_message=_("Closing must be after opening, the same day."),
            ),
            models.UniqueConstraint(
                fields=["exception", "opens"],
                name="scheduling_dateexceptioninterval_one_per_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opens:%H:%M}-{self.closes:%H:%M}"
