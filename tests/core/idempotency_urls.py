"""A tiny API used to test @idempotent in isolation from any business endpoint."""

from __future__ import annotations

import itertools
import time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.public import BookingErrorCode
from core.api.idempotency import idempotent
from core.errors import Conflict
from core.models import IdempotencyKey

WRITTEN = get_user_model()
calls = itertools.count(1)
EXECUTIONS: list[int] = []
# What the key's record said when an after-commit side effect of the request ran.
SEEN_BY_SIDE_EFFECTS: list[tuple[str, int | None]] = []


def _look_at_the_key() -> None:
    row = IdempotencyKey.objects.get()
    SEEN_BY_SIDE_EFFECTS.append((row.status, row.response_status))


def _failing_side_effect() -> None:
    raise RuntimeError("the mail server fell over")


class CreateThing(APIView):
    @idempotent
    def post(self, request: Request) -> Response:
        number = next(calls)
        EXECUTIONS.append(number)
        if request.data.get("slow"):
            time.sleep(0.5)
        if request.data.get("conflict"):
            raise Conflict("Taken.", code=BookingErrorCode.SLOT_UNAVAILABLE)
        if request.data.get("crash"):
            raise RuntimeError("boom")
        if request.data.get("writes_then_crashes"):
            WRITTEN.objects.create(email="written@example.com")
            raise RuntimeError("boom after a write")
        if request.data.get("side_effect"):
            with transaction.atomic():  # a use case: its own transaction, e-mail after commit
                transaction.on_commit(_look_at_the_key)
                if request.data["side_effect"] == "fails":
                    transaction.on_commit(_failing_side_effect)
        return Response({"number": number, "echo": request.data.get("name")}, status=201)


urlpatterns = [path("api/v1/things", CreateThing.as_view())]
