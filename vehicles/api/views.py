"""Vehicle endpoints: the owner's vehicles only; anyone else's vehicle is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.codes import error_codes
from vehicles import selectors, services
from vehicles.api.filters import VehicleFilter
from vehicles.api.serializers import (
    VehicleCreateSerializer,
    VehicleSerializer,
    VehicleUpdateSerializer,
)
from vehicles.domain.codes import VehicleErrorCode

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from vehicles.models import Vehicle

TAGS = ["vehicles"]
ORDERING_FIELDS = ("created_at", "updated_at", "plate", "make", "model", "year", "nickname")
NOT_FOUND = OpenApiResponse(description="No such vehicle among yours.")
# A change of the owner's vehicles waits for their locks (vehicles_busy) or meets a concurrent one.
CONCURRENT = (VehicleErrorCode.VEHICLES_BUSY, VehicleErrorCode.VEHICLE_CONFLICT)


def _me(request: Request) -> User:
    return cast("User", request.user)


def _valid(serializer_class: type[Any], request: Request, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class VehicleListView(ListModelMixin, GenericAPIView["Vehicle"]):
    serializer_class = VehicleSerializer
    filterset_class = VehicleFilter
    ordering_fields = ORDERING_FIELDS
    ordering_help = "By default the default vehicle first, then the newest."

    def get_queryset(self) -> QuerySet[Vehicle]:
        return selectors.vehicles_of_owner(owner_id=_me(self.request).pk)

    @extend_schema(
        summary="List my vehicles",
        description="Active vehicles, the default first; `archived=true` lists archived ones.",
        responses={200: VehicleSerializer(many=True)},
        tags=TAGS,
    )
    @error_codes()
    def get(self, request: Request) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Register a vehicle",
        description="The first active vehicle becomes the default. At most 20 active vehicles.",
        request=VehicleCreateSerializer,
        responses={
            201: VehicleSerializer,
            409: OpenApiResponse(
                description="Plate already registered (`plate_already_registered`) or 20 "
                "vehicles already (`vehicle_limit_reached`)."
            ),
        },
        tags=TAGS,
    )
    @error_codes(
        {
            409: [
                VehicleErrorCode.PLATE_ALREADY_REGISTERED,
                VehicleErrorCode.VEHICLE_LIMIT_REACHED,
                *CONCURRENT,
            ]
        }
    )
    def post(self, request: Request) -> Response:
        vehicle = services.vehicle_create(
            actor=_me(request), **_valid(VehicleCreateSerializer, request)
        )
        return Response(VehicleSerializer(vehicle).data, status=status.HTTP_201_CREATED)


class VehicleDetailView(APIView):
    @extend_schema(
        summary="One of my vehicles",
        responses={200: VehicleSerializer, 404: NOT_FOUND},
        tags=TAGS,
    )
    @error_codes({404: [VehicleErrorCode.VEHICLE_NOT_FOUND]})
    def get(self, request: Request, vehicle_id: UUID) -> Response:
        vehicle = selectors.vehicle_of_owner(vehicle_id=vehicle_id, owner_id=_me(request).pk)
        return Response(VehicleSerializer(vehicle).data)

    @extend_schema(
        summary="Change a vehicle's details",
        request=VehicleUpdateSerializer,
        responses={
            200: VehicleSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="Archived (`vehicle_archived`) or plate already registered "
                "(`plate_already_registered`)."
            ),
        },
        tags=TAGS,
    )
    @error_codes(
        {
            404: [VehicleErrorCode.VEHICLE_NOT_FOUND],
            409: [
                VehicleErrorCode.VEHICLE_ARCHIVED,
                VehicleErrorCode.PLATE_ALREADY_REGISTERED,
                *CONCURRENT,
            ],
        }
    )
    def patch(self, request: Request, vehicle_id: UUID) -> Response:
        changes = _valid(VehicleUpdateSerializer, request, partial=True)
        vehicle = services.vehicle_update(vehicle_id=vehicle_id, actor=_me(request), **changes)
        return Response(VehicleSerializer(vehicle).data)

    @extend_schema(
        summary="Remove a vehicle",
        description="Deleted if it was never booked, archived otherwise (bookings keep it).",
        responses={
            204: OpenApiResponse(description="Deleted, or archived if it was ever booked."),
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="It has an upcoming booking (`vehicle_has_active_booking`)."
            ),
        },
        tags=TAGS,
    )
    @error_codes(
        {
            404: [VehicleErrorCode.VEHICLE_NOT_FOUND],
            409: [VehicleErrorCode.VEHICLE_HAS_ACTIVE_BOOKING, *CONCURRENT],
        }
    )
    def delete(self, request: Request, vehicle_id: UUID) -> Response:
        services.vehicle_delete(vehicle_id=vehicle_id, actor=_me(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VehicleSetDefaultView(APIView):
    @extend_schema(
        summary="Make a vehicle my default",
        request=None,
        responses={
            200: VehicleSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(description="The vehicle is archived (`vehicle_archived`)."),
        },
        tags=TAGS,
    )
    @error_codes(
        {
            404: [VehicleErrorCode.VEHICLE_NOT_FOUND],
            409: [VehicleErrorCode.VEHICLE_ARCHIVED, *CONCURRENT],
        }
    )
    def post(self, request: Request, vehicle_id: UUID) -> Response:
        vehicle = services.vehicle_set_default(vehicle_id=vehicle_id, actor=_me(request))
        return Response(VehicleSerializer(vehicle).data)
