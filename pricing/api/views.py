"""Catalogue and quote endpoints: public, thin adapters over the pricing selectors."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.codes import error_codes
from core.api.filters import ordering_parameter, requested_ordering
from core.api.pagination import DefaultPagination
from core.api.throttling import AnonRateThrottle, PromoQuoteThrottle, UserRateThrottle
from pricing import selectors
from pricing.api.serializers import (
    LISTING_ORDERINGS,
    QuoteRequestSerializer,
    QuoteSerializer,
    ServiceListingSerializer,
    ServiceListQuerySerializer,
)
from pricing.domain.codes import PricingErrorCode
from pricing.domain.vocabulary import SERVICE_KINDS
from vehicles.public import VehicleErrorCode

TAGS = ["catalogue"]


def _valid(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _ordered(listing: list[dict[str, Any]], ordering: str | None) -> list[dict[str, Any]]:
    if not ordering:
        return listing  # by name, then code
    field = ordering.lstrip("-")
    numeric = field in {"base_price", "base_duration_minutes"}

    def key(item: dict[str, Any]) -> tuple[Any, str]:
        value = item[field]
        return (float(value) if numeric else value, item["code"])

    return sorted(listing, key=key, reverse=ordering.startswith("-"))


class ServiceListView(APIView):
    permission_classes = (permissions.AllowAny,)
    pagination_class = DefaultPagination

    @extend_schema(
        summary="The service catalogue",
        description=(
            "Active services with their price and duration for every vehicle category and the "
            "options offered. Prices include tax; time-based rules and promos are in quotes."
        ),
        parameters=[
            # Empty is no choice: DRF reads an empty optional query value as absent.
            OpenApiParameter("kind", str, enum=[*SERVICE_KINDS, ""]),
            ordering_parameter(LISTING_ORDERINGS, default_help="By default by name."),
        ],
        responses={200: ServiceListingSerializer(many=True)},
        tags=TAGS,
    )
    @error_codes()
    def get(self, request: Request) -> Response:
        query = _valid(ServiceListQuerySerializer, request.query_params)
        listing = _ordered(
            selectors.active_catalogue(kind=query.get("kind")),
            requested_ordering(request, LISTING_ORDERINGS),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(cast(Any, listing), request, view=self)
        return paginator.get_paginated_response(page)


class ServiceDetailView(APIView):
    permission_classes = (permissions.AllowAny,)

    @extend_schema(
        summary="One service of the catalogue",
        responses={
            200: ServiceListingSerializer,
            404: OpenApiResponse(description="No active service with this code."),
        },
        tags=TAGS,
    )
    @error_codes({404: [PricingErrorCode.SERVICE_NOT_FOUND]})
    def get(self, request: Request, code: str) -> Response:
        return Response(selectors.active_service_listing(code=code))


class QuoteView(APIView):
    permission_classes = (permissions.AllowAny,)
    throttle_classes = (AnonRateThrottle, UserRateThrottle, PromoQuoteThrottle)

    @extend_schema(
        summary="Get a quote",
        description=(
            "The exact price of a service for a vehicle category (anonymous) or one of your "
            "vehicles (authenticated), with options, an optional site and start (time-based "
            "prices) and an optional promo code. What does not apply is listed in `reasons`."
        ),
        request=QuoteRequestSerializer,
        responses={
            200: QuoteSerializer,
            401: OpenApiResponse(description="A vehicle was given without authentication."),
            404: OpenApiResponse(description="Unknown service, vehicle (or not yours) or site."),
            409: OpenApiResponse(
                description="`service_inactive`, `service_not_for_energy`, `vehicle_archived`."
            ),
        },
        tags=TAGS,
    )
    @error_codes(
        {
            404: [
                PricingErrorCode.SERVICE_NOT_FOUND,
                PricingErrorCode.SITE_NOT_FOUND,
                VehicleErrorCode.VEHICLE_NOT_FOUND,
            ],
            409: [
                PricingErrorCode.SERVICE_INACTIVE,
                PricingErrorCode.SERVICE_NOT_FOR_ENERGY,
                VehicleErrorCode.VEHICLE_ARCHIVED,
            ],
        }
    )
    def post(self, request: Request) -> Response:
        data = _valid(QuoteRequestSerializer, request.data)
        user = request.user
        quote = selectors.quote_for_request(
            service_code=data["service"],
            category=data.get("category"),
            energy=data.get("energy"),
            vehicle_id=data.get("vehicle"),
            customer_id=user.pk if user.is_authenticated else None,
            option_codes=data["options"],
            site_id=data.get("site"),
            start=data.get("start"),
            promo_code=data.get("promo_code") or None,
        )
        return Response(quote.as_dict())
