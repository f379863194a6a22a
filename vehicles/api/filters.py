from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vehicles.domain.vocabulary import CATEGORIES, ENERGIES
from vehicles.models import Vehicle


class VehicleFilter(django_filters.FilterSet):
    # A strict choice, not a BooleanFilter: that one reads "maybe" as "no filter" and would list
    # archived and active vehicles together.
    archived = django_filters.ChoiceFilter(
        choices=[("false", "false"), ("true", "true")],
        method="filter_archived",
        help_text=_("false (the default): active vehicles; true: archived vehicles."),
    )
    category = django_filters.ChoiceFilter(choices=[(c, c) for c in CATEGORIES])
    energy = django_filters.ChoiceFilter(choices=[(e, e) for e in ENERGIES])

    class Meta:
        model = Vehicle
        fields = ("archived", "category", "energy")

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # Archived vehicles are history: listed only when asked for.
        data = data.copy() if data is not None else {}
        if not data.get("archived"):
            data["archived"] = "false"
        super().__init__(data, *args, **kwargs)

    def filter_archived(
        self, queryset: QuerySet[Vehicle], name: str, value: str
    ) -> QuerySet[Vehicle]:
        return queryset.filter(is_archived=value == "true")
