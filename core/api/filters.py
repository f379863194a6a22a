"""The one ordering filter of every list. A list orders by the fields it names in its view's
`ordering_fields`, one at a time (`-` for descending); an ordering it does not offer is refused
with a 400, never silently ignored, and a list without `ordering_fields` offers none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

ORDERING_PARAM = "ordering"


def ordering_choices(fields: Sequence[str]) -> list[str]:
    """Every value `ordering` may take for these fields: each ascending, then descending."""
    return [f"{sign}{name}" for name in fields for sign in ("", "-")]


def unknown_ordering(value: str, fields: Sequence[str]) -> serializers.ValidationError:
    return serializers.ValidationError(
        {
            ORDERING_PARAM: [
                _("Unknown ordering “%(value)s”; use one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(ordering_choices(fields))}
            ]
        }
    )


def requested_ordering(request: Request, fields: Sequence[str]) -> str | None:
    """The client's `ordering`, checked against `fields`; None when it asked for none."""
    value = request.query_params.get(ORDERING_PARAM)
    if value is None or value == "":
        return None
    if value not in ordering_choices(fields):
        raise unknown_ordering(value, fields)
    return value


def _description(default_help: str | None) -> str:
    description = "Sort by this field; prefix it with `-` for descending."
    return f"{description} {default_help}" if default_help else description


def ordering_parameter(fields: Sequence[str], *, default_help: str | None = None) -> Any:
    """The `ordering` parameter of a list that orders in Python rather than through this filter
    (checked there with `requested_ordering`)."""
    return OpenApiParameter(
        ORDERING_PARAM,
        str,
        description=_description(default_help),
        enum=[*ordering_choices(fields), ""],  # empty: the default order, as in the filter
    )


class OrderingFilter(BaseFilterBackend):
    """The client's ordering, then the primary key (newest first) so that pages never repeat or
    skip a row; without one, the view's `ordering` or the queryset's own order."""

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: Any
    ) -> QuerySet[Any]:
        fields: Sequence[str] = getattr(view, "ordering_fields", None) or ()
        if not fields:
            return queryset
        ordering = requested_ordering(request, fields)
        if ordering is not None:
            return queryset.order_by(ordering, "-pk")
        default = getattr(view, "ordering", None)
        if default:
            return queryset.order_by(*((default,) if isinstance(default, str) else default))
        return queryset

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        fields: Sequence[str] = getattr(view, "ordering_fields", None) or ()
        if not fields:
            return []
        return [
            {
                "name": ORDERING_PARAM,
                "required": False,
                "in": "query",
                "description": _description(getattr(view, "ordering_help", None)),
                "schema": {"type": "string", "enum": ordering_choices(fields)},
            }
        ]
