from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vehicles.domain.plates import PLATE_MAX_LENGTH, PLATE_MIN_LENGTH, display_plate
from vehicles.domain.rules import YEAR_MIN
from vehicles.domain.vocabulary import CATEGORIES, ENERGIES

CATEGORY_LABELS = {
    "small": _("Small car"),
    "medium": _("Medium car"),
    "large": _("Large car / SUV"),
    "van": _("Van"),
}
ENERGY_LABELS = {
    "petrol": _("Petrol"),
    "diesel": _("Diesel"),
    "hybrid": _("Hybrid"),
    "electric": _("Electric"),
    "other": _("Other"),
}


class Vehicle(models.Model):
    """A customer's vehicle. Written only through vehicles.services, which keep the rules the
    database cannot express (exactly one default while any vehicle is active, the year's upper
    bound, the per-customer limit)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="vehicles",
        verbose_name=_("owner"),
    )
    plate = models.CharField(
        _("plate"),
        max_length=PLATE_MAX_LENGTH,
        help_text=_("Stored normalised: upper case, letters and digits only."),
    )
    make = models.CharField(_("make"), max_length=50)
    model = models.CharField(_("model"), max_length=50)
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(
        _("category"), max_length=10, choices=[(c, CATEGORY_LABELS[c]) for c in CATEGORIES]
    )
    energy = models.CharField(
        _("energy"), max_length=10, choices=[(e, ENERGY_LABELS[e]) for e in ENERGIES]
    )
    nickname = models.CharField(_("nickname"), max_length=40, blank=True)
    colour = models.CharField(_("colour"), max_length=30, blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Set by the services (not auto_now): moving the default flag away from a vehicle is not an
    # update of that vehicle, and "most recently updated" decides which vehicle gets promoted.
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ("-is_default", "-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "plate"],
                condition=models.Q(is_archived=False),
                name="vehicles_plate_unique_per_owner_active",
                violation_error_message=_("You already have a vehicle with this plate."),
            ),
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(is_default=True, is_archived=False),
                name="vehicles_one_default_per_owner",
                violation_error_message=_("Only one vehicle can be the default."),
            ),
            models.CheckConstraint(
                condition=~models.Q(is_default=True, is_archived=True),
                name="vehicles_archived_is_not_default",
            ),
            models.CheckConstraint(
                condition=models.Q(is_archived=False, archived_at__isnull=True)
                | models.Q(is_archived=True, archived_at__isnull=False),
                name="vehicles_archived_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=CATEGORIES), name="vehicles_category_known"
            ),
            models.CheckConstraint(
                condition=models.Q(energy__in=ENERGIES), name="vehicles_energy_known"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_MIN), name="vehicles_year_not_too_old"
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("plate"), PLATE_MIN_LENGTH),
                name="vehicles_plate_min_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plate_display} ({self.make} {self.model})"

    @property
    def plate_display(self) -> str:
        return display_plate(self.plate)
