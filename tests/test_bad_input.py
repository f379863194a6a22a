"""Bad input on every write endpoint answers a 4xx envelope and changes nothing stored.

The endpoints are discovered, not listed: every POST/PUT/PATCH/DELETE of a DRF view under /api/
in the URL conf, checked against the OpenAPI schema (which says which take a body and which of
their fields are date-times). A new endpoint is covered the day it is added; one the schema
does not describe fails here. The inputs (SPEC §7, "no input ever produces a 500"):

- a body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413, whether or not the endpoint reads a body;
- JSON nested ~1,000 deep: 400 `json_too_deep`;
- a lone UTF-16 surrogate ("\\ud800@x.com") in any string, key or value: 400 `invalid_text`;
- a date-time at the edges of the calendar (year 1 at +14:00 is year 0 in UTC; 9999-12-31T23:30Z
  overflows on any site clock east of UTC): 400 naming the field, in bodies and in filters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.services import sessions as account_sessions
from bookings import services as booking_services
from tests.bookings.factories import World, at, make_world
from tests.conftest import FakeClock

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
EDGES = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:30:00Z")
SURROGATE = "\ud800@x.com"
# Query parameters that take "a date or a date-time" as text (the schema can only say "string").
MOMENT_PARAMETERS = {"from", "to", "after"}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as the schema writes it: /api/v1/bookings/{booking_id}
    body_schema: dict[str, Any] | None  # the request body's object schema, None: takes no body

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _routes(pattern.url_patterns, route)
        else:
            found.append((route, pattern.callback))
    return found


def _url_conf_writes() -> set[tuple[str, str]]:
    """(method, schema path) of every write method of a DRF view under /api/."""
    writes = set()
    for route, callback in _routes(get_resolver().url_patterns):
        view_class = getattr(callback, "cls", None)
        if not route.startswith("api/") or not (view_class and issubclass(view_class, APIView)):
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        writes |= {(method, path) for method in WRITE_METHODS if hasattr(view_class, method)}
    return writes


SCHEMA = SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return _resolve(SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[1]])


def _operations() -> list[Operation]:
    found = []
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            if method not in WRITE_METHODS:
                continue
            body = operation.get("requestBody")
            body_schema = _resolve(body["content"]["application/json"]["schema"]) if body else None
            found.append(Operation(method, path, body_schema))
    return sorted(found, key=str)


OPERATIONS = _operations()
WITH_BODY = [op for op in OPERATIONS if op.body_schema is not None]


def test_the_schema_describes_every_write_endpoint_of_the_url_conf() -> None:
    assert {(op.method, op.path) for op in OPERATIONS} == _url_conf_writes()
    assert len(WITH_BODY) >= 10  # the discovery found the API, not an empty schema


def _properties(op: Operation) -> dict[str, dict[str, Any]]:
    assert op.body_schema is not None
    return {name: _resolve(prop) for name, prop in op.body_schema.get("properties", {}).items()}


def _string_fields(op: Operation) -> list[tuple[Operation, str, str | list[str]]]:
    cases: list[tuple[Operation, str, str | list[str]]] = []
    for name, prop in _properties(op).items():
        if prop.get("readOnly"):
            continue
        if prop.get("type") == "string" or "enum" in prop:
            cases.append((op, name, SURROGATE))
        elif (
            prop.get("type") == "array" and _resolve(prop.get("items", {})).get("type") == "string"
        ):
            cases.append((op, name, [SURROGATE]))
    return cases


def _date_time_fields(op: Operation) -> list[tuple[Operation, str, str]]:
    return [
        (op, name, edge)
        for name, prop in _properties(op).items()
        if prop.get("format") == "date-time" and not prop.get("readOnly")
        for edge in EDGES
    ]


STRING_CASES = [case for op in WITH_BODY for case in _string_fields(op)]
DATE_CASES = [case for op in WITH_BODY for case in _date_time_fields(op)]


def _case_id(case: tuple[Operation, str, Any]) -> str:
    op, field, value = case
    return f"{op} {field}={value!r}"


# --- the world every request runs against -------------------------------------------------------


@dataclass
class Scene:
    world: World
    client: APIClient
    path_values: dict[str, str]


@pytest.fixture
def scene(clock: FakeClock, client_for: Callable[[User], APIClient]) -> Scene:
    world = make_world(resources=2)
    clock.set(at(world.day, 8) - timedelta(days=3))
    booking = booking_services.booking_create(
        actor=world.customer,
        request=booking_services.BookingRequest(
            vehicle_id=world.vehicle.public_id,
            service_code=world.service.code,
            site_id=world.site.public_id,
            start=at(world.day, 10),
        ),
    )
    pair = account_sessions.session_start(user=world.customer)  # an API session of theirs
    return Scene(
        world=world,
        client=client_for(world.customer),  # owns the booking and the vehicle: no 404 first
        path_values={
            "booking_id": str(booking.public_id),
            "vehicle_id": str(world.vehicle.public_id),
            "session_id": str(RefreshToken(pair.refresh)["sid"]),  # type: ignore[arg-type]
        },
    )


def _url(scene: Scene, op: Operation) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in scene.path_values:
            pytest.fail(f"{op}: give the scene a value for the path parameter {name!r}")
        return scene.path_values[name]

    return re.sub(r"\{(\w+)\}", value, op.path)


def _send(scene: Scene, op: Operation, body: str, **extra: Any) -> Any:
    method = getattr(scene.client, op.method)
    return method(_url(scene, op), data=body, content_type="application/json", **extra)


def _stored() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, to compare before and after a refused request."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
    }


def _refused(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["request_id"] == response["X-Request-ID"]
    return dict(error)


# --- the inputs -------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_a_body_over_the_limit_is_413_everywhere(scene: Scene, op: Operation) -> None:
    before = _stored()
    filler = "a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    error = _refused(_send(scene, op, json.dumps({"customer_note": filler})), 413)
    assert error["code"] == "payload_too_large"
    assert error["details"] == {"max_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    assert _stored() == before


@pytest.mark.parametrize("shape", ["array", "object"])
@pytest.mark.parametrize("op", WITH_BODY, ids=str)
def test_json_nested_a_thousand_deep_is_400(scene: Scene, op: Operation, shape: str) -> None:
    body = "[" * 1000 + "]" * 1000 if shape == "array" else '{"a":' * 1000 + "1" + "}" * 1000
    before = _stored()
    error = _refused(_send(scene, op, body), 400)
    assert error["code"] == "json_too_deep"
    assert _stored() == before


@pytest.mark.parametrize("op", WITH_BODY, ids=str)
def test_json_a_little_too_deep_is_400_too(scene: Scene, op: Operation) -> None:
    """Deep enough to get past the parser and trouble whatever walks it next, well under 1,000."""
    body = json.dumps({"note": json.loads("[" * 25 + "]" * 25)})
    error = _refused(_send(scene, op, body), 400)
    assert error["code"] == "json_too_deep"


@pytest.mark.parametrize("case", STRING_CASES, ids=_case_id)
def test_a_lone_surrogate_in_any_string_is_400(scene: Scene, case: tuple[Any, str, Any]) -> None:
    op, field, value = case
    before = _stored()
    error = _refused(_send(scene, op, json.dumps({field: value})), 400)
    assert error["code"] == "invalid_text"
    assert _stored() == before


@pytest.mark.parametrize("op", WITH_BODY, ids=str)
def test_a_lone_surrogate_in_a_key_is_400(scene: Scene, op: Operation) -> None:
    error = _refused(_send(scene, op, json.dumps({SURROGATE: "x"})), 400)
    assert error["code"] == "invalid_text"


def test_every_endpoint_with_a_body_has_a_string_to_try() -> None:
    assert {str(op) for op, _field, _value in STRING_CASES} == {str(op) for op in WITH_BODY}


@pytest.mark.parametrize("case", DATE_CASES, ids=_case_id)
def test_a_date_time_at_the_edge_of_the_calendar_is_400(
    scene: Scene, case: tuple[Any, str, str]
) -> None:
    op, field, edge = case
    before = _stored()
    error = _refused(_send(scene, op, json.dumps({field: edge})), 400)
    assert field in error["details"], error
    assert _stored() == before


def test_the_date_time_fields_include_bookings_reschedule_and_quotes() -> None:
    fields = {(op.path, field) for op, field, _edge in DATE_CASES}
    assert {
        ("/api/v1/bookings", "start"),
        ("/api/v1/bookings/{booking_id}/reschedule", "start"),
        ("/api/v1/quotes", "start"),
    } <= fields


# --- the same edges in whole, otherwise valid requests (these reached the database before) ----


def _booking_body(scene: Scene, start: str) -> dict[str, Any]:
    world = scene.world
    return {
        "vehicle": str(world.vehicle.public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": start,
    }


@pytest.mark.parametrize("edge", EDGES)
def test_a_booking_at_the_edge_of_the_calendar_is_400(scene: Scene, edge: str) -> None:
    before = _stored()
    response = scene.client.post("/api/v1/bookings", _booking_body(scene, edge), format="json")
    assert _refused(response, 400)["details"] == {"start": ["Give a year between 2000 and 2999."]}
    assert _stored() == before


@pytest.fixture
def _english_afterwards() -> Iterator[None]:
    """A French request leaves French active in this thread; later tests must not inherit it."""
    yield
    translation.deactivate()


@pytest.mark.usefixtures("_english_afterwards")
def test_the_refusals_speak_the_callers_language(scene: Scene) -> None:
    french = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    deep = _refused(_send(scene, WITH_BODY[0], "[" * 1000 + "]" * 1000, **french), 400)
    assert deep["message"] == "Le corps JSON est trop profondément imbriqué (au plus 20 niveaux)."
    body = _booking_body(scene, EDGES[0])
    late = scene.client.post("/api/v1/bookings", body, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert _refused(late, 400)["details"] == {"start": ["Indiquez une année entre 2000 et 2999."]}


@pytest.mark.parametrize("edge", EDGES)
def test_a_reschedule_to_the_edge_of_the_calendar_is_400(scene: Scene, edge: str) -> None:
    before = _stored()
    url = f"/api/v1/bookings/{scene.path_values['booking_id']}/reschedule"
    response = scene.client.post(url, {"start": edge}, format="json")
    assert "start" in _refused(response, 400)["details"]
    assert _stored() == before


@pytest.mark.parametrize("edge", EDGES)
def test_a_quote_at_the_edge_of_the_calendar_is_400(scene: Scene, edge: str) -> None:
    world = scene.world
    body = {
        "vehicle": str(world.vehicle.public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": edge,
    }
    response = scene.client.post("/api/v1/quotes", body, format="json")
    assert "start" in _refused(response, 400)["details"]


# --- filters: every date-time query parameter of the schema -----------------------------------


def _query_date_parameters() -> list[tuple[str, str]]:
    found = []
    for path, item in SCHEMA["paths"].items():
        for parameter in item.get("get", {}).get("parameters", []):
            if parameter["in"] != "query":
                continue
            is_date = parameter.get("schema", {}).get("format") == "date-time"
            if is_date or parameter["name"] in MOMENT_PARAMETERS:
                found.append((path, parameter["name"]))
    return sorted(found)


QUERY_DATES = _query_date_parameters()


def test_the_date_filters_are_found() -> None:
    assert {name for _path, name in QUERY_DATES} >= MOMENT_PARAMETERS | {
        "start_after",
        "start_before",
    }


def _valid_query(scene: Scene, path: str) -> dict[str, str]:
    """What the endpoint needs besides the date, so that the date is what is refused."""
    world = scene.world
    service = {"service": world.service.code, "category": world.vehicle.category}
    day = world.day.date().isoformat()
    return {
        "/api/v1/availability": {
            **service,
            "site": str(world.site.public_id),
            "from": day,
            "to": day,
        },
        "/api/v1/availability/suggest": {**service, "lat": "48.85", "lon": "2.35"},
    }.get(path, {})


@pytest.mark.parametrize("edge", EDGES)
@pytest.mark.parametrize(("path", "name"), QUERY_DATES)
def test_a_date_filter_at_the_edge_of_the_calendar_is_400(
    scene: Scene, client_for: Callable[[User], APIClient], path: str, name: str, edge: str
) -> None:
    client = client_for(scene.world.operator)  # operators may use every filter
    response = client.get(path, {**_valid_query(scene, path), name: edge})
    assert name in _refused(response, 400)["details"]
