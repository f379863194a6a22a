"""Sites and availability endpoints: thin adapters over the scheduling selectors."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.public import is_operator
from core.api.codes import error_codes
from core.errors import NotFound, PermissionDenied, ValidationFailed, translate_details
from core.metrics import Histogram
from pricing.public import SERVICE_NOT_FOR_ENERGY, PricingErrorCode, QuoteRefused
from scheduling.api.availability import availability_body, requirements_of, service_body, site_body
from scheduling.api.serializers import (
    AvailabilityQuerySerializer,
    AvailabilitySerializer,
    ExplainQuerySerializer,
    ExplanationSerializer,
    SiteDetailSerializer,
    SiteSerializer,
    SuggestionsSerializer,
    SuggestQuerySerializer,
)
from scheduling.domain import refusals
from scheduling.domain.geo import GeoPoint
from scheduling.selectors import availability, requirements, sites, suggest
from scheduling.selectors import explain as explain_selectors
from vehicles.public import VehicleErrorCode

if TYPE_CHECKING:
    from scheduling.models import Site

LIST_PARAMS = ("options", "part_of_day", "weekdays")
# What the service and the vehicle (or category) of a query are refused with.
REQUIREMENTS_NOT_FOUND = (PricingErrorCode.SERVICE_NOT_FOUND, VehicleErrorCode.VEHICLE_NOT_FOUND)
SERVICE_REFUSALS = (
    PricingErrorCode.SERVICE_INACTIVE,
    PricingErrorCode.SERVICE_NOT_FOR_ENERGY,
    VehicleErrorCode.VEHICLE_ARCHIVED,
)
SERVICE_REFUSED = OpenApiResponse(
    description="The service is inactive (`service_inactive`), not done on the vehicle's energy "
    "(`service_not_for_energy`), or the vehicle is archived (`vehicle_archived`)."
)


def _query(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    """Validated query parameters; list parameters may be repeated or comma-separated."""
    data: dict[str, Any] = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        if key in LIST_PARAMS:
            data[key] = [item.strip() for raw in values for item in raw.split(",") if item.strip()]
        else:
            data[key] = values[-1]
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class SiteListView(generics.ListAPIView["Site"]):
    permission_classes = (permissions.AllowAny,)
    serializer_class = SiteSerializer
    ordering_fields = ("name",)
    filterset_fields = {"name": ["icontains"]}

    def get_queryset(self) -> QuerySet[Site]:
        return sites.site_list()

    @extend_schema(tags=["sites"])
    @error_codes()
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class SiteDetailView(APIView):
    permission_classes = (permissions.AllowAny,)

    @extend_schema(responses={200: SiteDetailSerializer}, tags=["sites"])
    @error_codes()
    def get(self, request: Request, site_id: UUID) -> Response:
        site = sites.site_detail(site_id)
        if site is None:
            raise NotFound(_("No site has this id."))
        return Response(SiteDetailSerializer(site).data)


AVAILABILITY_SECONDS = Histogram(
    "availability_computation_seconds",
    "Time to compute a site's free starts for GET availability (queries included).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


class AvailabilityView(APIView):
    permission_classes = (permissions.AllowAny,)

    @extend_schema(
        parameters=[AvailabilityQuerySerializer],
        responses={200: AvailabilitySerializer, 409: SERVICE_REFUSED},
        tags=["availability"],
        description=_(
            "Free start times of a site for a service, over at most 31 days, on the site's "
            "clock, each with how many resources could take it."
        ),
    )
    @error_codes(
        {404: [PricingErrorCode.SITE_NOT_FOUND, *REQUIREMENTS_NOT_FOUND], 409: SERVICE_REFUSALS}
    )
    def get(self, request: Request) -> Response:
        params = _query(AvailabilityQuerySerializer, request)
        if params["include_resources"] and not is_operator(request.user):
            raise PermissionDenied(_("Only operators may see which resources are free."))
        with AVAILABILITY_SECONDS.time():
            body = availability_body(params, request.user)
        return Response(body)


class SuggestView(APIView):
    permission_classes = (permissions.AllowAny,)

    @extend_schema(
        parameters=[SuggestQuerySerializer],
        responses={200: SuggestionsSerializer, 409: SERVICE_REFUSED},
        tags=["availability"],
        description=_(
            "The next free starts over the sites within radius_km of (lat, lon), ordered by "
            "start time then distance (great-circle)."
        ),
    )
    @error_codes({404: REQUIREMENTS_NOT_FOUND, 409: SERVICE_REFUSALS})
    def get(self, request: Request) -> Response:
        params = _query(SuggestQuerySerializer, request)
        after = None
        if params.get("after"):
            after = availability.parse_instant("after", params["after"])
        req = requirements_of(params, request.user)
        found = suggest.suggest(
            requirements=req,
            origin=GeoPoint(params["lat"], params["lon"]),
            radius_km=params["radius_km"],
            after=after,
            parts=set(params["part_of_day"]),
            weekdays=set(params["weekdays"]),
            limit=params["limit"],
        )
        return Response(
            {
                "service": service_body(req),
                "suggestions": [
                    {
                        "start": s.start.isoformat(),
                        "end": s.end.isoformat(),
                        "site": site_body(s.site),
                        "distance_km": round(s.distance_km, 3),
                        "free_resources": s.free_resources,
                    }
                    for s in found
                ],
            }
        )


class ExplainView(APIView):
    permission_classes = (permissions.AllowAny,)

    @extend_schema(
        parameters=[ExplainQuerySerializer],
        responses={
            200: ExplanationSerializer,
            409: OpenApiResponse(
                description="The service is inactive (`service_inactive`) or the vehicle is "
                "archived (`vehicle_archived`). A service not done on the vehicle's energy is "
                "a reason (`energy_not_supported`), not a refusal."
            ),
        },
        tags=["availability"],
        description=_(
            "Whether one start is offered and, when not, every rule that rules it out: for the "
            "start itself and for each compatible resource (operators see the resources, the "
            "closures' reasons and the blocking bookings; others see the reasons only), with "
            "the nearest offered starts before and after it. The same engine as availability."
        ),
    )
    @error_codes(
        {404: [PricingErrorCode.SITE_NOT_FOUND, *REQUIREMENTS_NOT_FOUND], 409: SERVICE_REFUSALS}
    )
    def get(self, request: Request) -> Response:
        params = _query(ExplainQuerySerializer, request)
        start = availability.parse_moment("start", params["start"])
        if not isinstance(start, datetime):
            raise ValidationFailed(
                details={"start": [_("Give a date and time with its UTC offset.")]}
            )
        energy_supported = True
        try:
            req = requirements_of(params, request.user)
        except QuoteRefused as refused:
            if refused.code != SERVICE_NOT_FOR_ENERGY:
                raise
            energy_supported = False
            req = requirements.requirements_for(
                service_code=params["service"],
                option_codes=params["options"],
                category=params.get("category"),
                vehicle_id=params.get("vehicle"),
                user=request.user,
                ignore_energy=True,
            )
        found = explain_selectors.explain_site_start(
            site_id=params["site"],
            requirements=req,
            start=start,
            energy_supported=energy_supported,
        )
        operator = is_operator(request.user)
        explanation = found.explanation
        body = {
            "site": site_body(found.policy),
            "service": service_body(req),
            "start": explanation.start.isoformat(),
            "end": explanation.end.isoformat(),
            "offered": explanation.offered,
            "reasons": refusals.reasons(explanation, operator=operator),
            "resources": (refusals.resources(explanation, found.resources) if operator else None),
            "nearest": {
                "before": _iso(explanation.before),
                "after": _iso(explanation.after),
            },
        }
        return Response(translate_details(body, gettext))


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
