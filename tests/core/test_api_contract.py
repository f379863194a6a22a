"""What the OpenAPI schema promises about inputs, the API keeps: orderings, pages, ids, types."""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from uuid import uuid4

import jsonschema  # type: ignore[import-untyped]  # its stubs (types-jsonschema) not installed
import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return schema


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in _schema()["paths"].items()
        for method, operation in item.items()
    ]


def _parameter(operation: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((p for p in operation.get("parameters", []) if p["name"] == name), None)


def _signed_in(client_for: Any) -> APIClient:
    client: APIClient = client_for(UserFactory.create())
    return client


ORDERED_LISTS = ["/api/v1/vehicles", "/api/v1/bookings", "/api/v1/sites", "/api/v1/services"]


@pytest.mark.parametrize("path", ORDERED_LISTS)
def test_an_ordering_a_list_does_not_offer_is_a_400_envelope(client_for: Any, path: str) -> None:
    response = _signed_in(client_for).get(path, {"ordering": "no_such_field"})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "no_such_field" in error["details"]["ordering"][0]


def test_a_field_outside_ordering_fields_is_refused_even_if_the_model_has_it(
    client_for: Any,
) -> None:
    response = _signed_in(client_for).get("/api/v1/bookings", {"ordering": "-operator_note"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ORDERED_LISTS)
def test_the_schema_lists_every_ordering_value_each_list_accepts(
    client_for: Any, path: str
) -> None:
    parameter = _parameter(_schema()["paths"][path]["get"], "ordering")
    assert parameter is not None
    values = parameter["schema"]["enum"]
    assert values
    assert all(f"-{v}" in values for v in values if v and not v.startswith("-"))
    client = _signed_in(client_for)
    for value in values:
        assert client.get(path, {"ordering": value}).status_code == 200, value


def test_a_list_that_does_not_order_does_not_advertise_ordering() -> None:
    history = _schema()["paths"]["/api/v1/bookings/{booking_id}/history"]["get"]
    assert _parameter(history, "ordering") is None
    advertised = {path for path, method, op in _operations() if _parameter(op, "ordering")}
    assert advertised == set(ORDERED_LISTS)


def test_sites_order_by_name_both_ways(api_client: APIClient) -> None:
    from tests.scheduling.factories import SiteFactory

    SiteFactory.create(name="Bastille")
    SiteFactory.create(name="Vincennes")
    body = api_client.get("/api/v1/sites", {"ordering": "-name"}).json()
    assert [s["name"] for s in body["results"]] == ["Vincennes", "Bastille"]


@pytest.mark.parametrize(
    "query",
    [
        {"page_size": "abc"},
        {"page_size": "0"},
        {"page_size": "101"},
        {"page_size": "2.5"},
        {"page": "abc"},
        {"page": "0"},
        {"page": "-1"},
    ],
)
def test_a_malformed_page_or_page_size_is_a_400_naming_it(
    api_client: APIClient, query: dict[str, str]
) -> None:
    response = api_client.get("/api/v1/sites", query)
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]["details"]) == set(query)


def test_a_page_past_the_last_is_a_404_and_page_sizes_in_range_are_served(
    api_client: APIClient,
) -> None:
    from tests.scheduling.factories import SiteFactory

    SiteFactory.create_batch(3)
    assert api_client.get("/api/v1/sites", {"page": "3", "page_size": "2"}).status_code == 404
    body = api_client.get("/api/v1/sites", {"page": "2", "page_size": "2"}).json()
    assert len(body["results"]) == 1
    assert len(api_client.get("/api/v1/sites", {"page_size": "100"}).json()["results"]) == 3


def test_the_schema_gives_the_page_and_page_size_ranges() -> None:
    sites = _schema()["paths"]["/api/v1/sites"]["get"]
    page_size = _parameter(sites, "page_size")
    page = _parameter(sites, "page")
    assert page_size is not None
    assert page is not None
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 100)
    assert page["schema"]["minimum"] == 1


# Ids: only a UUID's canonical text form (DRF and Django's forms also read 32 bare hex digits,
# braces, "urn:uuid:" and integers as a UUID).
NOT_UUIDS = [
    "e3e70682c2091caca29f6fbed82c07cd",
    "{e3e70682-c209-1cac-a29f-6fbed82c07cd}",
    "urn:uuid:e3e70682-c209-1cac-a29f-6fbed82c07cd",
    " e3e70682-c209-1cac-a29f-6fbed82c07cd",
]


@pytest.mark.parametrize("value", [*NOT_UUIDS, 123])
def test_a_body_id_that_is_not_a_uuid_string_is_a_400_naming_it(
    client_for: Any, value: object
) -> None:
    response = _signed_in(client_for).post(
        "/api/v1/quotes", {"service": "wash", "vehicle": value}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "vehicle" in response.json()["error"]["details"]


@pytest.mark.parametrize("value", [*NOT_UUIDS, ""])
def test_a_query_id_that_is_not_a_uuid_string_is_a_400_naming_it(
    client_for: Any, value: str
) -> None:
    client = _signed_in(client_for)
    listing = client.get("/api/v1/bookings", {"customer": value})
    assert listing.status_code == 400, listing.content
    assert set(listing.json()["error"]["details"]) == {"customer"}
    availability = client.get(
        "/api/v1/availability",
        {"service": "wash", "category": "small", "site": value, "from": "2030-01-07"},
    )
    assert availability.status_code == 400, availability.content
    assert "site" in availability.json()["error"]["details"]


def test_an_upper_case_uuid_is_still_a_uuid(client_for: Any) -> None:
    response = _signed_in(client_for).post(
        "/api/v1/quotes",
        {"service": "wash", "vehicle": "E3E70682-C209-1CAC-A29F-6FBED82C07CD"},
        format="json",
    )
    assert response.status_code == 404, response.content


# Bodies: each value has the JSON type the schema gives it (DRF reads 0 as "0" and "5" as 5).
@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("patch", "/api/v1/me", {"last_name": 0}, "last_name"),
        ("patch", "/api/v1/me", {"phone": True}, "phone"),
        ("post", "/api/v1/auth/token", {"email": 5, "password": "x"}, "email"),
        ("post", "/api/v1/auth/token", {"email": "a@b.co", "password": "x", "device": 5}, "device"),
        ("post", "/api/v1/quotes", {"service": 5, "category": "small"}, "service"),
        ("post", "/api/v1/quotes", {"service": "wash", "options": [5]}, "options"),
        (
            "post",
            "/api/v1/quotes",
            {"service": "a", "category": "small", "promo_code": 1},
            "promo_code",
        ),
        ("post", "/api/v1/vehicles", {"year": "2020"}, "year"),
        ("post", "/api/v1/vehicles", {"year": 2020.0}, "year"),
        ("post", "/api/v1/vehicles", {"make": 12}, "make"),
    ],
)
def test_a_body_value_of_another_json_type_is_a_400_naming_it(
    client_for: Any, method: str, path: str, body: dict[str, Any], field: str
) -> None:
    response = getattr(_signed_in(client_for), method)(path, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["details"]


@pytest.mark.parametrize("value", [50, 49.9, "", "-", ".", "4 9", "٥٠", "000000000.5", "1e3"])
def test_an_amount_is_a_string_of_ascii_digits_as_the_schema_says(
    client_for: Any, value: object
) -> None:
    response = _signed_in(client_for).post(
        "/api/v1/bookings", {"expected_total": value}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "expected_total" in response.json()["error"]["details"]
    pattern = _schema()["components"]["schemas"]["BookingCreateRequest"]["properties"][
        "expected_total"
    ]["pattern"]
    if isinstance(value, str):
        assert re.search(pattern, value) is None
    assert re.search(pattern, "49.90")
    assert re.search(pattern, "12345678.5")


# Text: the schema refuses what the fields refuse (NUL anywhere; only whitespace when required).
def _request_text_properties() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for name, component in _schema()["components"]["schemas"].items():
        if not name.endswith("Request"):
            continue
        for prop, prop_schema in component.get("properties", {}).items():
            for schema in [prop_schema, prop_schema.get("items", {})]:
                if schema.get("type") == "string" and not {"format", "enum"} & set(schema):
                    found.append((name, prop, schema))
    return found


def test_every_free_text_input_refuses_nul_in_the_schema() -> None:
    properties = _request_text_properties()
    assert len(properties) > 20
    for name, prop, schema in properties:
        assert "pattern" in schema, (name, prop)
        assert re.search(schema["pattern"], "a\x00b") is None, (name, prop)


def test_a_required_text_field_refuses_only_whitespace_in_the_schema_and_the_api(
    client_for: Any,
) -> None:
    make = _schema()["components"]["schemas"]["VehicleCreateRequest"]["properties"]["make"]
    assert re.search(make["pattern"], " \t ") is None
    assert re.search(make["pattern"], " Renault ")
    response = _signed_in(client_for).post("/api/v1/vehicles", {"make": " \t "}, format="json")
    assert "make" in response.json()["error"]["details"]


def test_query_text_of_filters_refuses_nul_in_the_schema(api_client: APIClient) -> None:
    sites = _schema()["paths"]["/api/v1/sites"]["get"]
    name = _parameter(sites, "name__icontains")
    assert name is not None
    assert re.search(name["schema"]["pattern"], "a\x00") is None
    assert api_client.get("/api/v1/sites", {"name__icontains": "a\x00"}).status_code == 400


def test_path_ids_are_lower_case_uuids_as_the_url_resolver_reads_them(
    client_for: Any,
) -> None:
    booking = _schema()["paths"]["/api/v1/bookings/{booking_id}"]["get"]
    booking_id = _parameter(booking, "booking_id")
    assert booking_id is not None
    upper = "E3E70682-C209-1CAC-A29F-6FBED82C07CD"
    assert re.search(booking_id["schema"]["pattern"], upper) is None
    assert re.search(booking_id["schema"]["pattern"], upper.lower())
    response = _signed_in(client_for).get(f"/api/v1/bookings/{upper}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    code = _parameter(_schema()["paths"]["/api/v1/services/{code}"]["get"], "code")
    assert code is not None
    assert code["schema"]["pattern"] == "^[-a-zA-Z0-9_]+$"


# Date-times: RFC 3339 as the schema's format and pattern say, nothing Python would also read.
NOT_RFC3339 = [
    "2030-06-07 10:00:00+02:00",
    "2030-06-07t10:00:00z",
    "20300607T100000Z",
    "2030-W23-5T10:00:00+02:00",
    "2030-06-07T10:00+02:00",
    "2030-06-07T10:00:00.1234567+02:00",
    "2030-06-07",
]


@pytest.mark.parametrize(
    "value", [*NOT_RFC3339, "2030-06-07T10:00:00", "2030-06-07T10:00:00-14:30"]
)
def test_a_body_date_time_that_is_not_rfc3339_is_a_400_and_the_schema_says_so(
    api_client: APIClient, value: str
) -> None:
    response = api_client.post(
        "/api/v1/quotes",
        {"service": "wash", "category": "small", "start": value},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "start" in response.json()["error"]["details"]
    start = _schema()["components"]["schemas"]["QuoteRequestRequest"]["properties"]["start"]
    assert re.search(start["pattern"], value) is None


@pytest.mark.parametrize(
    "value", ["2030-06-07T10:00:00Z", "2030-06-07T10:00:00.5-09:30", "2030-06-07T10:00:00+14:00"]
)
def test_an_rfc3339_date_time_is_read(api_client: APIClient, value: str) -> None:
    response = api_client.post(
        "/api/v1/quotes",
        {"service": "wash", "category": "small", "start": value},
        format="json",
    )
    assert "start" not in response.json().get("error", {}).get("details", {}), response.content
    start = _schema()["components"]["schemas"]["QuoteRequestRequest"]["properties"]["start"]
    assert re.search(start["pattern"], value)


@pytest.mark.parametrize("value", [*NOT_RFC3339, ""])
def test_a_date_time_filter_that_is_not_rfc3339_is_a_400(client_for: Any, value: str) -> None:
    response = _signed_in(client_for).get("/api/v1/bookings", {"start_after": value})
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]["details"]) == {"start_after"}
    parameter = _parameter(_schema()["paths"]["/api/v1/bookings"]["get"], "start_after")
    assert parameter is not None
    assert re.search(parameter["schema"]["pattern"], value) is None


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("2030-06-07", True),
        ("2030-06-07T10:00:00+02:00", True),
        ("2030-06-07T10:00:00Z", True),
        ("2030-06-07T10:00+02:00", False),
        ("2030-06-07 10:00:00+02:00", False),
        ("1999-12-31", False),
        ("3000-01-01T00:00:00Z", False),
        ("2030-6-7", False),
    ],
)
def test_availability_moments_are_what_the_schema_says(
    api_client: APIClient, value: str, accepted: bool
) -> None:
    response = api_client.get(
        "/api/v1/availability",
        {"service": "wash", "category": "small", "site": str(uuid4()), "from": value, "to": value},
    )
    details = response.json().get("error", {}).get("details", {})
    assert ("from" not in details) is accepted, response.content
    parameter = _parameter(_schema()["paths"]["/api/v1/availability"]["get"], "from")
    assert parameter is not None
    patterns = [branch["pattern"] for branch in parameter["schema"]["anyOf"]]
    assert any(re.search(p, value) for p in patterns) is accepted


def test_opening_hours_are_wall_clock_times_as_the_schema_says(api_client: APIClient) -> None:
    from tests.scheduling.factories import SiteFactory

    opening = _schema()["components"]["schemas"]["OpeningHours"]["properties"]
    site = SiteFactory.create()
    hours = api_client.get(f"/api/v1/sites/{site.public_id}").json()["opening_hours"]
    for name in ("opens", "closes"):
        # `format: time` is RFC 3339's full-time, "08:00:00Z": a site's clock has no offset.
        assert "format" not in opening[name]
        assert all(re.search(opening[name]["pattern"], day[name]) for day in hours)
    assert hours[0]["opens"] == "08:00"


# Statuses and headers: what each operation can answer is in the schema.
BOOKING_ACTIONS = ["confirm", "start", "complete", "cancel", "no-show", "reschedule", "rate"]
IDEMPOTENT = {
    ("/api/v1/bookings", "post"),
    *((f"/api/v1/bookings/{{booking_id}}/{action}", "post") for action in BOOKING_ACTIONS),
}


def test_every_post_that_takes_an_idempotency_key_says_so_with_its_409_and_422() -> None:
    with_header = set()
    for path, method, operation in _operations():
        header = _parameter(operation, "Idempotency-Key")
        if header is None:
            continue
        with_header.add((path, method))
        assert header["in"] == "header"
        assert {"409", "422"} <= set(operation["responses"])
        assert re.search(header["schema"]["pattern"], "a b") is None
        assert re.search(header["schema"]["pattern"], "retry-7f3a")
    assert with_header == IDEMPOTENT


@pytest.mark.parametrize(
    ("path", "method"),
    [
        *sorted(IDEMPOTENT),
        ("/api/v1/bookings/{booking_id}", "patch"),
        ("/api/v1/availability", "get"),
        ("/api/v1/availability/suggest", "get"),
    ],
)
def test_operations_that_a_rule_or_state_can_refuse_list_409(path: str, method: str) -> None:
    assert "409" in _schema()["paths"][path][method]["responses"]


def test_every_operation_lists_413_and_414(api_client: APIClient) -> None:
    for path, method, operation in _operations():
        assert {"413", "414"} <= set(operation["responses"]), (path, method)
    # The body limit applies before any view, to a GET too.
    response = api_client.get("/api/v1/sites", CONTENT_LENGTH=str(3 * 1024 * 1024))
    assert response.status_code == 413


def test_the_calendar_file_offers_no_json_format_and_its_errors_are_json(client_for: Any) -> None:
    calendar = _schema()["paths"]["/api/v1/bookings/{booking_id}/calendar.ics"]["get"]
    assert _parameter(calendar, "format") is None
    assert set(calendar["responses"]["200"]["content"]) == {"text/calendar"}
    client = _signed_in(client_for)
    url = f"/api/v1/bookings/{uuid4()}/calendar.ics"
    as_json = client.get(url, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 406
    assert as_json["Content-Type"].startswith("application/json")
    missing = client.get(url, HTTP_ACCEPT="text/calendar")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/json")
    assert missing.json()["error"]["code"] == "booking_not_found"


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"category": "small"}, True),
        ({"category": "small", "energy": "diesel"}, True),
        ({"vehicle": "e3e70682-c209-1cac-a29f-6fbed82c07cd"}, True),
        ({}, False),
        ({"energy": "diesel"}, False),
        ({"vehicle": "e3e70682-c209-1cac-a29f-6fbed82c07cd", "category": "small"}, False),
        ({"vehicle": "e3e70682-c209-1cac-a29f-6fbed82c07cd", "energy": "diesel"}, False),
    ],
)
def test_a_quote_names_a_vehicle_or_a_category_in_the_schema_as_in_the_api(
    client_for: Any, body: dict[str, str], valid: bool
) -> None:
    rules = {"oneOf": _schema()["components"]["schemas"]["QuoteRequestRequest"]["oneOf"]}
    assert jsonschema.Draft4Validator(rules).is_valid(body) is valid
    response = _signed_in(client_for).post(
        "/api/v1/quotes", {"service": "wash", **body}, format="json"
    )
    refused = response.status_code == 400
    assert refused is not valid, response.content


def _property(component: str, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = _schema()["components"]["schemas"][component]["properties"][name]
    return schema


@pytest.mark.parametrize("plate", ["ab-12", "  AB 123 CD ", "a", "ab#12", "é12", "AB-123-CD-EF-GH"])
def test_the_plate_pattern_in_the_schema_is_what_registering_keeps(
    client_for: Any, plate: str
) -> None:
    body = {"plate": plate, "make": "Renault", "model": "Clio", "year": 2020}
    body |= {"category": "small", "energy": "petrol"}
    response = _signed_in(client_for).post("/api/v1/vehicles", body, format="json")
    kept = response.status_code == 201
    assert kept or "plate" in response.json()["error"]["details"], response.content
    pattern = _property("VehicleCreateRequest", "plate")["pattern"]
    assert (re.search(pattern, plate) is not None) is kept


@pytest.mark.parametrize(
    "phone", ["", "  ", " +33 1 23 45 67 89 ", "12345", "call me", "+33\t123456"]
)
def test_the_phone_pattern_in_the_schema_is_what_the_profile_keeps(
    client_for: Any, phone: str
) -> None:
    response = _signed_in(client_for).patch("/api/v1/me", {"phone": phone}, format="json")
    kept = response.status_code == 200
    assert kept or "phone" in response.json()["error"]["details"], response.content
    pattern = _property("PatchedProfileUpdateRequest", "phone")["pattern"]
    assert (re.search(pattern, phone) is not None) is kept


def test_max_length_counts_the_text_as_sent(client_for: Any) -> None:
    assert _property("PatchedProfileUpdateRequest", "first_name")["maxLength"] == 150
    client = _signed_in(client_for)
    assert client.patch("/api/v1/me", {"first_name": "a" * 150}, format="json").status_code == 200
    padded = client.patch("/api/v1/me", {"first_name": "a" * 150 + " "}, format="json")
    assert padded.status_code == 400
    assert "first_name" in padded.json()["error"]["details"]
    spaces = client.patch("/api/v1/me", {"phone": " " * 21}, format="json")
    assert spaces.status_code == 400
    assert "phone" in spaces.json()["error"]["details"]


def test_a_code_is_taken_as_sent_as_its_pattern_says(api_client: APIClient) -> None:
    pattern = _property("QuoteRequestRequest", "service")["pattern"]
    assert re.search(pattern, " wash") is None
    response = api_client.post(
        "/api/v1/quotes", {"service": " wash", "category": "small"}, format="json"
    )
    assert response.status_code == 400
    assert "service" in response.json()["error"]["details"]


@pytest.mark.parametrize(
    "value", ["1890-07-25T11:32:40Z", "1999-12-31T23:59:59Z", "3000-01-01T00:00:00+01:00"]
)
def test_a_date_time_outside_the_years_the_api_serves_is_a_400_as_the_schema_says(
    client_for: Any, value: str
) -> None:
    # Paris's offset in 1890 was +00:09:21: an answer on the site's clock could not be RFC 3339.
    quote = _signed_in(client_for).post(
        "/api/v1/quotes", {"service": "wash", "category": "small", "start": value}, format="json"
    )
    assert quote.status_code == 400
    assert "start" in quote.json()["error"]["details"]
    listing = _signed_in(client_for).get("/api/v1/bookings", {"start_before": value})
    assert listing.status_code == 400
    start = _property("QuoteRequestRequest", "start")
    assert re.search(start["pattern"], value) is None
    assert re.search(start["pattern"], "2000-01-01T00:00:00Z")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/vehicles", "archived"),
        ("/api/v1/vehicles", "category"),
        ("/api/v1/vehicles", "ordering"),
        ("/api/v1/services", "ordering"),
        ("/api/v1/services", "kind"),
    ],
)
def test_an_empty_choice_means_no_choice_in_the_schema_as_in_the_api(
    client_for: Any, path: str, name: str
) -> None:
    parameter = _parameter(_schema()["paths"][path]["get"], name)
    assert parameter is not None
    assert "" in parameter["schema"]["enum"]
    assert _signed_in(client_for).get(path, {name: ""}).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"lat": " 48.8"},
        {"lat": "4_8"},
        {"lat": "٤٨"},
        {"limit": "5.0"},
        {"limit": " 5"},
        {"weekdays": "1.0"},
    ],
)
def test_query_numbers_are_read_as_the_schema_writes_them(
    api_client: APIClient, change: dict[str, str]
) -> None:
    query = {"service": "wash", "category": "small", "lat": "48.8", "lon": "2.3", **change}
    response = api_client.get("/api/v1/availability/suggest", query)
    assert response.status_code == 400, response.content
    assert set(change) <= set(response.json()["error"]["details"])


@pytest.mark.parametrize("value", ["yes", "1", "True", "on"])
def test_a_query_boolean_is_true_or_false(api_client: APIClient, value: str) -> None:
    query = {"service": "wash", "category": "small", "site": str(uuid4())}
    query |= {"from": "2030-06-07", "to": "2030-06-07", "include_resources": value}
    response = api_client.get("/api/v1/availability", query)
    assert response.status_code == 400, response.content
    assert "include_resources" in response.json()["error"]["details"]
