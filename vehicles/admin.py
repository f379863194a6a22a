"""Back-office view of customers' vehicles. Read-only: vehicles change only through their
owners' requests (vehicles.services), which keep the default and limit rules."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vehicles import selectors
from vehicles.domain.plates import is_valid_plate, normalise_plate
from vehicles.models import Vehicle


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin[Vehicle]):
    list_display = (
        "plate_shown",
        "owner_email",
        "make",
        "model",
        "year",
        "category",
        "energy",
        "is_default",
        "is_archived",
        "updated_at",
    )
    list_filter = ("category", "energy", "is_archived", "is_default")
    list_select_related = ("owner",)
    search_fields = ("plate", "owner__email")
    search_help_text = _("Plate (any spelling: AB-123-CD, ab 123 cd) or owner e-mail.")
    ordering = ("-updated_at", "-pk")
    fields = (
        "public_id",
        "owner",
        "plate",
        "plate_shown",
        "make",
        "model",
        "year",
        "category",
        "energy",
        "nickname",
        "colour",
        "is_default",
        "is_archived",
        "archived_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Vehicle]:
        return selectors.vehicles_for_admin()

    @admin.display(description=_("plate"), ordering="plate")
    def plate_shown(self, vehicle: Vehicle) -> str:
        return vehicle.plate_display

    @admin.display(description=_("owner"), ordering="owner__email")
    def owner_email(self, vehicle: Vehicle) -> str:
        return vehicle.owner.email

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Vehicle], search_term: str
    ) -> tuple[QuerySet[Vehicle], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Plates are stored without separators: "AB-123-CD" must find "AB123CD".
        plate = normalise_plate(search_term)
        if is_valid_plate(plate) and plate != search_term:
            results = results | queryset.filter(plate__contains=plate)
        return results, may_have_duplicates

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
