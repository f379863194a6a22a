"""A tiny API used to test @idempotent in isolation from any business endpoint."""

from __future__ import annotations

import itertools
import time

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.idempotency import idempotent
from core.errors import Conflict

calls = itertools.count(1)
EXECUTIONS: list[int] = []


class CreateThing(APIView):
    @idempotent
    def post(self, request):
        number = next(calls)
        EXECUTIONS.append(number)
        if request.data.get("slow"):
            time.sleep(0.5)
        if request.data.get("conflict"):
            raise Conflict("Taken.", code="slot_unavailable")
        if request.data.get("crash"):
            raise RuntimeError("boom")
        return Response({"number": number, "echo": request.data.get("name")}, status=201)


urlpatterns = [path("api/v1/things", CreateThing.as_view())]
