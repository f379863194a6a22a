"""Booking endpoints: thin adapters over bookings.services (writes) and bookings.selectors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, cast
from uuid import UUID

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import public as accounts
from bookings import selectors, services
from bookings.api.filters import BookingFilter
from bookings.api.serializers import (
    STAFF_READERS,
    BookingCreateSerializer,
    BookingEventSerializer,
    BookingNotesSerializer,
    BookingSerializer,
    CancelSerializer,
    RateSerializer,
    RescheduleSerializer,
)
from bookings.domain.codes import BookingErrorCode
from bookings.notifications import calendar_event
from bookings.roles import ActorRoles, roles_of
from core.api.codes import error_codes
from core.api.idempotency import idempotent
from core.clock import resolve_now
from core.errors import NotFound
from pricing.public import QUOTE_REFUSALS, PricingErrorCode
from scheduling.public import Reason, SchedulingErrorCode
from vehicles.public import VehicleErrorCode

if TYPE_CHECKING:
    from accounts.models import User
    from bookings.models import Booking, BookingEvent  # noqa: F401 (string subscripts)


def _me(request: Request) -> User:
    return cast("User", request.user)


def _roles(request: Request) -> ActorRoles:
    """The asking user's roles (bookings.roles), read once per request."""
    return roles_of(request)


def _valid(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _present(request: Request, booking_pk: int, *, status_code: int = 200) -> Response:
    """The booking as the asking user sees it now (annotated read after the write)."""
    booking = selectors.bookings_visible_to(_roles(request)).get(pk=booking_pk)
    return _answer(request, booking, status_code=status_code)


def _answer(request: Request, booking: Booking, *, status_code: int = 200) -> Response:
    """A booking read with the read model (or given it by its use case), as the user sees it."""
    (view,) = selectors.booking_views([booking], actor=_roles(request), now=resolve_now(None))
    return Response(BookingSerializer(view).data, status=status_code)


# What a booking's start is refused with: a start not offered (its first reason), one a concurrent
# booking took, one the vehicle has another booking at.
_START_REFUSALS: tuple[StrEnum, ...] = (
    *Reason,
    BookingErrorCode.SLOT_UNAVAILABLE,
    BookingErrorCode.VEHICLE_ALREADY_BOOKED,
)
CREATE_CODES: dict[int, Iterable[StrEnum]] = {
    400: [SchedulingErrorCode.NONEXISTENT_LOCAL_TIME],
    403: [
        accounts.AccountErrorCode.EMAIL_NOT_VERIFIED,
        BookingErrorCode.ROLE_NOT_ALLOWED,
        BookingErrorCode.NOTICE_OVERRIDE_NOT_ALLOWED,
    ],
    404: [
        BookingErrorCode.CUSTOMER_NOT_FOUND,
        VehicleErrorCode.VEHICLE_NOT_FOUND,
        PricingErrorCode.SERVICE_NOT_FOUND,
        PricingErrorCode.SITE_NOT_FOUND,
        SchedulingErrorCode.RESOURCE_NOT_FOUND,
    ],
    409: [
        *_START_REFUSALS,
        *QUOTE_REFUSALS,
        VehicleErrorCode.VEHICLE_ARCHIVED,
        BookingErrorCode.PRICE_CHANGED,
        BookingErrorCode.PENDING_LIMIT_REACHED,
    ],
}


def _action_codes(*conflicts: StrEnum) -> dict[int, Iterable[StrEnum]]:
    """A booking action's codes: the booking's, the role's and the state's, and `conflicts`."""
    return {
        403: [BookingErrorCode.ROLE_NOT_ALLOWED],
        404: [BookingErrorCode.BOOKING_NOT_FOUND],
        409: [BookingErrorCode.INVALID_TRANSITION, *conflicts],
    }


RESCHEDULE_CODES = _action_codes(
    *_START_REFUSALS, BookingErrorCode.TOO_LATE, BookingErrorCode.RESCHEDULE_TOO_LATE
) | {
    400: [SchedulingErrorCode.NONEXISTENT_LOCAL_TIME],
    403: [BookingErrorCode.ROLE_NOT_ALLOWED, BookingErrorCode.OPERATOR_ONLY],
    404: [BookingErrorCode.BOOKING_NOT_FOUND, SchedulingErrorCode.RESOURCE_NOT_FOUND],
}

_BAD_START = OpenApiResponse(
    description="validation_error (details per field); nonexistent_local_time: `start` is a wall "
    "time the site's clock skips when it goes forward, written with one of the site's offsets "
    "(e.g. 2027-03-28T02:30:00+02:00 in Europe/Paris)."
)


class BookingListCreateView(generics.GenericAPIView["Booking"]):
    serializer_class = BookingSerializer
    filterset_class = BookingFilter
    ordering_fields = ("start", "created_at", "reference", "total")
    ordering = ("-start", "-id")

    def get_queryset(self) -> Any:
        return selectors.bookings_visible_to(_roles(self.request))

    @extend_schema(responses={200: BookingSerializer(many=True)}, tags=["bookings"])
    @error_codes()
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        # One moment for the whole page.
        views = selectors.booking_views(page or [], actor=_roles(request), now=resolve_now(None))
        return self.get_paginated_response(BookingSerializer(views, many=True).data)

    @extend_schema(
        request=BookingCreateSerializer,
        responses={
            201: BookingSerializer,
            400: _BAD_START,
            409: OpenApiResponse(
                description="a start that is not offered, with its reason "
                "(docs/rules/scheduling.md; details.reasons lists them all): "
                "not_on_grid, too_soon, beyond_horizon, outside_opening_hours, site_closed, "
                "resource_closed, not_in_resource_hours, no_resource_with_skill, "
                "energy_not_supported, taken; "
                "slot_unavailable (the start was free but a concurrent booking took it), "
                "price_changed (details.quote holds the new quote), "
                "vehicle_already_booked (the vehicle has another active booking over that time; "
                "details.booking: its reference), "
                "pending_limit_reached (the customer holds BOOKING_MAX_PENDING_PER_CUSTOMER "
                "pending bookings; details.limit), ..."
            ),
        },
        tags=["bookings"],
    )
    @idempotent
    @error_codes(CREATE_CODES)
    def post(self, request: Request) -> Response:
        data = _valid(BookingCreateSerializer, request)
        customer_pk = None
        if data.get("customer") is not None:
            customer_pk = accounts.user_pk_by_public_id(data["customer"])
            if customer_pk is None:
                raise NotFound(code=BookingErrorCode.CUSTOMER_NOT_FOUND)
        booking = services.booking_create(
            actor=_me(request),
            customer_id=customer_pk,
            request=services.BookingRequest(
                vehicle_id=data["vehicle"],
                service_code=data["service"],
                site_id=data["site"],
                start=data["start"],
                option_codes=tuple(data["options"]),
                promo_code=data.get("promo_code") or None,
                customer_note=data["customer_note"],
                expected_total=data.get("expected_total"),
            ),
        )
        if booking.customer_id == request.user.pk:
            # Their own booking, as booking_create returns it: the read model attached, the
            # customer theirs; no read back. An operator's for a customer is read back.
            return _answer(request, booking, status_code=status.HTTP_201_CREATED)
        return _present(request, booking.pk, status_code=status.HTTP_201_CREATED)


class BookingDetailView(APIView):
    @extend_schema(responses={200: BookingSerializer}, tags=["bookings"])
    @error_codes({404: [BookingErrorCode.BOOKING_NOT_FOUND]})
    def get(self, request: Request, booking_id: UUID) -> Response:
        booking = selectors.booking_visible_to(booking_id=booking_id, actor=_roles(request))
        return _present(request, booking.pk)

    @extend_schema(
        request=BookingNotesSerializer,
        responses={
            200: BookingSerializer,
            409: OpenApiResponse(
                description="The booking's state no longer allows editing (`invalid_transition`)."
            ),
        },
        tags=["bookings"],
    )
    @error_codes(
        {
            403: [BookingErrorCode.OPERATOR_ONLY],
            404: [BookingErrorCode.BOOKING_NOT_FOUND],
            409: [BookingErrorCode.INVALID_TRANSITION],
        }
    )
    def patch(self, request: Request, booking_id: UUID) -> Response:
        data = _valid(BookingNotesSerializer, request)
        booking = selectors.booking_visible_to(booking_id=booking_id, actor=_roles(request))
        services.booking_update_notes(booking_id=booking.pk, actor=_me(request), **data)
        return _present(request, booking.pk)


@dataclass(frozen=True)
class BookingAction:
    """One `POST bookings/{id}/<name>`: its use case, its input and what its schema says."""

    name: str  # the URL's last segment
    perform: Callable[[User, int, dict[str, Any]], object]  # (actor, booking pk, input)
    codes: Mapping[int, Iterable[StrEnum]]
    input_serializer: type[serializers.Serializer[Any]] | None = None
    conflicts: str = ""  # the 409's description beyond invalid_transition
    errors: Mapping[int, OpenApiResponse] = field(default_factory=dict)


class BookingActionView(APIView):
    """POST bookings/{id}/<action>: one use case, idempotent with an Idempotency-Key."""

    # One view class per action (`for_action`, from ACTIONS) only because drf-spectacular and
    # core.api.codes read an operation's schema and error codes from its view class's handler.

    # Not `action`: DRF and drf-spectacular read that name as a viewset's action.
    booking_action: ClassVar[BookingAction]

    @classmethod
    def for_action(cls, action: BookingAction) -> type[BookingActionView]:
        conflicts = f"; {action.conflicts}" if action.conflicts else ""

        @extend_schema(
            request=action.input_serializer,
            responses={
                200: BookingSerializer,
                409: OpenApiResponse(
                    description="The booking's state does not allow it (`invalid_transition`)"
                    f"{conflicts}. Also `idempotency_in_flight`."
                ),
                **action.errors,
            },
            tags=["bookings"],
        )
        @error_codes(action.codes)
        @idempotent
        def post(self: BookingActionView, request: Request, booking_id: UUID) -> Response:
            return self.run(request, booking_id)

        name = "".join(part.title() for part in action.name.split("-")) + "View"
        return type(
            name, (cls,), {"booking_action": action, "post": post, "__module__": cls.__module__}
        )

    def run(self, request: Request, booking_id: UUID) -> Response:
        action = self.booking_action
        data = _valid(action.input_serializer, request) if action.input_serializer else {}
        booking = selectors.booking_visible_to(booking_id=booking_id, actor=_roles(request))
        action.perform(_me(request), booking.pk, data)
        return _present(request, booking.pk)


ACTIONS = (
    BookingAction(
        "confirm",
        lambda actor, pk, _data: services.booking_confirm(booking_id=pk, actor=actor),
        _action_codes(BookingErrorCode.TOO_LATE),
        conflicts="after its start (`too_late`)",
    ),
    BookingAction(
        "start",
        lambda actor, pk, _data: services.booking_start(booking_id=pk, actor=actor),
        _action_codes(BookingErrorCode.TOO_EARLY, BookingErrorCode.TOO_LATE),
        conflicts="too early (`too_early`) or its time is over (`too_late`)",
    ),
    BookingAction(
        "complete",
        lambda actor, pk, _data: services.booking_complete(booking_id=pk, actor=actor),
        _action_codes(),
    ),
    BookingAction(
        "cancel",
        lambda actor, pk, data: services.booking_cancel(
            booking_id=pk, actor=actor, reason=data["reason"]
        ),
        _action_codes(),
        input_serializer=CancelSerializer,
    ),
    BookingAction(
        "no-show",
        lambda actor, pk, _data: services.booking_no_show(booking_id=pk, actor=actor),
        _action_codes(BookingErrorCode.TOO_EARLY),
        conflicts="before its start (`too_early`)",
    ),
    BookingAction(
        "reschedule",
        lambda actor, pk, data: services.booking_reschedule(
            booking_id=pk, actor=actor, start=data["start"]
        ),
        RESCHEDULE_CODES,
        input_serializer=RescheduleSerializer,
        conflicts="the new start is not offered, with its reason (`not_on_grid`, `too_soon`, "
        "`beyond_horizon`, `outside_opening_hours`, `site_closed`, `resource_closed`, "
        "`not_in_resource_hours`, `no_resource_with_skill`, `taken`: details.reasons), it was "
        "taken by a concurrent booking (`slot_unavailable`), the vehicle is booked then "
        "(`vehicle_already_booked`) or it is too late (`too_late`, `reschedule_too_late`)",
        errors={400: _BAD_START},
    ),
    BookingAction(
        "rate",
        lambda actor, pk, data: services.booking_rate(
            booking_id=pk, actor=actor, stars=data["rating"], comment=data["rating_comment"]
        ),
        _action_codes(BookingErrorCode.ALREADY_RATED, BookingErrorCode.RATING_WINDOW_CLOSED),
        input_serializer=RateSerializer,
        conflicts="already rated (`already_rated`) or too late (`rating_window_closed`)",
    ),
)
ACTION_VIEWS = {action.name: BookingActionView.for_action(action) for action in ACTIONS}


class HistoryView(generics.GenericAPIView["BookingEvent"]):
    serializer_class = BookingEventSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            return selectors.no_history()
        booking = selectors.booking_visible_to(
            booking_id=self.kwargs["booking_id"], actor=_roles(self.request)
        )
        self.reader_role = _roles(self.request).role_toward(booking)
        return selectors.booking_history(booking)

    def get_serializer_context(self) -> dict[str, Any]:
        staff = getattr(self, "reader_role", None) in STAFF_READERS
        return {**super().get_serializer_context(), "reader_is_staff": staff}

    @extend_schema(responses={200: BookingEventSerializer(many=True)}, tags=["bookings"])
    @error_codes({404: [BookingErrorCode.BOOKING_NOT_FOUND]})
    def get(self, request: Request, booking_id: UUID) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ICalendarRenderer(renderers.BaseRenderer):
    """Lets content negotiation pick text/calendar; the view answers the file itself."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        return data if isinstance(data, bytes) else b""


class CalendarView(APIView):
    """The booking's .ics. It serves text/calendar only (a client asking for JSON gets 406); its
    errors are the JSON envelope whatever was asked, as everywhere under /api/."""

    renderer_classes = (ICalendarRenderer,)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(response, Response):  # only errors are DRF responses here
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        description="The booking as an iCalendar file. Only text/calendar is served (asking for "
        "JSON is a 406); errors are the JSON envelope.",
        responses={(200, "text/calendar"): OpenApiTypes.BINARY},
        tags=["bookings"],
    )
    @error_codes({404: [BookingErrorCode.BOOKING_NOT_FOUND]})
    def get(self, request: Request, booking_id: UUID) -> HttpResponse:
        booking = selectors.booking_visible_to(booking_id=booking_id, actor=_roles(request))
        notice = selectors.booking_notice(booking_pk=booking.pk, kind="confirmed")
        if notice is None:
            raise NotFound(code=BookingErrorCode.BOOKING_NOT_FOUND)
        response = HttpResponse(calendar_event(notice), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
        return response
