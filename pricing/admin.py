"""The catalogue back-office: services with their category overrides and options inline, options,
skills, price rules and promo codes (their redemption count is read-only: only redemptions move
it). Every write is a pricing use case; the forms show every rule first (the model's validation,
and the rules the use cases check, called by the forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_writes import UseCaseAdmin, WrittenBy, actor_of, inline_rows
from core.errors import ValidationFailed, translate_details
from core.weekdays import WEEKDAY_CHOICES
from pricing import services
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

SERVICE_FIELDS = (
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
OPTION_FIELDS = ("code", "name", "price", "extra_duration_minutes", "services")
PRICE_RULE_FIELDS = (
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
PROMO_FIELDS = (
    "code",
    "kind",
    "value",
    "valid_from",
    "valid_until",
    "max_redemptions",
    "min_order_total",
)


@admin.register(Skill)
class SkillAdmin(UseCaseAdmin[Skill]):
    written_by = WrittenBy(
        row="skill",
        fields=("code", "name"),
        create=services.skill_create,
        update=services.skill_update,
        delete=services.skill_delete,
    )
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
        fields = SERVICE_FIELDS


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
class ServiceAdmin(UseCaseAdmin[Service]):
    written_by = WrittenBy(
        row="service",
        fields=SERVICE_FIELDS,
        create=services.service_create,
        update=services.service_update,
        delete=services.service_delete,
    )
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

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        inline_rows(formset)  # the history message
        if not formset.has_changed():
            return
        rows = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        with self.refusals(request):
            if formset.model is CategoryOverride:
                services.service_overrides_replace(
                    service=form.instance,
                    overrides={
                        row["category"]: (row["price"], row["duration_minutes"]) for row in rows
                    },
                    actor=actor_of(request),
                )
            else:
                services.service_options_set(
                    service=form.instance,
                    options=[row["option"] for row in rows],
                    actor=actor_of(request),
                )


@admin.register(Option)
class OptionAdmin(UseCaseAdmin[Option]):
    written_by = WrittenBy(
        row="option",
        fields=OPTION_FIELDS,
        create=services.option_create,
        update=services.option_update,
        delete=services.option_delete,
    )
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
        fields = PRICE_RULE_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services.check_scope(
                all_services=bool(data.get("all_services")),
                services=list(data.get("services") or ()),
            )
        except ValidationFailed as invalid:
            for message in translate_details(invalid.details, gettext)["services"]:
                self.add_error("services", message)
        return data


@admin.register(PriceRule)
class PriceRuleAdmin(UseCaseAdmin[PriceRule]):
    written_by = WrittenBy(
        row="rule",
        fields=PRICE_RULE_FIELDS,
        create=services.price_rule_create,
        update=services.price_rule_update,
        delete=services.price_rule_delete,
    )
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
class PromoCodeAdmin(UseCaseAdmin[PromoCode]):
    written_by = WrittenBy(
        row="promo",
        fields=PROMO_FIELDS,
        create=services.promo_code_create,
        update=services.promo_code_update,
        delete=services.promo_code_delete,
    )
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
