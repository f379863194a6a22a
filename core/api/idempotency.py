"""`@idempotent` for DRF view methods that create or change something."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from rest_framework.request import Request
from rest_framework.response import Response

from core import idempotency

HEADER = "Idempotency-Key"
V = TypeVar("V", bound=Callable[..., Response])


def idempotent(view_method: V) -> V:
    """Runs the method once per (user, Idempotency-Key); retries get the stored response.
    Without the header the method simply runs. Needs an authenticated user."""

    @functools.wraps(view_method)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if not key or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        claim = idempotency.idempotency_claim(
            user_id=request.user.pk,
            key=key,
            fingerprint=idempotency.fingerprint(
                method=request.method or "POST", path=request.path, body=request.data
            ),
        )
        if claim.is_replay:
            assert claim.replay_status is not None
            response = Response(claim.replay_body, status=claim.replay_status)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            response = view_method(self, request, *args, **kwargs)
        except Exception as exc:
            # Render the refusal now so that it is the response a retry replays.
            response = self.handle_exception(exc)
        if response.status_code >= 500:
            idempotency.idempotency_release(claim=claim)
        else:
            idempotency.idempotency_complete(
                claim=claim, status=response.status_code, body=response.data
            )
        return response

    return wrapper  # type: ignore[return-value]
