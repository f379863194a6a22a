"""The error-code vocabulary (one StrEnum per app and the kernel's) and the schema's promise: each
operation lists, per error status, every code it answers (docs/rules/api.md, "Error codes")."""

from __future__ import annotations

import inspect
import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from enum import StrEnum
from functools import cache
from typing import Any, cast
from uuid import uuid4

import pytest
import rest_framework_simplejwt.authentication
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions
from rest_framework.test import APIClient

from accounts.public import AccountErrorCode
from bookings.public import BookingErrorCode
from core.api.codes import MARK, declared_codes
from core.api.exceptions import UnlistedErrorCode, framework_code
from core.errors import ErrorCode
from pricing.public import PricingErrorCode
from scheduling.public import Reason, SchedulingErrorCode
from tests.bookings.factories import World, at, make_world
from tests.pricing.factories import PromoCodeFactory
from vehicles.api.views import VehicleDetailView
from vehicles.public import VehicleErrorCode

ENUMS: tuple[type[StrEnum], ...] = (
    ErrorCode,
    AccountErrorCode,
    VehicleErrorCode,
    PricingErrorCode,
    SchedulingErrorCode,
    Reason,
    BookingErrorCode,
)
# Values that two enums hold on purpose (the same meaning): none so far. A code several apps
# answer lives in the lowest app that raises it, and the others use its member.
SHARED: frozenset[str] = frozenset()
# Members no API operation answers: the kernel's defaults and fallbacks, what only the back-office
# or a task raises, a quote's reason that is never a refusal.
NOT_ANSWERED_BY_THE_API: frozenset[StrEnum] = frozenset(
    {
        ErrorCode.INVALID,
        ErrorCode.CONFLICT,
        ErrorCode.UNPROCESSABLE,
        ErrorCode.ERROR,
        ErrorCode.METHOD_NOT_ALLOWED,  # answered for a method that is no operation of the path
        AccountErrorCode.ACCOUNT_CLOSED,  # the booking desk
        AccountErrorCode.STAFF_ACCOUNT,  # the booking desk
        PricingErrorCode.PRICE_RULES_NEED_START,
        PricingErrorCode.SKILL_NOT_FOUND,
        PricingErrorCode.SKILL_EXISTS,
        PricingErrorCode.SKILL_IN_USE,
        PricingErrorCode.SERVICE_EXISTS,
        PricingErrorCode.SERVICE_IN_USE,
        PricingErrorCode.OPTION_EXISTS,
        PricingErrorCode.PROMO_EXISTS,
        PricingErrorCode.PROMO_IN_USE,
        PricingErrorCode.CATALOGUE_INVALID,
        SchedulingErrorCode.SITE_EXISTS,
        SchedulingErrorCode.SITE_IN_USE,
        SchedulingErrorCode.RESOURCE_EXISTS,
        SchedulingErrorCode.RESOURCE_IN_USE,
        SchedulingErrorCode.DATE_EXCEPTION_EXISTS,
        SchedulingErrorCode.DATE_EXCEPTION_HITS_BOOKINGS,
        BookingErrorCode.NOT_DUE,  # the expiry task
        BookingErrorCode.NO_FEE_TO_WAIVE,  # the back-office
    }
)
METHODS = ("get", "post", "put", "patch", "delete")


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return schema


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def _listed(schema: dict[str, Any], path: str, method: str, status: int) -> list[str]:
    """The enum of the codes the operation lists for `status`."""
    response = schema["paths"][path][method]["responses"][str(status)]
    ref = response["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    codes: list[str] = component["properties"]["error"]["properties"]["code"]["enum"]
    return codes


# (a) The vocabulary.


def test_a_code_value_is_in_one_enum_only_unless_shared_on_purpose() -> None:
    counts = Counter(member.value for enum in ENUMS for member in enum)
    assert {value for value, count in counts.items() if count > 1} == SHARED


@pytest.mark.parametrize("enum", ENUMS, ids=lambda enum: enum.__name__)
def test_each_member_is_named_after_its_value(enum: type[StrEnum]) -> None:
    for member in enum:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", member.value), member
        assert member.name == member.value.upper(), member


def _api_exception_classes() -> list[type[exceptions.APIException]]:
    found: list[type[exceptions.APIException]] = []
    pending: list[type[exceptions.APIException]] = [exceptions.APIException]
    while pending:
        klass = pending.pop()
        found.append(klass)
        pending.extend(klass.__subclasses__())
    return found


def test_every_framework_exception_code_is_a_kernel_member() -> None:
    # DRF's, simplejwt's and the parsers' exceptions (loaded with the URLconf): what the handler
    # maps to a member; none of them falls back to `error`.
    codes = {str(klass.default_code) for klass in _api_exception_classes()}
    source = inspect.getsource(rest_framework_simplejwt.authentication)
    codes |= set(re.findall(r'code="([a-z_]+)"', source))  # simplejwt's explicit ones
    assert {"parse_error", "token_not_valid", "password_changed", "json_too_deep"} <= codes
    values = {member.value for member in ErrorCode}
    assert codes - values == set()
    assert all(framework_code(code) == code for code in codes)


def test_an_unknown_framework_code_is_answered_as_error() -> None:
    assert framework_code("no_such_code") is ErrorCode.ERROR


# (b) Every operation lists its codes.


def test_every_documented_view_method_declares_its_codes() -> None:
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    documented = [
        (path, method, callback.cls)
        for path, _regex, method, callback in cast(
            "list[tuple[str, str, str, Any]]", generator.endpoints
        )  # four items each; the stubs say three
        if method.lower() in _schema()["paths"].get(path, {})  # not the schema's own pages
    ]
    assert len(documented) == len(list(_operations(_schema())))
    undeclared = [
        f"{method} {path}"
        for path, method, view in documented
        if declared_codes(view, method) is None
    ]
    assert undeclared == []


def test_every_error_response_of_every_operation_has_the_enum_of_its_codes() -> None:
    schema = _schema()
    operations = list(_operations(schema))
    assert len(operations) > 40
    for path, method, operation in operations:
        statuses = {int(s) for s in operation["responses"] if int(s) >= 400}
        # What every operation can answer (throttles, credentials, the proxy, the database).
        assert {400, 401, 403, 404, 406, 413, 414, 429, 500, 502, 503, 504} <= statuses, path
        for status in statuses:
            listed = _listed(schema, path, method, status)
            assert listed, (path, method, status)
            assert listed == sorted(set(listed)), (path, method, status)
        assert "not_authenticated" in _listed(schema, path, method, 401)
        assert "throttled" in _listed(schema, path, method, 429)
        if method in {"post", "put", "patch"}:
            assert "unsupported_media_type" in _listed(schema, path, method, 415)
            assert "parse_error" in _listed(schema, path, method, 400)


def test_the_generic_envelope_stays() -> None:
    envelope = _schema()["components"]["schemas"]["ErrorEnvelope"]
    assert envelope["properties"]["error"]["properties"]["code"] == {
        "type": "string",
        "description": "Stable machine-readable code.",
    }


def test_each_app_code_is_listed_by_an_operation_or_known_not_to_be() -> None:
    schema = _schema()
    listed = {
        code
        for path, method, operation in _operations(schema)
        for status in operation["responses"]
        if int(status) >= 400
        for code in _listed(schema, path, method, int(status))
    }
    members = {str(member) for enum in ENUMS for member in enum}
    not_answered = {str(member) for member in NOT_ANSWERED_BY_THE_API}
    assert members - not_answered - listed == set()
    assert not_answered & listed == set()


def test_an_operation_lists_its_refusals_at_their_status() -> None:
    schema = _schema()
    create = ("/api/v1/bookings", "post")
    assert {"taken", "too_soon", "slot_unavailable", "promo_expired", "price_changed"} <= set(
        _listed(schema, *create, 409)
    )
    assert "idempotency_key_reused" in _listed(schema, *create, 422)
    assert "taken" not in _listed(schema, *create, 404)
    assert _listed(schema, "/api/v1/me", "get", 404) == ["not_found"]


# (c) What the API answers is what the operation lists.


@pytest.fixture
def world(clock: Any, db: None) -> World:
    world = make_world(resources=1)
    clock.set(at(world.day, 8) - timedelta(days=3))
    return world


def _book(client: APIClient, world: World, vehicle: Any = None, **extra: Any) -> Any:
    body = {
        "vehicle": str((vehicle or world.vehicle).public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": at(world.day, 10).isoformat(),
        **extra,
    }
    return client.post("/api/v1/bookings", body, format="json")


def _answered(response: Any, path: str, method: str, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert code in _listed(_schema(), path, method, status)


def test_the_refusals_the_api_answers_are_listed_by_their_operation(
    world: World, client_for: Any, api_client: APIClient
) -> None:
    customer = client_for(world.customer)
    booking = _book(customer, world).json()
    other, vehicle = world.new_customer()
    _answered(_book(client_for(other), world, vehicle), "/api/v1/bookings", "post", 409, "taken")
    _answered(
        client_for(world.operator).post(f"/api/v1/bookings/{booking['id']}/complete"),
        "/api/v1/bookings/{booking_id}/complete",
        "post",
        409,
        "invalid_transition",
    )
    PromoCodeFactory.create(code="GONE", valid_until=at(world.day, 0) - timedelta(days=10))
    second, car = world.new_customer()
    _answered(
        _book(
            client_for(second), world, car, start=at(world.day, 11).isoformat(), promo_code="GONE"
        ),
        "/api/v1/bookings",
        "post",
        409,
        "promo_expired",
    )
    _answered(
        customer.get(f"/api/v1/vehicles/{uuid4()}"),
        "/api/v1/vehicles/{vehicle_id}",
        "get",
        404,
        "vehicle_not_found",
    )
    _answered(
        customer.get(f"/api/v1/bookings/{uuid4()}"),
        "/api/v1/bookings/{booking_id}",
        "get",
        404,
        "booking_not_found",
    )
    _answered(
        customer.post("/api/v1/vehicles", {}, format="json"),
        "/api/v1/vehicles",
        "post",
        400,
        "validation_error",
    )
    _answered(
        customer.post("/api/v1/vehicles", "plate=AB", content_type="text/plain"),
        "/api/v1/vehicles",
        "post",
        415,
        "unsupported_media_type",
    )
    _answered(api_client.get("/api/v1/me"), "/api/v1/me", "get", 401, "not_authenticated")


def test_a_method_no_operation_has_is_the_kernel_405(world: World, client_for: Any) -> None:
    response = client_for(world.customer).put("/api/v1/vehicles", {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == ErrorCode.METHOD_NOT_ALLOWED
    assert "put" not in _schema()["paths"]["/api/v1/vehicles"]


def test_a_code_its_operation_does_not_list_fails_the_request(
    world: World, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The view forgets vehicle_not_found: the schema no longer lists it, and the request that
    # answers it fails (API_ERROR_CODES_CHECK = "raise" in the tests).
    monkeypatch.setattr(VehicleDetailView.get, MARK, {})
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "vehicle_not_found" not in _listed(schema, "/api/v1/vehicles/{vehicle_id}", "get", 404)
    with pytest.raises(UnlistedErrorCode, match="vehicle_not_found"):
        client_for(world.customer).get(f"/api/v1/vehicles/{uuid4()}")
