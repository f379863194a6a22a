"""The catalogue back-office: services with their category overrides and options inline, options,
skills, price rules and promo codes (their redemption count is read-only: only redemptions move
it). Saving goes through each model's validation, so every rule shows in the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.weekdays import WEEKDAY_CHOICES
from pricing.models import (
    CategoryOverride,
    Option,
    PriceRule,
    PromoCode,
    PromoRedemption,
    Service,
    Skill,
)
from vehicles import public as vehicles


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin[Skill]):
    list_display = ("code", "name", "service_count")
    search_fields = ("code", "name")
    ordering = ("name", "code")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Skill]:
        return super().get_queryset(request).annotate(service_count=Count("services"))

    @admin.display(description=_("services"), ordering="service_count")
    def service_count(self, skill: Any) -> int:
        return int(skill.service_count)


class ServiceForm(forms.ModelForm[Service]):
    excluded_energies = forms.TypedMultipleChoiceField(
        label=capfirst(_("excluded energies")),
        choices=vehicles.energy_choices(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Energies this service cannot be done on."),
    )

    class Meta:
        model = Service
        fields = (
            "code",
            "name",
            "description",
            "kind",
            "active",
            "base_price",
            "tax_rate",
            "base_duration_minutes",
            "buffer_after_minutes",
            "required_skill",
            "excluded_energies",
        )


class CategoryOverrideInline(admin.TabularInline[CategoryOverride, Service]):
    model = CategoryOverride
    extra = 0
    fields = ("category", "price", "duration_minutes")


class OptionInline(admin.TabularInline[Any, Service]):
    model = Option.services.through
    extra = 0
    verbose_name = _("option offered")
    verbose_name_plural = _("options offered")
    autocomplete_fields = ("option",)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    form = ServiceForm
    list_display = (
        "code",
        "name",
        "kind",
        "base_price",
        "base_duration_minutes",
        "buffer_after_minutes",
        "tax_rate",
        "required_skill",
        "active",
    )
    list_filter = ("kind", "active", "required_skill")
    list_select_related = ("required_skill",)
    search_fields = ("code", "name")
    ordering = ("name", "code")
    inlines = (CategoryOverrideInline, OptionInline)
    fieldsets = (
        (None, {"fields": ("code", "name", "description", "kind", "active")}),
        (
            _("Price and time"),
            {
                "fields": (
                    "base_price",
                    "tax_rate",
                    "base_duration_minutes",
                    "buffer_after_minutes",
                )
            },
        ),
        (_("Who and what"), {"fields": ("required_skill", "excluded_energies")}),
    )


@admin.register(Option)
class OptionAdmin(admin.ModelAdmin[Option]):
    list_display = ("code", "name", "price", "extra_duration_minutes", "service_count")
    search_fields = ("code", "name")
    ordering = ("name", "code")
    filter_horizontal = ("services",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Option]:
        return super().get_queryset(request).annotate(service_count=Count("services"))

    @admin.display(description=_("offered for"), ordering="service_count")
    def service_count(self, option: Any) -> int:
        return int(option.service_count)


class PriceRuleForm(forms.ModelForm[PriceRule]):
    weekdays = forms.TypedMultipleChoiceField(
        label=capfirst(_("weekdays")),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every day."),
    )

    class Meta:
        model = PriceRule
        fields = (
            "name",
            "percentage",
            "weekdays",
            "start_time",
            "end_time",
            "valid_from",
            "valid_until",
            "all_services",
            "services",
            "priority",
            "active",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        services = data.get("services")
        chosen = services is not None and services.exists()
        if data.get("all_services") and chosen:
            self.add_error("services", _("Untick “all services” to limit the rule to these."))
        elif not data.get("all_services") and not chosen:
            self.add_error("services", _("Choose the services, or tick “all services”."))
        return data


@admin.register(PriceRule)
class PriceRuleAdmin(admin.ModelAdmin[PriceRule]):
    form = PriceRuleForm
    list_display = (
        "name",
        "percentage",
        "days",
        "start_time",
        "end_time",
        "valid_from",
        "valid_until",
        "all_services",
        "priority",
        "active",
    )
    list_filter = ("active", "all_services")
    search_fields = ("name",)
    ordering = ("priority", "name", "id")
    filter_horizontal = ("services",)

    @admin.display(description=_("weekdays"))
    def days(self, rule: PriceRule) -> str:
        names = dict(WEEKDAY_CHOICES)
        return ", ".join(str(names[d])[:3] for d in sorted(rule.weekdays)) or str(_("every day"))


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin[PromoCode]):
    list_display = (
        "code",
        "kind",
        "value",
        "valid_from",
        "valid_until",
        "redemptions_count",
        "max_redemptions",
        "min_order_total",
    )
    list_filter = ("kind",)
    search_fields = ("code",)
    ordering = ("code",)
    readonly_fields = ("redemptions_count", "created_at")


@admin.register(PromoRedemption)
class PromoRedemptionAdmin(admin.ModelAdmin[PromoRedemption]):
    """The record of uses: written only by redemptions and releases, never by hand."""

    list_display = ("promo", "customer", "order_total", "redeemed_at", "released_at")
    list_select_related = ("promo", "customer")
    list_filter = ("released_at",)
    search_fields = ("promo__code", "customer__email")
    ordering = ("-redeemed_at", "-id")
    readonly_fields = ("promo", "customer", "order_total", "redeemed_at", "released_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
