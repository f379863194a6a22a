"""The real URL conf plus /api/v1/test/hang, which outlasts gunicorn's worker timeout."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler500  # noqa: F401 (Django looks them up here)
from config.urls import urlpatterns as real_urlpatterns


def hang(request: HttpRequest) -> HttpResponse:
    time.sleep(60)  # gunicorn aborts the worker long before (its --timeout in the test)
    return HttpResponse("too late")


urlpatterns = [path("api/v1/test/hang", hang), *real_urlpatterns]
