"""The one exception handler turns every kind of failure into the envelope with the right status."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import Http404
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from bookings.public import BookingErrorCode
from core.api.exceptions import exception_handler
from core.errors import Conflict, NotFound, ServiceUnavailable


def _lost(message: str) -> OperationalError:
    """What Django raises when the connection is lost: the driver's error (SQLSTATE 08006,
    connection_failure) as its cause."""
    import psycopg

    error = OperationalError(message)
    error.__cause__ = psycopg.errors.ConnectionFailure(message)
    return error


def _handle(exc: Exception) -> Response:
    request = APIRequestFactory().get("/api/v1/x")
    return exception_handler(exc, {"request": request, "view": None})


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (Conflict("Slot taken.", code=BookingErrorCode.SLOT_UNAVAILABLE), 409, "slot_unavailable"),
        (NotFound(), 404, "not_found"),
        (ServiceUnavailable(), 503, "service_unavailable"),
        (Http404(), 404, "not_found"),
        (_lost("could not connect"), 503, "service_unavailable"),
        (OperationalError("database is locked"), 500, "server_error"),
    ],
)
def test_status_and_code(exc: Exception, status: int, code: str) -> None:
    response = _handle(exc)
    assert response.status_code == status
    assert response.data["error"]["code"] == code


def test_domain_error_keeps_its_message_and_details() -> None:
    response = _handle(
        Conflict(
            "Slot taken.",
            code=BookingErrorCode.SLOT_UNAVAILABLE,
            details={"start": "x", "limit": 20},
        )
    )
    assert response.data["error"]["message"] == "Slot taken."
    assert response.data["error"]["details"] == {"start": "x", "limit": 20}


def test_django_validation_error_becomes_400_with_field_details() -> None:
    response = _handle(ValidationError({"plate": ["Too short."]}))
    assert response.status_code == 400
    assert response.data["error"]["code"] == "validation_error"
    assert response.data["error"]["details"] == {"plate": ["Too short."]}


def test_django_validation_error_without_field() -> None:
    response = _handle(ValidationError("Nope."))
    assert response.data["error"]["details"] == {"non_field_errors": ["Nope."]}


def test_database_outage_says_when_to_retry() -> None:
    response = _handle(_lost("server closed the connection"))
    assert response["Retry-After"] == "5"
    assert "server closed" not in str(response.data)


def test_aware_datetime_field_refuses_impossible_offsets() -> None:
    from core.api.fields import AwareDateTimeField

    field = AwareDateTimeField()
    assert (
        field.run_validation("2030-01-07T10:00:00+14:00").utcoffset().total_seconds() == 14 * 3600
    )
    with pytest.raises(Exception, match="between -14:00 and \\+14:00"):
        field.run_validation("2030-01-07T10:00:00+19:27")
    with pytest.raises(Exception, match="UTC offset"):
        field.run_validation("2030-01-07T10:00:00")
